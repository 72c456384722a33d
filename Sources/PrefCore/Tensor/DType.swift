/// The element type of a tensor, chosen at run time. `f32` is the default; `f64` is the exact
/// path used by the gradient and formula tests.
public enum DType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case f32
    case f64

    /// Bytes per element.
    @inlinable public var size: Int {
        switch self {
        case .f32: return 4
        case .f64: return 8
        }
    }

    public var description: String { rawValue }
}

/// The scalar types a kernel may be specialised for. Kernels are written once, generic over
/// this protocol, and reached through one `switch dtype` per op (core-performance.md §1).
public protocol TensorScalar: BinaryFloatingPoint, Sendable where Self.RawSignificand: FixedWidthInteger {
    static var dtype: DType { get }
    static func expScalar(_ x: Self) -> Self
    static func logScalar(_ x: Self) -> Self
    static func log1pScalar(_ x: Self) -> Self
    static func powScalar(_ x: Self, _ y: Self) -> Self
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension Float: TensorScalar {
    public static var dtype: DType { .f32 }
    @inline(__always) public static func expScalar(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func logScalar(_ x: Float) -> Float { logf(x) }
    @inline(__always) public static func log1pScalar(_ x: Float) -> Float { log1pf(x) }
    @inline(__always) public static func powScalar(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: TensorScalar {
    public static var dtype: DType { .f64 }
    @inline(__always) public static func expScalar(_ x: Double) -> Double { exp(x) }
    @inline(__always) public static func logScalar(_ x: Double) -> Double { log(x) }
    @inline(__always) public static func log1pScalar(_ x: Double) -> Double { log1p(x) }
    @inline(__always) public static func powScalar(_ x: Double, _ y: Double) -> Double { pow(x, y) }
}
