import PrefLanguage

/// Ordering and equality of values for sort, min, max, has, count and index_of: numbers (nan
/// after every other number, so sorting never sees an inconsistent order), strings, bools
/// (false < true), and lists lexicographically, as Python compares them.
enum ValueOrder {
    /// Nesting deeper than this is an error rather than a deep recursion.
    static let maxDepth = 64

    /// -1, 0 or 1; values of different types cannot be compared.
    static func compare(_ a: Value, _ b: Value, op: String, depth: Int = 0) throws -> Int {
        switch (a, b) {
        case (.number(let x), .number(let y)): return compare(x, y)
        case (.string(let x), .string(let y)): return x.value < y.value ? -1 : (x.value == y.value ? 0 : 1)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.list(let x), .list(let y)):
            guard depth < maxDepth else { throw RuntimeError("\(op)(): lists are nested too deeply to compare") }
            for (p, q) in zip(x.items, y.items) {
                let c = try compare(p, q, op: op, depth: depth + 1)
                if c != 0 { return c }
            }
            return x.items.count < y.items.count ? -1 : (x.items.count == y.items.count ? 0 : 1)
        default:
            throw RuntimeError("\(op)(): cannot compare a \(a.typeName) with a \(b.typeName)",
                               hint: "\(op)() orders numbers, strings, bools and lists of those")
        }
    }

    /// A total order on numbers: nan is larger than everything, equal to itself.
    @inline(__always)
    static func compare(_ x: Double, _ y: Double) -> Int {
        if x < y { return -1 }
        if x > y { return 1 }
        if x == y { return 0 }
        return x.isNaN ? (y.isNaN ? 0 : 1) : -1
    }

    /// Structural equality, exactly as `==` in the language.
    static func equal(_ a: Value, _ b: Value) throws -> Bool { try Value.structurallyEqual(a, b) }

    /// Stable sort: equal elements keep their order (also when `descending`). A list of numbers
    /// is unboxed and sorted as doubles.
    static func sorted(_ items: [Value], descending: Bool, op: String) throws -> [Value] {
        let sign = descending ? -1 : 1
        if var xs = numbers(items) {
            // Without -0.0, numbers that compare equal print the same (every nan prints "nan"),
            // so stability cannot be observed and the doubles are sorted directly.
            if !xs.contains(where: { $0 == 0 && $0.sign == .minus }) {
                if descending { xs.sort { compare($0, $1) > 0 } } else { xs.sort { compare($0, $1) < 0 } }
                return xs.map(Value.number)
            }
            var order = Array(xs.indices)
            order.sort { i, j in
                let c = compare(xs[i], xs[j]) * sign
                return c < 0 || (c == 0 && i < j)
            }
            return order.map { .number(xs[$0]) }
        }
        var order = Array(items.indices)
        try order.sort { i, j in
            let c = try compare(items[i], items[j], op: op) * sign
            return c < 0 || (c == 0 && i < j)
        }
        return order.map { items[$0] }
    }

    /// The elements as doubles when every one is a number.
    static func numbers(_ items: [Value]) -> [Double]? {
        var xs = [Double]()
        xs.reserveCapacity(items.count)
        for v in items {
            guard case .number(let x) = v else { return nil }
            xs.append(x)
        }
        return xs
    }

    /// The largest (or smallest) element; the first one on ties, as Python's max and min.
    static func extreme(_ items: [Value], largest: Bool, op: String) throws -> Value {
        guard var best = items.first else { throw RuntimeError("\(op)(): the list is empty") }
        for v in items.dropFirst() {
            let c = try compare(v, best, op: op)
            if largest ? c > 0 : c < 0 { best = v }
        }
        return best
    }
}
