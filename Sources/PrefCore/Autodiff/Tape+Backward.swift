/// The backward pass: one reverse scan over the entries, each op's rule beside its kernel call.
extension Tape {
    /// Accumulates d(root)/d(leaf) into every leaf that requires a gradient. The root must have
    /// one element unless `seed` (the gradient of the root, same shape) is given. Parameter
    /// leaves add their gradient into `Parameter.grad`.
    public func backward(_ root: Var, seed: Tensor? = nil) throws(TensorError) {
        let rn = try node(root, op: "backward")
        guard rn.requiresGrad else {
            throw TensorError(op: "backward", "the value does not depend on any parameter or variable",
                              hint: "make leaves with tape.parameter or tape.variable, outside withoutGradients")
        }
        // Intermediate gradients from an earlier backward pass must not leak into this one;
        // leaves keep accumulating, as PyTorch's .grad does.
        for e in entries { nodes[Int(e.out)].grad = nil }
        let g = gradBuffer(root.id)
        if let seed {
            guard seed.shape == rn.view.shape, seed.dtype == rn.view.dtype else {
                throw TensorError.shapes("backward", rn.view.shape, seed.shape, "seed gradient must match the root")
            }
            withExtendedLifetime(seed) { LayoutKernels.addInto(seed.view, g) }
        } else {
            guard rn.view.count == 1 else {
                throw TensorError(op: "backward", "the root has shape \(rn.view.shape); backward needs a single value",
                                  hint: "reduce it first, e.g. with sum or mean")
            }
            switch g.dtype {
            case .f32: g.ptr(Float.self).pointee += 1
            case .f64: g.ptr(Double.self).pointee += 1
            }
        }
        var i = entries.count - 1
        while i >= 0 {
            let e = entries[i]
            if e.out <= root.id, nodes[Int(e.out)].grad != nil { try runBackward(e) }
            i -= 1
        }
        flushParameterGradients()
    }

    /// Adds the tape's parameter-leaf gradients into the parameters.
    private func flushParameterGradients() {
        for p in parameters {
            guard let id = parameterNodes[ObjectIdentifier(p)], let g = nodes[Int(id)].grad else { continue }
            let view = nodes[Int(id)].view
            if p.grad == nil || p.grad?.shape != view.shape || p.grad?.dtype != view.dtype {
                let t = Tensor(uninitialized: view.shape, dtype: view.dtype)
                t.rawPointer.copyMemory(from: g, byteCount: view.byteCount)
                p.grad = t
            } else if var t = p.grad {
                p.grad = nil  // move out so the buffer is uniquely referenced
                t.makeUnique()
                LayoutKernels.addInto(View(base: g, shape: view.shape, dtype: view.dtype), t.view)
                p.grad = t
            }
            // The leaf gradient has been handed over; a second backward adds afresh.
            nodes[Int(id)].grad?.initializeMemory(as: UInt8.self, repeating: 0, count: view.byteCount)
        }
    }

    /// Throws only when interrupted (a long kernel saw the interrupt flag); the tape's gradients
    /// are then partial and the parameters' `grad`s untouched.
    private func runBackward(_ e: Entry) throws(TensorError) {
        let out = nodes[Int(e.out)]
        let g = View(base: out.grad.unsafelyUnwrapped, shape: out.view.shape, dtype: out.view.dtype)
        switch e.code {
        case .binary:
            let op = BinaryOp(rawValue: e.sub).unsafelyUnwrapped
            let a = nodes[Int(e.a)], b = nodes[Int(e.b)]
            try BinaryKernels.backward(op, a.view, b.view, out.view, g, ga: a.requiresGrad ? gradBuffer(e.a) : nil,
                                   gb: b.requiresGrad ? gradBuffer(e.b) : nil)
        case .unary:
            let x = nodes[Int(e.a)]
            try UnaryKernels.backward(UnaryOp(rawValue: e.sub).unsafelyUnwrapped, x.view, out.view, g, into: gradBuffer(e.a), e.p0, e.p1)
        case .reduce:
            let x = nodes[Int(e.a)]
            try ReduceKernels.backward(ReduceKernels.Kind(rawValue: e.sub).unsafelyUnwrapped, x.view, out.view, g, into: gradBuffer(e.a),
                                   outer: e.outer, n: e.n, inner: e.inner, indices: e.ptr?.assumingMemoryBound(to: Int32.self))
        case .softmax, .logSoftmax:
            try SoftmaxKernels.backward(log: e.code == .logSoftmax, out.view, g, into: gradBuffer(e.a), outer: e.outer, n: e.n, inner: e.inner)
        case .matmul:
            let a = nodes[Int(e.a)], b = nodes[Int(e.b)]
            try MatmulKernels.backward(matmulAux[Int(e.aux)], a.view, b.view, g,
                                   ga: a.requiresGrad ? gradBuffer(e.a) : nil, gb: b.requiresGrad ? gradBuffer(e.b) : nil)
        case .strided:
            let gx = gradBuffer(e.a)
            let dst = View(base: gx.base + e.k * gx.dtype.size, shape: gx.shape, dtype: gx.dtype)
            LayoutKernels.scatterAddStrided(g, dst, stridesAux[Int(e.aux)])
        case .take, .takeAlong:
            let gx = gradBuffer(e.a)
            indexAux[Int(e.aux)].withUnsafeBufferPointer { idx in
                LayoutKernels.take(gx, g, idx: idx.baseAddress.unsafelyUnwrapped, outer: e.outer, n: e.n, inner: e.inner, k: e.k,
                                   alongAxis: e.code == .takeAlong, backward: true)
            }
        case .concat:
            var start = 0
            for id in listAux[Int(e.aux)] {
                let x = nodes[Int(id)]
                let n = x.view.count / Swift.max(e.outer * e.inner, 1)
                if x.requiresGrad {
                    LayoutKernels.block(gradBuffer(id), g, outer: e.outer, n: n, total: e.k, inner: e.inner, start: start, toWhole: false, accumulate: true)
                }
                start += n
            }
        case .select:
            let c = nodes[Int(e.c)]
            for (id, side) in [(e.a, true), (e.b, false)] where nodes[Int(id)].requiresGrad {
                let masked = allocate(out.view.shape, out.view.dtype)
                LayoutKernels.mask(c.view, g, masked, whenTrue: side)
                LayoutKernels.addInto(masked, gradBuffer(id))
            }
        case .gatherMatvec:
            gatherMatvecBackward(e, g)
        case .reshape:
            let gx = gradBuffer(e.a)
            LayoutKernels.addInto(g.reshaped(gx.shape), gx)
        }
    }
}

extension LayoutKernels {
    /// dst += src, same element count.
    static func addInto(_ src: View, _ dst: View) {
        switch src.dtype {
        case .f32: add(src.ptr(Float.self), dst.ptr(Float.self), src.count)
        case .f64: add(src.ptr(Double.self), dst.ptr(Double.self), src.count)
        }
    }
}
