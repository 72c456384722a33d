import PrefCore
import PrefLanguage

/// Nested lists ↔ tensors: `tensor([[1, 2], [3, 4]])` and `to_list(t)`.
enum TensorLiteral {
    /// A tensor from a number, a bool (1 or 0), a tensor, or nested lists of those. The shape
    /// comes from the first element at each depth; every other list must match it, and a ragged
    /// list is an error naming the first item that differs.
    static func tensor(_ v: Value, dtype: DType, op: String) throws -> Tensor {
        var builder = Builder(op: op)
        try builder.inferShape(v)
        let shape = try BuiltinCall.checkedShape(builder.dims, op: op)
        builder.values.reserveCapacity(shape.count)
        var path = [Int]()
        try builder.collect(v, depth: 0, path: &path)
        return try Tensor(builder.values, shape: shape, dtype: dtype)
    }

    private struct Builder {
        let op: String
        var dims = [Int]()
        var values = [Double]()

        /// Follows the first element down to a leaf: those lengths are the shape.
        mutating func inferShape(_ v: Value) throws {
            var cur = v
            while case .list(let l) = cur {
                dims.append(l.items.count)
                guard dims.count <= Shape.maxRank else {
                    throw RuntimeError("\(op)(): the list is nested more than \(Shape.maxRank) deep", hint: "tensors have at most \(Shape.maxRank) dimensions")
                }
                guard let first = l.items.first else { return }
                cur = first
            }
            if case .tensor(let box) = cur { dims += try TensorValues.shape(box).dims }
        }

        mutating func collect(_ v: Value, depth: Int, path: inout [Int]) throws {
            switch v {
            case .list(let l):
                guard depth < dims.count else { throw mismatch(path, found: "a list", expected: "a number") }
                guard l.items.count == dims[depth] else {
                    let n = l.items.count
                    throw RuntimeError("\(op)(): ragged nested list: item \(Self.text(path)) has \(n) element\(n == 1 ? "" : "s"), expected \(dims[depth])",
                                       hint: "every row at one depth must have the same length")
                }
                for (i, item) in l.items.enumerated() {
                    path.append(i)
                    try collect(item, depth: depth + 1, path: &path)
                    path.removeLast()
                }
            case .tensor(let box):
                let t = try TensorValues.tensor(box)
                guard Array(dims[depth...]) == t.shape.dims else {
                    throw RuntimeError("\(op)(): ragged nested list: item \(Self.text(path)) is a tensor of shape \(t.shape), expected shape \(Array(dims[depth...]))")
                }
                values += t.scalars
            case .number(let x):
                guard depth == dims.count else { throw mismatch(path, found: "a number", expected: "a list of \(dims[depth])") }
                values.append(x)
            case .bool(let b):
                guard depth == dims.count else { throw mismatch(path, found: "a bool", expected: "a list of \(dims[depth])") }
                values.append(b ? 1 : 0)
            default:
                if path.isEmpty { throw RuntimeError("\(op)(): expected a number or nested lists of numbers, got \(v.typeName)") }
                throw RuntimeError("\(op)(): item \(Self.text(path)) is a \(v.typeName); tensors hold numbers")
            }
        }

        func mismatch(_ path: [Int], found: String, expected: String) -> RuntimeError {
            RuntimeError("\(op)(): ragged nested list: item \(Self.text(path)) is \(found), expected \(expected)",
                         hint: "every row at one depth must have the same length")
        }

        static func text(_ path: [Int]) -> String { "[" + path.map(String.init).joined(separator: "][") + "]" }
    }

    /// Nested lists of numbers with the tensor's shape; a rank-0 tensor gives a number.
    static func list(_ t: Tensor) -> Value {
        let values = t.scalars
        let dims = t.shape.dims
        func build(_ depth: Int, _ offset: Int) -> Value {
            guard depth < dims.count else { return .number(values[offset]) }
            let stride = dims[(depth + 1)...].reduce(1, *)
            return .list((0..<dims[depth]).map { build(depth + 1, offset + $0 * stride) })
        }
        return build(0, 0)
    }
}
