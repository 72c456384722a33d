/// Elementwise operations of two broadcast operands.
public enum BinaryOp: UInt8, Sendable, CaseIterable {
    case add, sub, mul, div, pow, maximum, minimum, mod
    case eq, ne, lt, le, gt, ge

    /// The pref name, used in error messages.
    public var name: String {
        switch self {
        case .add: "add"
        case .sub: "sub"
        case .mul: "mul"
        case .div: "div"
        case .pow: "pow"
        case .maximum: "maximum"
        case .minimum: "minimum"
        case .mod: "mod"
        case .eq: "eq"
        case .ne: "ne"
        case .lt: "lt"
        case .le: "le"
        case .gt: "gt"
        case .ge: "ge"
        }
    }

    /// Comparisons give 1 or 0 and pass no gradient.
    public var isComparison: Bool { rawValue >= BinaryOp.eq.rawValue }
}

/// A binary function with its partial derivatives, for one kernel loop per op.
/// `y` is the forward output, available to derivatives that reuse it (pow).
protocol BinaryFunction {
    static func f<T: TensorScalar>(_ a: T, _ b: T) -> T
    static func da<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T
    static func db<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T
}

enum AddF: BinaryFunction {
    @inline(__always) static func f<T: TensorScalar>(_ a: T, _ b: T) -> T { a + b }
    @inline(__always) static func da<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { 1 }
    @inline(__always) static func db<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { 1 }
}

enum SubF: BinaryFunction {
    @inline(__always) static func f<T: TensorScalar>(_ a: T, _ b: T) -> T { a - b }
    @inline(__always) static func da<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { 1 }
    @inline(__always) static func db<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { -1 }
}

enum MulF: BinaryFunction {
    @inline(__always) static func f<T: TensorScalar>(_ a: T, _ b: T) -> T { a * b }
    @inline(__always) static func da<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { b }
    @inline(__always) static func db<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { a }
}

enum DivF: BinaryFunction {
    @inline(__always) static func f<T: TensorScalar>(_ a: T, _ b: T) -> T { a / b }
    @inline(__always) static func da<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { 1 / b }
    @inline(__always) static func db<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { -y / b }
}

/// a^b; d/da = b·a^(b−1), d/db = a^b·ln a (taken as 0 where a = 0, the limit used by PyTorch).
enum PowF: BinaryFunction {
    @inline(__always) static func f<T: TensorScalar>(_ a: T, _ b: T) -> T { T.powScalar(a, b) }
    @inline(__always) static func da<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T {
        b == 0 ? 0 : b * T.powScalar(a, b - 1)
    }
    @inline(__always) static func db<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T {
        a == 0 ? 0 : y * T.logScalar(a)
    }
}

/// NumPy's `mod`: a − floor(a/b)·b, with the sign of the divisor (as Python's `%`);
/// d/da = 1, d/db = −floor(a/b).
enum ModF: BinaryFunction {
    @inline(__always) static func f<T: TensorScalar>(_ a: T, _ b: T) -> T {
        let r = a - (a / b).rounded(.down) * b
        return r
    }
    @inline(__always) static func da<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { 1 }
    @inline(__always) static func db<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { -(a / b).rounded(.down) }
}

/// Elementwise maximum; the gradient goes to `a` on ties (a ≥ b).
enum MaxF: BinaryFunction {
    @inline(__always) static func f<T: TensorScalar>(_ a: T, _ b: T) -> T { a >= b || a.isNaN ? a : b }
    @inline(__always) static func da<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { a >= b ? 1 : 0 }
    @inline(__always) static func db<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { a >= b ? 0 : 1 }
}

/// Elementwise minimum; the gradient goes to `a` on ties (a ≤ b).
enum MinF: BinaryFunction {
    @inline(__always) static func f<T: TensorScalar>(_ a: T, _ b: T) -> T { a <= b || a.isNaN ? a : b }
    @inline(__always) static func da<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { a <= b ? 1 : 0 }
    @inline(__always) static func db<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { a <= b ? 0 : 1 }
}

/// Comparisons: 1 when the relation holds, else 0; no gradient.
protocol Comparison: BinaryFunction { static func holds<T: TensorScalar>(_ a: T, _ b: T) -> Bool }
extension Comparison {
    @inline(__always) static func f<T: TensorScalar>(_ a: T, _ b: T) -> T { holds(a, b) ? 1 : 0 }
    @inline(__always) static func da<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { 0 }
    @inline(__always) static func db<T: TensorScalar>(_ a: T, _ b: T, _ y: T) -> T { 0 }
}
enum EqF: Comparison { @inline(__always) static func holds<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a == b } }
enum NeF: Comparison { @inline(__always) static func holds<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a != b } }
enum LtF: Comparison { @inline(__always) static func holds<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a < b } }
enum LeF: Comparison { @inline(__always) static func holds<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a <= b } }
enum GtF: Comparison { @inline(__always) static func holds<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a > b } }
enum GeF: Comparison { @inline(__always) static func holds<T: TensorScalar>(_ a: T, _ b: T) -> Bool { a >= b } }
