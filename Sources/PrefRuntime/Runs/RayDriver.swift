/// The Python driver of `pref sweep --backend ray`, written into the sweep's directory as
/// `ray_sweep.py` and run there, so a sweep records exactly the driver that ran it. It connects
/// to an existing Ray cluster and runs each point as a Ray task that calls `pref run` on a worker;
/// the task sends back the point's manifest, metrics and output, so the cluster needs no file
/// system shared with the driver. Each finished point is announced as one JSON line on stdout.
enum RayDriver {
    static let source = #"""
    """Runs the points of a pref sweep as Ray tasks (written by `pref sweep --backend ray`).

    python ray_sweep.py PLAN.json: PLAN holds the Ray address, the pref binary and script paths as
    the workers see them, and the points (number, pref run arguments, directory). For each point that
    finishes, its directory gets manifest.json, metrics.jsonl, stdout.txt and stderr.txt, and one
    JSON line {"number", "status", "seconds"} is printed. Ctrl-C cancels the points still running.
    """
    import json
    import os
    import sys
    import time

    import ray


    @ray.remote
    def run_point(pref, script, arguments):
        import shutil
        import subprocess
        import tempfile

        directory = tempfile.mkdtemp(prefix="pref-point-")
        try:
            p = subprocess.run([pref, "run", script, "--record-to", directory] + arguments,
                               capture_output=True, text=True, stdin=subprocess.DEVNULL)
            files = {}
            for name in ("manifest.json", "metrics.jsonl"):
                path = os.path.join(directory, name)
                if os.path.exists(path):
                    with open(path, encoding="utf-8") as f:
                        files[name] = f.read()
            status = p.returncode if p.returncode >= 0 else 128 - p.returncode
            return {"status": status, "stdout": p.stdout, "stderr": p.stderr, "files": files}
        finally:
            shutil.rmtree(directory, ignore_errors=True)


    def write(directory, name, text):
        path = os.path.join(directory, name)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)


    def main():
        with open(sys.argv[1], encoding="utf-8") as f:
            plan = json.load(f)
        ray.init(address=plan["address"], log_to_driver=False, logging_level="ERROR")
        started = time.time()
        pending = {}
        for point in plan["points"]:
            ref = run_point.remote(plan["pref"], plan["script"], point["arguments"])
            pending[ref] = point
        try:
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    point = pending.pop(ref)
                    try:
                        result = ray.get(ref)
                    except Exception as error:  # a lost worker or node: the point failed, the others go on
                        result = {"status": 70, "stdout": "", "stderr": "error: the Ray task failed: %s\n" % error, "files": {}}
                    os.makedirs(point["directory"], exist_ok=True)
                    write(point["directory"], "stdout.txt", result["stdout"])
                    write(point["directory"], "stderr.txt", result["stderr"])
                    for name, text in result["files"].items():
                        write(point["directory"], name, text)
                    line = {"number": point["number"], "status": result["status"], "seconds": time.time() - started}
                    print(json.dumps(line), flush=True)
        except KeyboardInterrupt:
            for ref in pending:
                ray.cancel(ref, force=True)
            sys.exit(130)


    if __name__ == "__main__":
        main()
    """#
}
