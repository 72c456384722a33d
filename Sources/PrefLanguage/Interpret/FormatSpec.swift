import Foundation

/// Python's format mini-language for `{x:spec}` in strings:
/// `[[fill]align][sign][0][width][,][.precision][type]` with align `< > ^`, sign `+ - space`,
/// types `f e g % d s`. Numbers default to right alignment, everything else to left.
struct FormatSpec {
    var fill: Character = " "
    var align: Character?
    var sign: Character = "-"
    var width = 0
    var grouping = false
    var precision: Int?
    var type: Character?

    init(_ spec: String) throws {
        var chars = Array(spec)[...]
        let aligns: Set<Character> = ["<", ">", "^"]
        if chars.count >= 2, aligns.contains(chars[chars.startIndex + 1]) {
            fill = chars.removeFirst()
            align = chars.removeFirst()
        } else if let c = chars.first, aligns.contains(c) {
            align = chars.removeFirst()
        }
        if let c = chars.first, c == "+" || c == "-" || c == " " { sign = chars.removeFirst() }
        if chars.first == "0" {
            fill = "0"
            if align == nil { align = "=" }
            chars.removeFirst()
        }
        var digits = ""
        while let c = chars.first, c.isASCII, c.isNumber { digits.append(chars.removeFirst()) }
        width = Int(digits) ?? 0
        if chars.first == "," {
            grouping = true
            chars.removeFirst()
        }
        if chars.first == "." {
            chars.removeFirst()
            var p = ""
            while let c = chars.first, c.isASCII, c.isNumber { p.append(chars.removeFirst()) }
            guard let n = Int(p), n <= 100 else { throw RuntimeError("invalid format spec '\(spec)': expected digits after '.'") }
            precision = n
        }
        if let c = chars.first, "fegs%dxF".contains(c) {
            type = c
            chars.removeFirst()
        }
        guard chars.isEmpty, width <= 1000 else {
            throw RuntimeError("invalid format spec '\(spec)'", hint: "examples: {x:.3f}, {x:>8}, {x:e}, {x:,}, {x:.1%}")
        }
    }

    func format(_ v: Value) throws -> String {
        var body: String
        var isNumber = false
        switch v {
        case .number(let x):
            isNumber = true
            body = try number(x)
        default:
            if let type, type != "s" {
                throw RuntimeError("format type '\(type)' needs a number, got \(v.typeName)")
            }
            body = v.displayText
            if let precision { body = String(body.prefix(precision)) }
        }
        return pad(body, numeric: isNumber)
    }

    private func number(_ x: Double) throws -> String {
        var s: String
        let magnitude = Swift.abs(x)
        switch type {
        case "f", "F": s = String(format: "%.\(precision ?? 6)f", magnitude)
        case "e": s = String(format: "%.\(precision ?? 6)e", magnitude)
        case "g": s = String(format: "%.\(precision ?? 6)g", magnitude)
        case "%": s = String(format: "%.\(precision ?? 6)f", magnitude * 100) + "%"
        case "d":
            guard x == x.rounded() else { throw RuntimeError("format type 'd' needs a whole number, got \(Value.format(number: x))") }
            s = Value.format(number: magnitude)
        case "x":
            guard x == x.rounded(), magnitude < 9e15 else { throw RuntimeError("format type 'x' needs a whole number") }
            s = String(Int64(magnitude), radix: 16)
        default:
            s = precision.map { String(format: "%.\($0)g", magnitude) } ?? Value.format(number: magnitude)
        }
        if x.isNaN { s = "nan" } else if x.isInfinite { s = "inf" }
        if grouping { s = group(s) }
        let negative = x < 0 || (x == 0 && x.sign == .minus && type != nil)
        let prefix = negative ? "-" : (sign == "+" ? "+" : (sign == " " ? " " : ""))
        return prefix + s
    }

    /// Thousands separators in the integer part.
    private func group(_ s: String) -> String {
        let parts = s.split(separator: ".", maxSplits: 1)
        let digits = Array(parts[0])
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0, c.isNumber { out.append(",") }
            out.append(c)
        }
        return parts.count > 1 ? out + "." + parts[1] : out
    }

    private func pad(_ s: String, numeric: Bool) -> String {
        let n = s.count
        guard width > n else { return s }
        let padding = width - n
        switch align ?? (numeric ? ">" : "<") {
        case "<": return s + String(repeating: fill, count: padding)
        case "^":
            let left = padding / 2
            return String(repeating: fill, count: left) + s + String(repeating: fill, count: padding - left)
        case "=":
            // Zero padding goes after the sign.
            if let first = s.first, first == "-" || first == "+" || first == " " {
                return String(first) + String(repeating: fill, count: padding) + s.dropFirst()
            }
            return String(repeating: fill, count: padding) + s
        default: return String(repeating: fill, count: padding) + s
        }
    }
}
