import PrefCore
import PrefLanguage

/// Builds a `Plot` from `plot(...)`'s arguments: a table or list of records (columns named by
/// `x`, `y`, `by`), or a list, range or 1-D tensor of numbers (y against index). Every bad
/// argument is an error naming the column and row, with a hint.
struct PlotSource {
    let call: BuiltinCall
    let kind: Plot.Kind
    /// A run or a list of runs: their histories as one table with a `run` column.
    private let runs: Table?
    /// Arguments the source implies when the call leaves them none (runs: x "step", y "loss",
    /// one series per run).
    private let defaults: [Int: Value]

    /// Parameter positions in `plot`'s declaration.
    enum Arg { static let source = 0, x = 1, y = 2, kind = 3, by = 4, logx = 8, logy = 9, bins = 10, value = 11 }

    init(call: BuiltinCall, kind: Plot.Kind) {
        self.call = call
        self.kind = kind
        runs = PlotSource.runTable(call[Arg.source])
        guard let runs else {
            defaults = [:]
            return
        }
        var d: [Int: Value] = [Arg.y: .str("loss"), Arg.by: .str("run")]
        if runs.columns.contains("step") && kind != .hist { d[Arg.x] = .str("step") }
        defaults = d
    }

    /// Argument `i` as given, or the source's default when it was left none.
    func argument(_ i: Int) -> Value {
        if case .none = call[i], let d = defaults[i] { return d }
        return call[i]
    }

    /// The histories of a run or a list of runs, rows tagged with the run's loss name in a `run`
    /// column (a name used twice gets " (2)"), or nil when the source is not runs.
    static func runTable(_ source: Value) -> Table? {
        var list = [RunObject]()
        switch source {
        case .native(let n): guard let r = n.object as? RunObject else { return nil }; list = [r]
        case .list(let l) where !l.items.isEmpty:
            for item in l.items {
                guard case .native(let n) = item, let r = n.object as? RunObject else { return nil }
                list.append(r)
            }
        default: return nil
        }
        let columns = list[0].history.columns.filter { $0 != "run" }
        var rows = [[Value]](), seen = [String: Int]()
        for r in list {
            let count = (seen[r.label] ?? 0) + 1
            seen[r.label] = count
            let name = Value.str(count == 1 ? r.label : "\(r.label) (\(count))")
            for row in r.history.rows {
                rows.append(columns.map { c in r.history.columns.firstIndex(of: c).map { row[$0] } ?? .none } + [name])
            }
        }
        return Table(columns: columns + ["run"], rows: rows)
    }

    static func kind(_ call: BuiltinCall) throws -> Plot.Kind {
        let name = call.string(Arg.kind)
        if let k = Plot.Kind(rawValue: name) { return k }
        let kinds = Plot.Kind.allCases.map(\.rawValue)
        throw call.error("unknown plot kind \(Value.quote(name))",
                         hint: Suggestion.closest(to: name, in: kinds).map { "did you mean \"\($0)\"?" }
                             ?? "kinds are " + kinds.map { "\"\($0)\"" }.joined(separator: ", "))
    }

    /// The series (and bar categories) of the plot.
    func build() throws -> (series: [Plot.Series], categories: [String]) {
        if kind == .hist, case .string = call[Arg.x] {
            throw call.error("hist bins the y values; x is not used", hint: "pass the column to count as y:")
        }
        if let runs { return try PlotColumns(source: self, table: runs).series() }
        if let numbers = try numbers(call[Arg.source]) {
            for i in [Arg.x, Arg.y, Arg.by] where !isNone(call[i]) {
                throw call.error("'\(call.builtin.parameters[i].name)' names a column, but the source is a list of numbers",
                                 hint: "plot a table or a list of records to use columns")
            }
            try checkPositive(numbers, log: kind != .hist && call.bool(Arg.logy), axis: "y", where: { "index \($0)" })
            let xs = numbers.indices.map(Double.init)
            if kind == .bar { return ([Plot.Series(name: "", xs: xs, ys: numbers)], numbers.indices.map { "\($0)" }) }
            return ([Plot.Series(name: "", xs: kind == .hist ? [] : xs, ys: numbers)], [])
        }
        return try PlotColumns(source: self, table: table()).series()
    }

    /// A numeric source's values, or nil when the source is a table or records.
    private func numbers(_ v: Value) throws -> [Double]? {
        switch v {
        case .list(let l):
            if case .record? = l.items.first { return nil }
            return try l.items.enumerated().map { i, item in
                guard case .number(let x) = item else {
                    throw call.error("item \(i) of the source is a \(item.typeName); plot needs numbers or records",
                                     hint: "a list of records plots columns: [{step: 1, loss: 0.5}, …]")
                }
                return x
            }
        case .range(let r): return (0..<r.count).map { r.lower + Double($0) }
        case .tensor(let box):
            let t = try TensorValues.tensor(box)
            guard t.shape.rank <= 1 else {
                throw call.error("plot takes a 1-D tensor, got shape \(t.shape)", hint: "plot one row, e.g. t[0], or reshape it")
            }
            return t.scalars
        case .native(let n) where n.object is TableObject: return nil
        default: throw call.typeError(Arg.source, expected: PlotSource.expected)
        }
    }

    static let expected = "a table, a list of records, a run or a list of runs, or a list or tensor of numbers"

    func table() throws -> Table {
        switch call[Arg.source] {
        case .native(let n):
            if let t = n.object as? TableObject { return t.table }
        case .list(let l):
            do throws(Table.Problem) { return try Table(records: l.items) } catch { throw call.error(error.message, hint: error.hint) }
        default: break
        }
        throw call.typeError(Arg.source, expected: PlotSource.expected)
    }

    func isNone(_ v: Value) -> Bool {
        if case .none = v { return true }
        return false
    }

    /// On a log axis every finite value must be positive.
    func checkPositive(_ values: [Double], log: Bool, axis: String, where place: (Int) -> String) throws {
        guard log, let i = values.firstIndex(where: { $0.isFinite && $0 <= 0 }) else { return }
        throw call.error("log\(axis) needs positive values, got \(Value.format(number: values[i])) at \(place(i))",
                         hint: "drop the values ≤ 0 or set log\(axis): false")
    }
}
