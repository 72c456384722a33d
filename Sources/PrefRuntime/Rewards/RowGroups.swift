import PrefCore
import PrefLanguage
import PrefLearn

/// The `by:` argument of `benchmark` and `explain`: which group each row of a dataset belongs to.
/// Groups keep the order in which they first appear.
struct RowGroups {
    var names: [String]
    /// The rows of each group, in data order.
    var rows: [[Int]]

    /// Every row in one group named `name`.
    static func all(_ n: Int, name: String) -> RowGroups { RowGroups(names: [name], rows: [Array(0..<n)]) }

    /// Rows grouped by their labels.
    static func labelled(_ labels: [String]) -> RowGroups {
        var names = [String](), index = [String: Int](), rows = [[Int]]()
        for (i, l) in labels.enumerated() {
            if let g = index[l] { rows[g].append(i); continue }
            index[l] = names.count
            names.append(l)
            rows.append([i])
        }
        return RowGroups(names: names, rows: rows)
    }

    /// `by` as given: a row field ("annotator", "aspect", …), "cluster" (the toy-world prompt
    /// cluster c(x) of the chosen response, through its id), or a list or 1-D tensor of one label
    /// per row. A row whose field is unset is an error naming the row, not a silent drop.
    static func read(_ call: BuiltinCall, _ i: Int, data d: Dataset, world: ToyWorld?) throws -> RowGroups? {
        let n = d.count
        switch call[i] {
        case .none: return nil
        case .string(let s) where s.value == "cluster":
            guard let w = world else { throw call.error("by: \"cluster\" needs toy-world data and its world", hint: "pass world: w") }
            let ids = try d.pairInputs(world: w).chosen.ids
            guard let ids else { throw call.error("by: \"cluster\" needs the rows' candidate ids (chosen_id)", hint: "use toy-world pairs") }
            let k = w.config.candidates
            return labelled(ids.map { "cluster \(w.clusters[$0 / k])" })
        case .string(let s):
            let field = s.value
            guard Dataset.Rows.fieldNames(d.kind).contains(field) else {
                throw call.error("\(d.kind.rawValue) rows have no field '\(field)'",
                                 hint: "fields: " + Dataset.Rows.fieldNames(d.kind).joined(separator: ", ") + "; or pass one label per row as a list")
            }
            var labels = [String]()
            labels.reserveCapacity(n)
            for r in 0..<n {
                switch d.rows.fields(r).first(where: { $0.0 == field })?.1 {
                case .string(let t): labels.append(t)
                case .number(let x): labels.append(Value.number(x).displayText)
                case .bool(let b): labels.append(b ? "true" : "false")
                case nil, .null: throw call.error("row \(r) has no '\(field)'", hint: "every row needs a group; pass one label per row as a list")
                default: throw call.error("row \(r)'s '\(field)' is not a string or a number")
                }
            }
            return labelled(labels)
        case .list(let l):
            guard l.items.count == n else { throw call.error("by: has \(l.items.count) labels for \(n) rows") }
            return labelled(try l.items.enumerated().map { j, v in
                switch v {
                case .string(let t): return t.value
                case .number, .bool: return v.displayText
                default: throw call.error("label \(j) of by: is a \(v.typeName), not a string or a number")
                }
            })
        case .tensor(let box):
            let t = try TensorValues.tensor(box)
            guard t.rank == 1, t.count == n else { throw call.error("by: has shape \(t.shape) for \(n) rows", hint: "one label per row, [\(n)]") }
            return labelled(t.to(.f64).scalars.map { Value.number($0).displayText })
        default:
            throw call.typeError(i, expected: "none, a field name, \"cluster\", or a list of one label per row")
        }
    }
}
