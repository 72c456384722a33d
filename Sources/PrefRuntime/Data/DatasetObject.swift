import PrefCore
import PrefLanguage
import PrefLearn

/// A dataset as a pref value (`type(d)` is "dataset"): `len(d)`, `d[i]` (a record), `d[a..<b]`
/// (a dataset), `for row in d`, and members `kind`, `count`, `rows`, `fields`, `features`,
/// `sources`, `lines`, one member per field giving that column as a list (`d.chosen`), and the
/// data builtins as methods (`d.split(0.8)`, `d.shuffle(seed: 1)`; `DatasetMethods`).
public final class DatasetObject: NativeSequence, @unchecked Sendable {
    public let dataset: Dataset
    /// Computed once: which optional fields the records show.
    private lazy var fields: [String] = dataset.rows.presentFields

    public init(_ dataset: Dataset) { self.dataset = dataset }

    /// Wraps a dataset as a value.
    public static func value(_ d: Dataset) -> Value { .native(NativeBox(DatasetObject(d))) }

    public var typeName: String { "dataset" }

    /// `<dataset pairs: 3 rows from data/x.jsonl, features chosen [3, 64], rejected [3, 64]>`.
    public var displayText: String {
        let n = dataset.count
        var text = "<dataset \(dataset.kind.rawValue): \(n) row\(n == 1 ? "" : "s")"
        let sources = dataset.provenance.sources
        if sources.count == 1 { text += " from \(sources[0])" } else if sources.count > 1 { text += " from \(sources.count) files" }
        let f = dataset.features
        if !f.isEmpty {
            text += ", features " + zip(f.names, f.tensors).map { "\($0) \($1.shape)" }.joined(separator: ", ")
        }
        return text + ">"
    }

    public var elementCount: Int { dataset.count }

    public func element(at i: Int) throws -> Value {
        DatasetRecords.record(dataset.rows, i, fields: fields)
    }

    public func slice(_ range: Range<Int>) throws -> Value {
        do {
            return DatasetObject.value(try dataset.selecting(Array(range)))
        } catch {
            throw RuntimeError("\(error.op): \(error.message)", hint: error.hint)
        }
    }

    public func member(_ name: String) -> Value? {
        switch name {
        case "kind": return .str(dataset.kind.rawValue)
        case "count": return .number(Double(dataset.count))
        case "rows": return .list((0..<dataset.count).map { DatasetRecords.record(dataset.rows, $0, fields: fields) })
        case "fields": return .list(fields.map(Value.str))
        case "features":
            let f = dataset.features
            return .record(RecordBox(zip(f.names, f.tensors).map { ($0, .tensor(TensorBox($1))) }))
        case "sources": return .list(dataset.provenance.sources.map(Value.str))
        case "lines":
            let o = dataset.provenance.origins
            return o.isEmpty ? Value.none : .list(o.map { $0.source < 0 ? .none : .number(Double($0.line)) })
        default:
            if let m = DatasetMethods.bound(name, to: .native(NativeBox(self))) { return m }
            guard fields.contains(name) else { return nil }
            return .list((0..<dataset.count).map { i in
                dataset.rows.fields(i).first { $0.0 == name }?.1.map(DatasetRecords.value) ?? .none
            })
        }
    }

    public var memberNames: [String] { ["kind", "count", "rows", "fields", "features", "sources", "lines"] + fields + DatasetMethods.names }
}
