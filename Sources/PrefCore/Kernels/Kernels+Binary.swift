/// Forward and backward loops of the broadcasting binary ops. Outputs above
/// `Interruption.grain` elements are walked in pieces that poll the interrupt flag.
enum BinaryKernels {
    /// out = f(a, b) with broadcasting; `out.shape` is the broadcast shape. Throws only when
    /// interrupted.
    static func forward(_ op: BinaryOp, _ a: View, _ b: View, _ out: View) throws(TensorError) {
        let plan = BroadcastPlan(a.shape, b.shape, out: out.shape)
        var progress = Progress(op.name)
        switch op {
        case .add: try run(AddF.self, plan, a, b, out, &progress)
        case .sub: try run(SubF.self, plan, a, b, out, &progress)
        case .mul: try run(MulF.self, plan, a, b, out, &progress)
        case .div: try run(DivF.self, plan, a, b, out, &progress)
        case .pow: try run(PowF.self, plan, a, b, out, &progress)
        case .maximum: try run(MaxF.self, plan, a, b, out, &progress)
        case .minimum: try run(MinF.self, plan, a, b, out, &progress)
        case .mod: try run(ModF.self, plan, a, b, out, &progress)
        case .eq: try run(EqF.self, plan, a, b, out, &progress)
        case .ne: try run(NeF.self, plan, a, b, out, &progress)
        case .lt: try run(LtF.self, plan, a, b, out, &progress)
        case .le: try run(LeF.self, plan, a, b, out, &progress)
        case .gt: try run(GtF.self, plan, a, b, out, &progress)
        case .ge: try run(GeF.self, plan, a, b, out, &progress)
        }
    }

    /// Accumulates the gradients of the operands that need one (`ga`, `gb`, each of its
    /// operand's shape): grad += reduce_to_operand(g · ∂f/∂operand), summing broadcast
    /// dimensions. One broadcast plan serves both.
    /// A row that reduces into a broadcast operand is summed per piece when it is cut, so such
    /// gradients of huge ops may round differently from one pass (deterministically).
    static func backward(_ op: BinaryOp, _ a: View, _ b: View, _ y: View, _ g: View, ga: View?, gb: View?) throws(TensorError) {
        let plan = BroadcastPlan(a.shape, b.shape, out: y.shape)
        var progress = Progress(op.name)
        if let ga { try gradient(op, 0, plan, a, b, y, g, ga, &progress) }
        if let gb { try gradient(op, 1, plan, a, b, y, g, gb, &progress) }
    }

    private static func gradient(_ op: BinaryOp, _ wrt: Int, _ plan: BroadcastPlan, _ a: View, _ b: View, _ y: View, _ g: View, _ grad: View,
                                 _ progress: inout Progress) throws(TensorError) {
        switch op {
        case .add: try grad1(AddF.self, wrt, plan, a, b, y, g, grad, &progress)
        case .sub: try grad1(SubF.self, wrt, plan, a, b, y, g, grad, &progress)
        case .mul: try grad1(MulF.self, wrt, plan, a, b, y, g, grad, &progress)
        case .div: try grad1(DivF.self, wrt, plan, a, b, y, g, grad, &progress)
        case .pow: try grad1(PowF.self, wrt, plan, a, b, y, g, grad, &progress)
        case .maximum: try grad1(MaxF.self, wrt, plan, a, b, y, g, grad, &progress)
        case .minimum: try grad1(MinF.self, wrt, plan, a, b, y, g, grad, &progress)
        case .mod: try grad1(ModF.self, wrt, plan, a, b, y, g, grad, &progress)
        case .eq, .ne, .lt, .le, .gt, .ge: return
        }
    }

