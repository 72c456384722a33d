import PrefCore

extension Value {
    /// How `print` and string interpolation show a value: strings raw, everything else as
    /// `reprText`.
    public var displayText: String {
        if case .string(let s) = self { return s.value }
        return reprText
    }

    /// How a value shows inside containers and in the REPL: strings quoted.
    public var reprText: String { repr(depth: 0) }

    /// Containers nested deeper than this print as `[...]` or `{...}` (Python prints a
    /// self-containing list that way), so showing a list nested 100,000 deep cannot overflow
    /// the stack.
    public static let maxDisplayDepth = 200

    private func repr(depth: Int) -> String {
        switch self {
        case .none: return "none"
        case .bool(let b): return b ? "true" : "false"
        case .number(let x): return Value.format(number: x)
        case .string(let s): return Value.quote(s.value)
        case .list(let l):
            if depth >= Value.maxDisplayDepth && !l.items.isEmpty { return "[...]" }
            return "[" + l.items.map { $0.repr(depth: depth + 1) }.joined(separator: ", ") + "]"
        case .record(let r):
            if r.count == 0 { return "{}" }
            if depth >= Value.maxDisplayDepth { return "{...}" }
            let fields = zip(r.keys, r.values).map { "\(Value.fieldName($0)): \($1.repr(depth: depth + 1))" }
            return "{" + fields.joined(separator: ", ") + "}"
        case .range(let r):
            return "\(Value.format(number: r.lower))\(r.inclusive ? ".." : "..<")\(Value.format(number: r.upper))"
        case .function(let f): return "<fn \(f.code.name)>"
        case .builtin(let b): return "<builtin \(b.builtin.name)>"
        case .tensor(let t): return TensorFormatter.text(t)
        case .native(let n): return n.object.displayText
        case .cell(let c): return c.value.repr(depth: depth)
        case .undefined: return "<undefined>"
        }
    }

    /// Integral numbers without a point (`3`), others in the shortest form that round-trips.
    public static func format(number x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == x.rounded(), Swift.abs(x) < 1e16 {
            if x == 0 { return x.sign == .minus ? "-0" : "0" }
            return String(Int64(x))
        }
        return x.description
    }

    /// A string literal that reads back as the same string.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "{": out += "\\{"
            default:
                if ch.value < 0x20 { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    /// Record keys print bare when they are identifiers, quoted otherwise.
    static func fieldName(_ key: String) -> String {
        guard let first = key.unicodeScalars.first, first == "_" || first.properties.isAlphabetic,
              key.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else { return quote(key) }
        return key
    }
}

/// NumPy-style tensor text: values, then dtype and shape; long dimensions abbreviated with `...`.
public enum TensorFormatter {
    static let threshold = 8

    /// The tensor's text; a dimension longer than 8 shows its first and last `edge` entries
    /// (the terminal renderer lowers `edge` to fit a width).
    public static func text(_ box: TensorBox, edge: Int = 3) -> String {
        let t: Tensor
        switch box.content {
        case .constant(let c): t = c
        case .parameter(let p): t = p.value
        case .recorded(let v):
            guard let value = try? v.value() else { return "tensor(<from a finished autodiff step>)" }
            t = value
        }
        // Only the shown elements are read: converting all of a tensor of 2^28 elements to
        // doubles to show six of them took seconds.
        let body = withExtendedLifetime(t) { () -> String in
            let element: (Int) -> Double
            switch t.dtype {
            case .f32: let p = t.pointer(Float.self); element = { Double(p[$0]) }
            case .f64: let p = t.pointer(Double.self); element = { p[$0] }
            }
            return format(element, shape: t.shape.dims, offset: 0, depth: 0, f32: t.dtype == .f32, edge: Swift.max(1, edge))
        }
        let kind = if case .parameter = box.content { "param" } else { "tensor" }
        return "\(kind)(\(body), \(t.dtype), shape \(t.shape))"
    }

    /// f32 elements print in the shortest form that reads back as the same f32.
    static func element(_ x: Double, f32: Bool) -> String {
        guard f32, x.isFinite, x != x.rounded() else { return Value.format(number: x) }
        return Float(x).description
    }

    private static func format(_ v: (Int) -> Double, shape: [Int], offset: Int, depth: Int, f32: Bool, edge: Int) -> String {
        guard let n = shape.first else { return element(v(offset), f32: f32) }
        let inner = shape.dropFirst().reduce(1, *)
        let indices: [Int?] = n > Swift.min(threshold, 2 * edge + 2) ? Array(0..<edge).map { $0 } + [nil] + Array((n - edge)..<n).map { $0 } : Array(0..<n).map { $0 }
        let parts = indices.map { i -> String in
            guard let i else { return "..." }
            return format(v, shape: Array(shape.dropFirst()), offset: offset + i * inner, depth: depth + 1, f32: f32, edge: edge)
        }
        let sep = shape.count > 1 ? ",\n" + String(repeating: " ", count: depth + 8) : ", "
        return "[" + parts.joined(separator: sep) + "]"
    }
}
