import PrefCore
import PrefLanguage

/// A table: named columns in order and rows of values, one per column. The model is independent
/// of rendering: the terminal draws it with box characters (`TableRenderer`), reports will write
/// HTML from the same struct.
public struct Table: Sendable {
    public var columns: [String]
    public var rows: [[Value]]

    public init(columns: [String], rows: [[Value]]) {
        self.columns = columns
        self.rows = rows
    }

    /// Why a list cannot be a table; the builtin turns it into a located error.
    public struct Problem: Error, Sendable {
        public var message: String
        public var hint: String?
    }

    /// A table from a list of records that all have the same keys (in any order; the first
    /// record's order is the column order). An empty list is an empty table.
    public init(records items: [Value]) throws(Problem) {
        guard let first = items.first else {
            self.init(columns: [], rows: [])
            return
        }
        guard case .record(let head) = first else {
            throw Problem(message: "row 0 is a \(first.typeName), not a record", hint: "a table is a list of records such as {loss: \"dpo\", acc: 0.7}")
        }
        let columns = head.keys
        var rows = [[Value]]()
        rows.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .record(let r) = item else {
                throw Problem(message: "row \(i) is a \(item.typeName), not a record", hint: "a table is a list of records such as {loss: \"dpo\", acc: 0.7}")
            }
            var row = [Value]()
            row.reserveCapacity(columns.count)
            for c in columns {
                guard let v = r[c] else { throw Table.keyMismatch(row: i, keys: r.keys, expected: columns) }
                row.append(v)
            }
            guard r.count == columns.count else { throw Table.keyMismatch(row: i, keys: r.keys, expected: columns) }
            rows.append(row)
        }
        self.init(columns: columns, rows: rows)
    }

    private static func keyMismatch(row: Int, keys: [String], expected: [String]) -> Problem {
        let missing = expected.filter { !keys.contains($0) }, extra = keys.filter { !expected.contains($0) }
        var parts = [String]()
        if !missing.isEmpty { parts.append("lacks " + missing.map(Value.quote).joined(separator: ", ")) }
        if !extra.isEmpty { parts.append("has extra " + extra.map(Value.quote).joined(separator: ", ")) }
        return Problem(message: "row \(row) \(parts.joined(separator: " and ")); every row needs the keys of row 0",
                       hint: "row 0 has keys " + expected.joined(separator: ", "))
    }

    /// The values of one column, or nil when there is no such column.
    public func column(_ name: String) -> [Value]? {
        guard let i = columns.firstIndex(of: name) else { return nil }
        return rows.map { $0[i] }
    }

    /// The rows as records (what `t.rows` returns).
    public var records: [Value] {
        rows.map { row in .record(RecordBox(Array(zip(columns, row)))) }
    }
}

/// A table as a pref value: `type(t)` is "table"; members `columns`, `rows`, `count`, each
/// column by name (a 1-D f64 tensor when every value is a number, else a list), and `extras`:
/// named values that travel with the table (e.g. `inspect`'s `batch_loss` and `metrics`), drawn
/// under it.
public final class TableObject: NativeObject, NativeSequence, NativeKeyed, @unchecked Sendable {
    public let table: Table
    public let extras: [(String, Value)]
    public init(_ table: Table, extras: [(String, Value)] = []) {
        self.table = table
        self.extras = extras
    }

    public var typeName: String { "table" }

    /// The full rendering at 80 columns without colour: a bare `t` in a script and `print(t)`
    /// show the table itself.
    public var displayText: String { TerminalRenderer.render(.native(NativeBox(self)), width: 80, color: false) }

    public func member(_ name: String) -> Value? {
        switch name {
        case "columns": return .list(table.columns.map { .str($0) })
        case "rows": return .list(table.records)
        case "count": return .number(Double(table.rows.count))
        default:
            if let extra = extras.first(where: { $0.0 == name }) { return extra.1 }
            guard let values = table.column(name) else { return nil }
            let numbers = values.compactMap { v -> Double? in if case .number(let x) = v { x } else { nil } }
            return numbers.count == values.count ? .tensor(TensorBox(Tensor(numbers, dtype: .f64))) : .list(values)
        }
    }

    /// `t[name]`: a column or an extra.
    public var keys: [String] { extras.map(\.0) + table.columns }

    /// `t[i]`, `len(t)` and `for row in t`: the rows as records.
    public var elementCount: Int { table.rows.count }
    public func element(at i: Int) throws -> Value { .record(RecordBox(Array(zip(table.columns, table.rows[i])))) }
    public func slice(_ range: Range<Int>) throws -> Value {
        .native(NativeBox(TableObject(Table(columns: table.columns, rows: Array(table.rows[range])), extras: extras)))
    }

    public var memberNames: [String] {
        let fixed = ["columns", "rows", "count"] + extras.map(\.0)
        return fixed + table.columns.filter { !fixed.contains($0) }
    }
}
