import PrefLanguage
import PrefLearn

/// Dataset rows as pref records, with TRL's field names (`Dataset.Rows.fields`). Optional
/// fields appear when some row of the dataset has them (as `none` in the rows that lack them),
/// so every record of a dataset has the same keys and `table(d.rows)` works.
enum DatasetRecords {
    /// Row `i` as a record with the given fields.
    static func record(_ rows: Dataset.Rows, _ i: Int, fields keys: [String]) -> Value {
        let all = rows.fields(i)
        let r = RecordBox()
        for k in keys { r.set(k, all.first { $0.0 == k }?.1.map(value) ?? .none) }
        return .record(r)
    }

    /// A data value as a pref value (null is none).
    static func value(_ v: DataValue) -> Value {
        switch v {
        case .null: .none
        case .bool(let b): .bool(b)
        case .number(let x): .number(x)
        case .string(let s): .str(s)
        case .numbers(let xs): .list(xs.map(Value.number))
        case .array(let items): .list(items.map(value))
        case .object(let o): .record(RecordBox(zip(o.keys, o.values).map { ($0, value($1)) }))
        }
    }

    /// A pref value as a data value; nil for values data cannot hold (functions, tensors, or
    /// nesting deeper than the loader accepts).
    static func data(_ v: Value, depth: Int = 0) -> DataValue? {
        guard depth < 100 else { return nil }
        switch v {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .number(let x): return .number(x)
        case .string(let s): return .string(s.value)
        case .list(let l):
            var items = [DataValue]()
            for x in l.items {
                guard let d = data(x, depth: depth + 1) else { return nil }
                items.append(d)
            }
            if items.allSatisfy({ if case .number = $0 { true } else { false } }) {
                return .numbers(items.compactMap { if case .number(let x) = $0 { x } else { nil } })
            }
            return .array(items)
        case .record(let r):
            var o = DataObject()
            for (k, x) in zip(r.keys, r.values) {
                guard let d = data(x, depth: depth + 1) else { return nil }
                o.append(k, d, offset: 0)
            }
            return .object(o)
        default: return nil
        }
    }
}
