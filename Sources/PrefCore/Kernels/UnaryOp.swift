/// Elementwise functions of one operand, some with scalar parameters `p0`, `p1`.
public enum UnaryOp: UInt8, Sendable, CaseIterable {
    case neg, exp, log, log1p, sigmoid, logSigmoid, softplus, tanh
    case relu, abs, sqrt, square
    /// p0·x + p1 (scalar add, subtract, multiply; `c - x` is p0 = −1, p1 = c).
    case affine
    /// p0 / x.
    case reciprocal
    /// x^p0 for a scalar exponent.
    case powScalar
    /// min(max(x, p0), p1); the gradient passes where p0 < x < p1… and at the bounds, as PyTorch.
    case clamp
    /// −1, 0 or 1; no gradient.
    case sign

    /// The pref name, used in error messages.
    public var name: String {
        switch self {
        case .neg: "neg"
        case .exp: "exp"
        case .log: "log"
        case .log1p: "log1p"
        case .sigmoid: "sigmoid"
        case .logSigmoid: "log_sigmoid"
        case .softplus: "softplus"
        case .tanh: "tanh"
        case .relu: "relu"
        case .abs: "abs"
        case .sqrt: "sqrt"
        case .square: "square"
        case .affine: "affine"
        case .reciprocal: "reciprocal"
        case .powScalar: "pow"
        case .clamp: "clamp"
        case .sign: "sign"
        }
    }
}
