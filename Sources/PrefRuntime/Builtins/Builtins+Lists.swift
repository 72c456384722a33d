import Foundation
import PrefCore
import PrefLanguage

extension BuiltinLibrary {
    /// Lists and ranges: sum, sort, reversed, membership, counting, range.
    /// String helpers are in `Builtins+Strings.swift`.
    static var lists: [Builtin] {
        [sum, sort, reversed, has, count, indexOf, range] + strings
    }

    private static var sum: Builtin {
        Builtin("sum", [BuiltinParameter("xs", doc: "a list, a range or a tensor"),
                        BuiltinParameter("axis", default: Value.none, doc: "tensors: the axis to sum; none for all elements"),
                        BuiltinParameter("keepdims", .bool, default: .bool(false), doc: "tensors: keep the summed axis with size 1")],
                category: "lists",
                doc: "Σ xs. A list of numbers (bools count 1 and 0) or a range gives a number; a list of tensors adds them elementwise. "
                    + "A tensor sums over all elements to a number, or along `axis` to a tensor; differentiable inside grad.",
                example: "sum([1, 2, 3])   # 6\nsum(tensor([[1, 2], [3, 4]]), axis: 0)   # tensor([4, 6], …)") { call in
            let axis = try call.axis(1), keep = call.bool(2)
            switch call[0] {
            case .tensor(let box):
                let r = try TensorArgs.apply(TensorValues.operand(box, context: call.context),
                                             eager: { try $0.sum(axis: axis, keepDims: keep) }, recorded: { try $0.sum(axis: axis, keepDims: keep) })
                return try TensorArgs.reduced(r, full: axis == nil && !keep)
            case .list(let l):
                guard axis == nil, !keep else { throw call.error("axis and keepdims apply to tensors", hint: "convert with tensor(xs) first") }
                return try sumOfList(l.items, call)
            case .range(let r):
                let n = Double(r.count)
                return .number(n * r.lower + n * (n - 1) / 2)
            default: throw call.typeError(0, expected: "a list, a range or a tensor")
            }
        }
    }

    private static func sumOfList(_ items: [Value], _ call: BuiltinCall) throws -> Value {
        var total = 0.0
        var tensor: Value? = nil
        for (i, v) in items.enumerated() {
            switch v {
            case .number(let x): total += x
            case .bool(let b): total += b ? 1 : 0
            case .tensor: tensor = try tensor.map { try TensorValues.binary(.add, $0, v, context: call.context) } ?? v
            default: throw call.error("item \(i) is a \(v.typeName); sum adds numbers and tensors")
            }
        }
        guard let tensor else { return .number(total) }
        return total == 0 ? tensor : try TensorValues.binary(.add, tensor, .number(total), context: call.context)
    }

    private static var sort: Builtin {
        Builtin("sort", [BuiltinParameter("xs", doc: "a list of numbers, of strings, or of lists"),
                         BuiltinParameter("reverse", .bool, default: .bool(false), doc: "largest first")],
                category: "lists",
                doc: "A new list with the elements in ascending order (descending with reverse: true). Numbers sort numerically (nan last), "
                    + "strings by code point, lists lexicographically (so [key, index] pairs sort by key, then index). "
                    + "Stable: equal elements keep their order. For a key function use sort_by(xs, key).",
                example: "sort([3, 1, 2])   # [1, 2, 3]\nsort([[2, \"b\"], [1, \"z\"], [2, \"a\"]])   # [[1, \"z\"], [2, \"a\"], [2, \"b\"]]") { call in
            switch call[0] {
            case .list(let l): return .list(try ValueOrder.sorted(l.items, descending: call.bool(1), op: "sort"))
            case .range(let r): return .list(try ValueOrder.sorted(try items(of: r, call), descending: call.bool(1), op: "sort"))
            default: throw call.typeError(0, expected: "a list")
            }
        }
    }

    private static var reversed: Builtin {
        Builtin("reversed", [BuiltinParameter("xs", doc: "a list, a string or a range")], category: "lists",
                doc: "The elements in reverse order: a list for lists and ranges, a string for strings.",
                example: "reversed([1, 2, 3])   # [3, 2, 1]") { call in
            switch call[0] {
            case .list(let l): return .list(l.items.reversed())
            case .string(let s): return .str(String(s.value.reversed()))
            case .range(let r): return .list(try items(of: r, call).reversed())
            default: throw call.typeError(0, expected: "a list, a string or a range")
            }
        }
    }

