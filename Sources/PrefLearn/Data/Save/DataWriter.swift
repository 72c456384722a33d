import Foundation

/// Writes a dataset's rows as JSONL or CSV/TSV with TRL's field names, so `load` of the written
/// file gives the same rows back. Lists and objects in CSV cells are JSON text; an unset optional
/// field is left out of a JSONL line and is an empty CSV cell. Features are not written.
public enum DataWriter {
    public enum Format: String, Sendable { case jsonl, csv, tsv }

    /// The format for a path: by extension, JSONL unless it ends in .csv or .tsv.
    public static func format(for path: String) -> Format {
        let name = path.lowercased()
        if name.hasSuffix(".csv") { return .csv }
        if name.hasSuffix(".tsv") { return .tsv }
        return .jsonl
    }

    /// The file's text.
    public static func text(_ d: Dataset, format: Format) -> String {
        let fields = d.rows.presentFields
        var out = ""
        switch format {
        case .jsonl:
            for i in 0..<d.count {
                let o = DataObject(d.rows.fields(i).compactMap { k, v in v.map { (k, $0) } })
                out += json(.object(o))
                out += "\n"
            }
        case .csv, .tsv:
            let sep = format == .csv ? "," : "\t"
            out += fields.map { cell($0, sep) }.joined(separator: sep) + "\n"
            for i in 0..<d.count {
                let row = d.rows.fields(i)
                out += fields.map { k in
                    guard let v = row.first(where: { $0.0 == k })?.1 else { return "" }
                    switch v {
                    case .string(let s): return cell(s, sep)
                    case .number(let x): return number(x)
                    case .bool(let b): return b ? "true" : "false"
                    case .null: return ""
                    default: return cell(json(v), sep)
                    }
                }.joined(separator: sep) + "\n"
            }
        }
        return out
    }

    /// Writes atomically (temporary file, then rename).
    public static func write(_ d: Dataset, to path: String, format: Format) throws(DataError) {
        do {
            try text(d, format: format).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw DataError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// A CSV cell, quoted when it holds the separator, a quote, a line break or edge spaces.
    public static func cell(_ s: String, _ sep: String) -> String {
        let needs = s.contains(sep) || s.contains("\"") || s.contains("\n") || s.contains("\r") || s.hasPrefix(" ") || s.hasSuffix(" ")
        return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Whole numbers without a fraction; others in Swift's shortest round-trip form.
    static func number(_ x: Double) -> String {
        if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// Compact JSON.
    public static func json(_ v: DataValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let x): return number(x)
        case .string(let s): return quote(s)
        case .numbers(let xs): return "[" + xs.map(number).joined(separator: ", ") + "]"
        case .array(let items): return "[" + items.map(json).joined(separator: ", ") + "]"
        case .object(let o): return "{" + zip(o.keys, o.values).map { quote($0) + ": " + json($1) }.joined(separator: ", ") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
