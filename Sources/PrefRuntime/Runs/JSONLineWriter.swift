import Foundation
import PrefLanguage

/// Compact JSON written directly, byte for byte as `JSONValue.line` (JSONSerialization with
/// sorted keys) writes the same values, without building an `[String: Any]` per row: a restored
/// 2,504-step history took 0.6 s through JSONSerialization (docs/design.md, "metrics.jsonl").
///
/// The format it matches: a number is Swift's shortest round-trip `description` with a whole
/// number's ".0" dropped ("3", "-0", "0.1", "1e-05", "1e+16"); non-finite numbers are the
/// strings "nan", "inf" and "-inf" (`JSONValue.from`); strings escape `"`, `\`, and control
/// characters (\b \t \n \f \r, the others as \u00xx), nothing else; object keys are sorted as
/// JSONSerialization sorts them (numeric, case-insensitive comparison).
enum JSONLineWriter {
    /// Keys in JSONSerialization's `.sortedKeys` order.
    static func sorted(_ keys: [String]) -> [String] {
        keys.sorted { a, b in
            a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering], range: a.startIndex..<a.endIndex, locale: NSLocale.system) == .orderedAscending
        }
    }

    static func append(number x: Double, to out: inout String) {
        if x.isNaN { return append(string: "nan", to: &out) }
        if x.isInfinite { return append(string: x > 0 ? "inf" : "-inf", to: &out) }
        let text = x.description
        out += text.hasSuffix(".0") ? text.dropLast(2) : Substring(text)
    }

    static func append(string s: String, to out: inout String) {
        out.append("\"")
        var plainStart = s.utf8.startIndex
        for i in s.utf8.indices {
            let c = s.utf8[i]
            guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
            out += s[plainStart..<i]
            switch c {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            default:
                let hex = Array("0123456789abcdef")
                out += "\\u00"
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0xF)])
            }
            plainStart = s.utf8.index(after: i)
        }
        out += s[plainStart...]
        out.append("\"")
    }

    /// A pref value as `JSONValue.from` maps it: numbers, strings, bools, none, lists and
    /// records of them; anything else as its text.
    static func append(_ value: Value, to out: inout String) {
        switch value {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let x): append(number: x, to: &out)
        case .string(let s): append(string: s.value, to: &out)
        case .list(let l):
            out.append("[")
            for (k, item) in l.items.enumerated() {
                if k > 0 { out.append(",") }
                append(item, to: &out)
            }
            out.append("]")
        case .record(let r):
            let index = Dictionary(zip(r.keys, r.values), uniquingKeysWith: { _, last in last })
            out.append("{")
            for (k, key) in sorted(Array(index.keys)).enumerated() {
                if k > 0 { out.append(",") }
                append(string: key, to: &out)
                out.append(":")
                if let v = index[key] { append(v, to: &out) }
            }
            out.append("}")
        default: append(string: value.reprText, to: &out)
        }
    }
}
