import Foundation
import PrefCore
import PrefLanguage

extension BuiltinLibrary {
    /// Making tensors: from nested lists, filled, random, ranges and the identity.
    ///
    /// Each session builds its own builtins (`BuiltinLibrary.all` is computed per session), so the
    /// draw counters below belong to one session: unseeded randn/rand calls are reproducible for
    /// a session seed, and differ from one call to the next.
    static var tensorCreation: [Builtin] {
        let draws = (normal: DrawCounter(), uniform: DrawCounter())
        return [
            Builtin("tensor", [BuiltinParameter("data", doc: "a number, nested lists of numbers, or a tensor"), dtypeParameter],
                    category: "tensors",
                    doc: "A tensor from nested lists of numbers (bools count 1 and 0; tensors inside the lists are stacked). "
                        + "The shape is the nesting: every row at one depth must have the same length. From a tensor: a copy, converted to dtype.",
                    example: "tensor([[1, 2], [3, 4]])   # shape [2, 2]\ntensor(0.5, dtype: \"f64\")   # a rank-0 tensor") { call in
                let dtype = try call.dtype(1)
                if case .tensor(let box) = call[0] { return TensorValues.wrap(try TensorValues.tensor(box).to(dtype)) }
                return TensorValues.wrap(try TensorLiteral.tensor(call[0], dtype: dtype, op: "tensor"))
            },
            Builtin("zeros", [shapeParameter, dtypeParameter], category: "tensors",
                    doc: "A tensor of zeros. The shape is a list of sizes, or one number for a vector.",
                    example: "zeros([2, 3])\nzeros(4, dtype: \"f64\")") { call in
                TensorValues.wrap(Tensor(zeros: try call.shape(0), dtype: try call.dtype(1)))
            },
            Builtin("ones", [shapeParameter, dtypeParameter], category: "tensors", doc: "A tensor of ones.",
                    example: "ones([3])   # tensor([1, 1, 1], …)") { call in
                TensorValues.wrap(Tensor(repeating: 1, shape: try call.shape(0), dtype: try call.dtype(1)))
            },
            Builtin("full", [shapeParameter, BuiltinParameter("value", .number, doc: "every element's value"), dtypeParameter],
                    category: "tensors", doc: "A tensor with every element equal to `value`.", example: "full([2, 2], 0.5)") { call in
                TensorValues.wrap(Tensor(repeating: call.number(1), shape: try call.shape(0), dtype: try call.dtype(2)))
            },
            Builtin("randn", [shapeParameter, seedParameter, dtypeParameter], category: "tensors",
                    doc: "Standard normal draws N(0, 1) (Box–Muller on the Philox stream). With a seed, the same draws every time. "
                        + "Without one, the k-th unseeded call of the session uses the stream \"randn/k\" of the session seed (pref run --seed): "
                        + "successive calls differ, and a rerun with the same seed repeats them. Seeded calls do not advance the count.",
                    example: "let w = randn([3, 2]) * 0.1\nrandn([2], seed: 1)   # the same two numbers every run") { call in
                var stream = try randomStream(call, "randn", draws.normal)
                return TensorValues.wrap(stream.normalTensor(try call.shape(0), dtype: try call.dtype(2)))
            },
            Builtin("rand", [shapeParameter, seedParameter, dtypeParameter], category: "tensors",
                    doc: "Uniform draws in [0, 1). Seeds work as in randn (unseeded calls use the session streams \"rand/k\").",
                    example: "rand([4], seed: 7)") { call in
                var stream = try randomStream(call, "rand", draws.uniform)
                return TensorValues.wrap(stream.uniformTensor(try call.shape(0), dtype: try call.dtype(2)))
            },
            Builtin("arange", [BuiltinParameter("start", .number, doc: "the first value, or the end when it is the only argument"),
                               BuiltinParameter("stop", .number, default: Value.none, doc: "the end (excluded)"),
                               BuiltinParameter("step", .number, default: .number(1), doc: "the difference between values; not 0"), dtypeParameter],
                    category: "tensors", doc: "A vector start, start + step, … while below stop (above it for a negative step), as NumPy's arange.",
                    example: "arange(4)   # tensor([0, 1, 2, 3], …)\narange(0, 1, 0.25)") { call in
                let (start, stop) = call[1].isNone ? (0, call.number(0)) : (call.number(0), call.number(1))
                let step = call.number(2)
                guard step != 0, step.isFinite, start.isFinite, stop.isFinite else {
                    throw call.error(step == 0 ? "step cannot be 0" : "start, stop and step must be finite numbers")
                }
                let n = Swift.max(0, ((stop - start) / step).rounded(.up))
                guard n <= Double(BuiltinCall.maxElements) else {
                    throw call.error("\(Value.format(number: n)) elements is more than the limit of \(BuiltinCall.maxElements)")
                }
                return TensorValues.wrap(Tensor((0..<Int(n)).map { start + Double($0) * step }, dtype: try call.dtype(3)))
            },
            Builtin("linspace", [BuiltinParameter("start", .number), BuiltinParameter("stop", .number),
                                 BuiltinParameter("num", .int, default: .number(50), doc: "how many values"), dtypeParameter],
                    category: "tensors", doc: "`num` evenly spaced values from start to stop, both included: start + i·(stop − start)/(num − 1).",
                    example: "linspace(0, 1, 5)   # tensor([0, 0.25, 0.5, 0.75, 1], …)") { call in
                let num = try call.int(2)
                guard num >= 0, num <= BuiltinCall.maxElements else {
                    throw call.error("num must be between 0 and \(BuiltinCall.maxElements), got \(num)")
                }
                let a = call.number(0), b = call.number(1)
                let values = (0..<num).map { i in i == num - 1 && num > 1 ? b : a + Double(i) * (b - a) / Double(Swift.max(num - 1, 1)) }
                return TensorValues.wrap(Tensor(values, dtype: try call.dtype(3)))
            },
            Builtin("eye", [BuiltinParameter("n", .int, doc: "the number of rows and columns"), dtypeParameter], category: "tensors",
                    doc: "The n×n identity matrix.", example: "eye(3)") { call in
                let n = try call.int(0)
                let shape = try BuiltinCall.checkedShape([n, n], op: "eye")
                var t = Tensor(zeros: shape, dtype: try call.dtype(1))
                switch t.dtype {
                case .f32: t.withMutablePointer(Float.self) { p in for i in 0..<n { p[i * n + i] = 1 } }
                case .f64: t.withMutablePointer(Double.self) { p in for i in 0..<n { p[i * n + i] = 1 } }
                }
                return TensorValues.wrap(t)
            },
        ]
    }

