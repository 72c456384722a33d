import Foundation
import PrefLanguage

/// pref values as JSON for manifests and metrics (through JSONSerialization): numbers, strings,
/// bools, none, and lists and records of them; anything else as its text. Non-finite numbers,
/// which JSON cannot hold, become the strings "nan", "inf" and "-inf".
enum JSONValue {
    static func from(_ value: Value) -> Any {
        switch value {
        case .none: return NSNull()
        case .bool(let b): return b
        case .number(let x):
            if x.isNaN { return "nan" }
            if x.isInfinite { return x > 0 ? "inf" : "-inf" }
            return x
        case .string(let s): return s.value
        case .list(let l): return l.items.map(from)
        case .record(let r):
            var out = [String: Any]()
            for (k, v) in zip(r.keys, r.values) { out[k] = from(v) }
            return out
        default: return value.reprText
        }
    }

    /// One compact line with sorted keys (stable, diffable output).
    static func line(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) else {
            return "null"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Pretty-printed with sorted keys, ending in a line break.
    static func document(_ object: Any) -> String {
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: options) else { return "null\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
