#!/usr/bin/env python3
"""The safetensors cross-check between pref and the reference implementation.

Without arguments: writes Tests/PrefCoreTests/Fixtures/reference.safetensors with
safetensors.numpy.save_file (the Rust serializer behind PyTorch's save_file too):

    "w": float32 [2, 3] = [[1.5, -2.25, 3.0], [0.0, -0.0, 1e-3]]
    "b": float64 [3]    = [0.1, -1e300, 2.5e-310]   (2.5e-310 is subnormal)
    metadata {"format": "pt", "step": "7"}

SafetensorsTests reads it and checks these exact values (bit for bit).

With a path: loads a file written by pref, prints every tensor (dtype, shape, values) and the
metadata, then saves the same arrays and metadata again with safetensors and reports whether the
bytes are identical to pref's file (they should be whenever the metadata has at most one key:
Rust keeps metadata in a HashMap, so the order of several keys is not fixed there).

Usage:
    python3 -m venv /tmp/stvenv && /tmp/stvenv/bin/pip install safetensors numpy
    /tmp/stvenv/bin/python Scripts/reference/safetensors_fixture.py            # write the fixture
    /tmp/stvenv/bin/python Scripts/reference/safetensors_fixture.py FILE       # check pref's FILE
"""
import os
import sys
import tempfile

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "..", "..", "Tests", "PrefCoreTests", "Fixtures", "reference.safetensors")


def write_fixture():
    tensors = {
        "w": np.array([[1.5, -2.25, 3.0], [0.0, -0.0, 1e-3]], dtype=np.float32),
        "b": np.array([0.1, -1e300, 2.5e-310], dtype=np.float64),
    }
    path = os.path.normpath(FIXTURE)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    save_file(tensors, path, metadata={"format": "pt", "step": "7"})
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    for name, array in load_file(path).items():
        bits = array.view(np.uint32 if array.dtype == np.float32 else np.uint64)
        print(f"  {name}: {array.dtype} {list(array.shape)} bits {[hex(int(b)) for b in bits.ravel()]}")


def check(path):
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata()
        tensors = {name: f.get_tensor(name) for name in f.keys()}
    print(f"loaded {path}: {len(tensors)} tensors, metadata {metadata}")
    for name, array in tensors.items():
        print(f"  {name}: {array.dtype} {list(array.shape)} {array.ravel().tolist()}")
    with tempfile.TemporaryDirectory() as d:
        again = os.path.join(d, "again.safetensors")
        save_file(tensors, again, metadata=metadata)
        with open(path, "rb") as a, open(again, "rb") as b:
            identical = a.read() == b.read()
    print("byte-identical to safetensors' own save_file:", "yes" if identical else "no")
    return identical


if __name__ == "__main__":
    if len(sys.argv) > 1:
        check(sys.argv[1])
    else:
        write_fixture()