    static let dtypeParameter = BuiltinParameter("dtype", .string, default: .str("f32"), doc: "\"f32\" or \"f64\"")
    static let shapeParameter = BuiltinParameter("shape", doc: "a list of sizes, or one size")
    static let seedParameter = BuiltinParameter("seed", .int, default: Value.none, doc: "a whole number ≥ 0; none: the session's streams")

    /// The stream for one randn/rand call: explicit seeds name their own stream; otherwise the
    /// session's k-th stream of that name.
    private static func randomStream(_ call: BuiltinCall, _ name: String, _ counter: DrawCounter) throws -> RandomStream {
        if let seed = try call.optionalInt(1) {
            guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
            return call.session?.randomStream(name, seed: Double(seed)) ?? RandomStream(seed: UInt64(seed), stream: name)
        }
        // The session keeps the counts (a cached cell restores them); the closure's counter
        // serves calls made without a session.
        guard let session = call.session else { return RandomStream(seed: 0, stream: "\(name)/\(counter.next())") }
        return session.randomStream("\(name)/\(session.draws.next(name))")
    }
}

/// How many unseeded draws a session's randn (or rand) has made.
// A lock rather than `Mutex`: Synchronization needs macOS 15, and the package sets no platform.
final class DrawCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count: UInt64 = 0

    /// The current count, then increments it.
    func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count - 1
    }
}
