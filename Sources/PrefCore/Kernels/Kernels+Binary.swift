/// Forward and backward loops of the broadcasting binary ops.
enum BinaryKernels {
    /// out = f(a, b) with broadcasting; `out.shape` is the broadcast shape.
    static func forward(_ op: BinaryOp, _ a: View, _ b: View, _ out: View) {
        let plan = BroadcastPlan(a.shape, b.shape, out: out.shape)
        switch op {
        case .add: run(AddF.self, plan, a, b, out)
        case .sub: run(SubF.self, plan, a, b, out)
        case .mul: run(MulF.self, plan, a, b, out)
        case .div: run(DivF.self, plan, a, b, out)
        case .pow: run(PowF.self, plan, a, b, out)
        case .maximum: run(MaxF.self, plan, a, b, out)
        case .minimum: run(MinF.self, plan, a, b, out)
        case .mod: run(ModF.self, plan, a, b, out)
        case .eq: run(EqF.self, plan, a, b, out)
        case .ne: run(NeF.self, plan, a, b, out)
        case .lt: run(LtF.self, plan, a, b, out)
        case .le: run(LeF.self, plan, a, b, out)
        case .gt: run(GtF.self, plan, a, b, out)
        case .ge: run(GeF.self, plan, a, b, out)
        }
    }

    /// Accumulates the gradients of the operands that need one (`ga`, `gb`, each of its
    /// operand's shape): grad += reduce_to_operand(g · ∂f/∂operand), summing broadcast
    /// dimensions. One broadcast plan serves both.
    static func backward(_ op: BinaryOp, _ a: View, _ b: View, _ y: View, _ g: View, ga: View?, gb: View?) {
        let plan = BroadcastPlan(a.shape, b.shape, out: y.shape)
        if let ga { gradient(op, 0, plan, a, b, y, g, ga) }
        if let gb { gradient(op, 1, plan, a, b, y, g, gb) }
    }

    private static func gradient(_ op: BinaryOp, _ wrt: Int, _ plan: BroadcastPlan, _ a: View, _ b: View, _ y: View, _ g: View, _ grad: View) {
        switch op {
        case .add: grad1(AddF.self, wrt, plan, a, b, y, g, grad)
        case .sub: grad1(SubF.self, wrt, plan, a, b, y, g, grad)
        case .mul: grad1(MulF.self, wrt, plan, a, b, y, g, grad)
        case .div: grad1(DivF.self, wrt, plan, a, b, y, g, grad)
        case .pow: grad1(PowF.self, wrt, plan, a, b, y, g, grad)
        case .maximum: grad1(MaxF.self, wrt, plan, a, b, y, g, grad)
        case .minimum: grad1(MinF.self, wrt, plan, a, b, y, g, grad)
        case .mod: grad1(ModF.self, wrt, plan, a, b, y, g, grad)
        case .eq, .ne, .lt, .le, .gt, .ge: return
        }
    }

    @inline(__always)
    private static func run<F: BinaryFunction>(_ f: F.Type, _ plan: BroadcastPlan, _ a: View, _ b: View, _ out: View) {
        switch out.dtype {
        case .f32: loop(f, plan, a.ptr(Float.self), b.ptr(Float.self), out.ptr(Float.self))
        case .f64: loop(f, plan, a.ptr(Double.self), b.ptr(Double.self), out.ptr(Double.self))
        }
    }

    @inline(__always)
    private static func loop<F: BinaryFunction, T: TensorScalar>(
        _: F.Type, _ plan: BroadcastPlan, _ pa: UnsafeMutablePointer<T>, _ pb: UnsafeMutablePointer<T>, _ po: UnsafeMutablePointer<T>
    ) {
        plan.forEachRow { oa, ob, oo, n, sa, sb in
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
        _ f: F.Type, _ wrt: Int, _ plan: BroadcastPlan, _ a: View, _ b: View, _ y: View, _ g: View, _ grad: View
    ) {
        switch y.dtype {
        case .f32:
            gradLoop(f, wrt, plan, a.ptr(Float.self), b.ptr(Float.self), y.ptr(Float.self), g.ptr(Float.self), grad.ptr(Float.self))
        case .f64:
            gradLoop(f, wrt, plan, a.ptr(Double.self), b.ptr(Double.self), y.ptr(Double.self), g.ptr(Double.self), grad.ptr(Double.self))
        }
    }

    @inline(__always)
    private static func gradLoop<F: BinaryFunction, T: TensorScalar>(
        _: F.Type, _ wrt: Int, _ plan: BroadcastPlan,
        _ pa: UnsafeMutablePointer<T>, _ pb: UnsafeMutablePointer<T>, _ py: UnsafeMutablePointer<T>,
        _ pg: UnsafeMutablePointer<T>, _ pgrad: UnsafeMutablePointer<T>
    ) {
        plan.forEachRow { oa, ob, oo, n, sa, sb in
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