    @inline(__always)
    private static func run<F: BinaryFunction>(_ f: F.Type, _ plan: BroadcastPlan, _ a: View, _ b: View, _ out: View,
                                               _ progress: inout Progress) throws(TensorError) {
        switch out.dtype {
        case .f32: try loop(f, plan, a.ptr(Float.self), b.ptr(Float.self), out.ptr(Float.self), &progress)
        case .f64: try loop(f, plan, a.ptr(Double.self), b.ptr(Double.self), out.ptr(Double.self), &progress)
        }
    }

    @inline(__always)
    private static func loop<F: BinaryFunction, T: TensorScalar>(
        _: F.Type, _ plan: BroadcastPlan, _ pa: UnsafeMutablePointer<T>, _ pb: UnsafeMutablePointer<T>, _ po: UnsafeMutablePointer<T>,
        _ progress: inout Progress
    ) throws(TensorError) {
        try plan.forEachPiece(&progress) { oa, ob, oo, n, sa, sb in
            let a = pa + oa, b = pb + ob, o = po + oo
            // Fast paths for the stride pairs that cover almost every real call.
            if sa == 1 && sb == 1 {
                for i in 0..<n { o[i] = F.f(a[i], b[i]) }
            } else if sa == 1 && sb == 0 {
                let bv = b[0]
                for i in 0..<n { o[i] = F.f(a[i], bv) }
            } else if sa == 0 && sb == 1 {
                let av = a[0]
                for i in 0..<n { o[i] = F.f(av, b[i]) }
            } else {
                for i in 0..<n { o[i] = F.f(a[i * sa], b[i * sb]) }
            }
        }
    }

    @inline(__always)
    private static func grad1<F: BinaryFunction>(
        _ f: F.Type, _ wrt: Int, _ plan: BroadcastPlan, _ a: View, _ b: View, _ y: View, _ g: View, _ grad: View, _ progress: inout Progress
    ) throws(TensorError) {
        switch y.dtype {
        case .f32:
            try gradLoop(f, wrt, plan, a.ptr(Float.self), b.ptr(Float.self), y.ptr(Float.self), g.ptr(Float.self), grad.ptr(Float.self), &progress)
        case .f64:
            try gradLoop(f, wrt, plan, a.ptr(Double.self), b.ptr(Double.self), y.ptr(Double.self), g.ptr(Double.self), grad.ptr(Double.self), &progress)
        }
    }

    @inline(__always)
    private static func gradLoop<F: BinaryFunction, T: TensorScalar>(
        _: F.Type, _ wrt: Int, _ plan: BroadcastPlan,
        _ pa: UnsafeMutablePointer<T>, _ pb: UnsafeMutablePointer<T>, _ py: UnsafeMutablePointer<T>,
        _ pg: UnsafeMutablePointer<T>, _ pgrad: UnsafeMutablePointer<T>, _ progress: inout Progress
    ) throws(TensorError) {
        try plan.forEachPiece(&progress) { oa, ob, oo, n, sa, sb in
            let a = pa + oa, b = pb + ob, y = py + oo, g = pg + oo
            if wrt == 0 {
                let d = pgrad + oa
                if sa == 1 {
                    for i in 0..<n { d[i] += g[i] * F.da(a[i], b[i * sb], y[i]) }
                } else if sa == 0 {
                    // The operand is broadcast along this row: a reduction into one element.
                    var acc: T = 0
                    for i in 0..<n { acc += g[i] * F.da(a[0], b[i * sb], y[i]) }
                    d[0] += acc
                } else {
                    for i in 0..<n { d[i * sa] += g[i] * F.da(a[i * sa], b[i * sb], y[i]) }
                }
            } else {
                let d = pgrad + ob
                if sb == 1 {
                    for i in 0..<n { d[i] += g[i] * F.db(a[i * sa], b[i], y[i]) }
                } else if sb == 0 {
                    var acc: T = 0
                    for i in 0..<n { acc += g[i] * F.db(a[i * sa], b[0], y[i]) }
                    d[0] += acc
                } else {
                    for i in 0..<n { d[i * sb] += g[i] * F.db(a[i * sa], b[i * sb], y[i]) }
                }
            }
        }
    }
}
