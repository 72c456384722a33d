/// Turns one parsed record (a JSON object or a CSV row) into a typed row: it finds each field
/// under its mapped name, checks its type, and reports the field, the expected and the found
/// type at the value's position. CSV cells are text, so in `textual` mode numbers, bools and
/// JSON lists are parsed from strings and an empty cell is a missing value.
struct RowDecoder {
    /// A field problem at a byte offset in the record's coordinates.
    struct Failure: Error {
        var message: String
        var hint: String?
        var offset: Int
    }

    let kind: Dataset.Kind
    /// Canonical field name → name in the file.
    let columns: [String: String]
    /// For ratings: columns that each hold one aspect's score.
    let aspectColumns: [String]?
    let textual: Bool

    var object = DataObject()
    /// Key → index in `object.keys`, when every object has the same keys (a CSV header): a
    /// lookup instead of a scan of the header for every field of every row.
    var keyIndex: [String: Int]?
    var recordOffset = 0
    /// Decoding a file's rows (hints may suggest `columns:`), not records returned by `map`.
    var fromFile = true

    init(kind: Dataset.Kind, columns: [String: String], aspectColumns: [String]?, textual: Bool) {
        self.kind = kind
        self.columns = columns
        self.aspectColumns = aspectColumns
        self.textual = textual
    }

    func name(_ field: String) -> String { columns[field] ?? field }

    /// The raw value of a field; nil when absent, null, or an empty CSV cell.
    func raw(_ field: String) -> (DataValue, Int)? {
        let key = name(field)
        let found = if let keyIndex { keyIndex[key] } else { object.keys.firstIndex(of: key) }
        guard let i = found, i < object.values.count else { return nil }
        let v = object.values[i]
        if case .null = v { return nil }
        if textual, case .string(let s) = v, s.isEmpty { return nil }
        return (v, object.offsets[i])
    }

    func missing(_ field: String) -> Failure {
        let key = name(field)
        let have = object.keys.prefix(8).map { "'\($0)'" }.joined(separator: ", ") + (object.keys.count > 8 ? ", …" : "")
        var hint = object.keys.isEmpty ? "the row has no fields" : "the row has \(have)"
        if columns[field] == nil, fromFile { hint += "; map another name with columns: {\(field): \"name\"}" }
        return Failure(message: "missing field '\(key)'" + (key != field ? " (for \(field))" : ""), hint: hint, offset: recordOffset)
    }

    func mistyped(_ field: String, _ expected: String, _ v: DataValue, _ at: Int, hint: String? = nil) -> Failure {
        var h = hint
        if h == nil, case .string(let s) = v, ["nan", "inf", "-inf", "infinity", "-infinity"].contains(s.lowercased()) {
            h = "NaN and infinities are not data; leave the field out, or write null"
        }
        return Failure(message: "field '\(name(field))' should be \(expected), found \(v.typeDescription)", hint: h, offset: at)
    }

    /// A finite number (a numeric string in CSV).
    func number(_ field: String) throws(Failure) -> Double? {
        guard let (v, at) = raw(field) else { return nil }
        switch v {
        case .number(let x): return x
        case .string(let s) where textual:
            guard let x = Double(s), !x.isNaN, x.isFinite || !s.lowercased().contains("inf") else {
                throw mistyped(field, "a number", v, at)
            }
            guard x.isFinite else {
                throw Failure(message: "field '\(name(field))' is out of range: \(s)", hint: "values must be finite 64-bit floats", offset: at)
            }
            return x
        default: throw mistyped(field, "a number", v, at)
        }
    }

    func requiredNumber(_ field: String) throws(Failure) -> Double {
        guard let x = try number(field) else { throw missing(field) }
        return x
    }

    /// A bool; 0 and 1 (and "true"/"false" in CSV) count.
    func bool(_ field: String) throws(Failure) -> Bool? {
        guard let (v, at) = raw(field) else { return nil }
        switch v {
        case .bool(let b): return b
        case .number(let x) where x == 0 || x == 1: return x == 1
        case .string(let s) where textual:
            switch s.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: throw mistyped(field, "a bool", v, at)
            }
        default: throw mistyped(field, "a bool", v, at, hint: "write true or false (or 1 or 0)")
        }
    }

    /// A short string such as an annotator id; numbers are accepted and printed as pref does.
    func string(_ field: String) throws(Failure) -> String? {
        guard let (v, at) = raw(field) else { return nil }
        switch v {
        case .string(let s): return s
        case .number(let x): return x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : String(x)
        default: throw mistyped(field, "a string", v, at)
        }
    }

    func requiredString(_ field: String) throws(Failure) -> String {
        guard let s = try string(field) else { throw missing(field) }
        return s
    }

    /// A list value: a JSON array, or in CSV a cell holding a JSON array.
    func list(_ field: String) throws(Failure) -> ([DataValue], Int)? {
        guard let (v, at) = raw(field) else { return nil }
        if let items = v.elements { return (items, at) }
        if textual, case .string(let s) = v, let parsed = RowDecoder.parseJSON(s), let items = parsed.elements { return (items, at) }
        throw mistyped(field, "a list", v, at, hint: textual ? "in CSV a list is a JSON array in one cell: \"[1, 2]\"" : nil)
    }

    /// A text: a string, or a conversation (a list of {role, content} objects).
    func text(_ field: String) throws(Failure) -> PrefText? {
        guard let (v, at) = raw(field) else { return nil }
        if textual, case .string(let s) = v, s.hasPrefix("[{"), let parsed = RowDecoder.parseJSON(s) {
            return try RowDecoder.text(parsed, field: name(field), at: at)
        }
        return try RowDecoder.text(v, field: name(field), at: at)
    }

    func requiredText(_ field: String) throws(Failure) -> PrefText {
        guard let t = try text(field) else { throw missing(field) }
        return t
    }

    static func text(_ v: DataValue, field: String, at: Int) throws(Failure) -> PrefText {
        switch v {
        case .string(let s): return .plain(s)
        case .array(let items):
            var messages = [ChatMessage]()
            for m in items {
                guard case .object(let o) = m, case .string(let role)? = o["role"], case .string(let content)? = o["content"] else {
                    throw Failure(message: "field '\(field)' should be a string or a list of {role, content} messages, found a list holding \(m.typeDescription)",
                                  hint: "each message is {\"role\": \"user\", \"content\": \"…\"}", offset: at)
                }
                messages.append(ChatMessage(role: role, content: content))
            }
            return .chat(messages)
        case .numbers(let xs) where xs.isEmpty: return .chat([])
        default:
            throw Failure(message: "field '\(field)' should be a string or a list of {role, content} messages, found \(v.typeDescription)", hint: nil, offset: at)
        }
    }

    static func parseJSON(_ s: String) -> DataValue? {
        var copy = s
        return copy.withUTF8 { try? JSONScanner.parseDocument($0) }
    }
}