    private static var has: Builtin {
        Builtin("has", [BuiltinParameter("container", doc: "a record or a list"), BuiltinParameter("item", doc: "a field name, or a value")],
                category: "lists",
                doc: "True when a record has the field `item`, or a list contains a value equal to `item` (== compares structurally).",
                example: "has({a: 1}, \"a\")   # true\nhas([1, 2], 3)   # false") { call in
            switch call[0] {
            case .record(let r):
                guard case .string(let k) = call[1] else { throw call.typeError(1, expected: "a string (a field name)") }
                return .bool(r[k.value] != nil)
            case .list(let l): return .bool(try l.items.contains { try ValueOrder.equal($0, call[1]) })
            case .string: throw call.typeError(0, expected: "a record or a list", hint: "use contains(s, part) for strings")
            default: throw call.typeError(0, expected: "a record or a list")
            }
        }
    }

    private static var count: Builtin {
        Builtin("count", [BuiltinParameter("xs", doc: "a list or a string"), BuiltinParameter("item", doc: "the value (or substring) to count")],
                category: "lists",
                doc: "How many elements of a list equal `item`, or how many non-overlapping times a string contains `item`.",
                example: "count([1, 2, 1], 1)   # 2\ncount(\"banana\", \"an\")   # 2") { call in
            switch (call[0], call[1]) {
            case (.list(let l), let v): return .number(Double(try l.items.filter { try ValueOrder.equal($0, v) }.count))
            case (.string(let s), .string(let part)):
                guard !part.value.isEmpty else { return .number(Double(s.value.count + 1)) }
                return .number(Double(s.value.components(separatedBy: part.value).count - 1))
            case (.string, _): throw call.typeError(1, expected: "a string")
            default: throw call.typeError(0, expected: "a list or a string")
            }
        }
    }

    private static var indexOf: Builtin {
        Builtin("index_of", [BuiltinParameter("xs", doc: "a list or a string"), BuiltinParameter("item", doc: "the value (or substring) to find")],
                category: "lists",
                doc: "The position of the first element equal to `item` (or of the first occurrence of a substring), or none when absent.",
                example: "index_of([\"a\", \"b\"], \"b\")   # 1\nindex_of(\"hello\", \"l\")   # 2") { call in
            switch (call[0], call[1]) {
            case (.list(let l), let v):
                return try l.items.firstIndex { try ValueOrder.equal($0, v) }.map { .number(Double($0)) } ?? .none
            case (.string(let s), .string(let part)):
                guard let r = s.value.range(of: part.value) else { return .none }
                return .number(Double(s.value.distance(from: s.value.startIndex, to: r.lowerBound)))
            case (.string, _): throw call.typeError(1, expected: "a string")
            default: throw call.typeError(0, expected: "a list or a string")
            }
        }
    }

    /// The list size `range` and the range expansions allow (a list of values is 16 bytes each).
    static let maxListCount = 10_000_000

    private static var range: Builtin {
        Builtin("range", [BuiltinParameter("start", .number, doc: "the first value, or the end when it is the only argument"),
                          BuiltinParameter("stop", .number, default: Value.none, doc: "the end (excluded)"),
                          BuiltinParameter("step", .number, default: .number(1), doc: "the difference between values; not 0")],
                category: "lists",
                doc: "A list of numbers as Python's range: range(n) is [0, 1, …, n−1]; range(a, b, step) runs from a while below b "
                    + "(above b for a negative step). In loops the range literal 0..<n does the same without building a list.",
                example: "range(4)   # [0, 1, 2, 3]\nrange(10, 0, -3)   # [10, 7, 4, 1]") { call in
            let (start, stop) = call[1].isNone ? (0, call.number(0)) : (call.number(0), call.number(1))
            let step = call.number(2)
            guard step != 0, step.isFinite, start.isFinite, stop.isFinite else {
                throw call.error(step == 0 ? "step cannot be 0" : "start, stop and step must be finite numbers")
            }
            let n = Swift.max(0, ((stop - start) / step).rounded(.up))
            guard n <= Double(maxListCount) else {
                throw call.error("\(Value.format(number: n)) elements is more than the limit of \(maxListCount)", hint: "loop over a range literal such as 0..<n instead")
            }
            return .list((0..<Int(n)).map { .number(start + Double($0) * step) })
        }
    }

    /// The integers a range covers, checked against the list size limit.
    private static func items(of r: RangeBox, _ call: BuiltinCall) throws -> [Value] {
        guard r.count <= maxListCount else { throw call.error("the range has more than \(maxListCount) elements") }
        return (0..<r.count).map { .number(r.lower + Double($0)) }
    }
}
