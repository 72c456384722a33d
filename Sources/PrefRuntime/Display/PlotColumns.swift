import PrefLanguage

/// `plot(...)` over a table: picks the x, y and by columns, splits rows into series by the `by`
/// column's values, and reads numbers (a `none` cell is a gap; text only as bar categories).
struct PlotColumns {
    let source: PlotSource
    let table: Table
    private var call: BuiltinCall { source.call }
    private var kind: Plot.Kind { source.kind }

    /// The column named by argument `arg`, or nil for `none`.
    func column(_ arg: Int) throws -> Int? {
        switch source.argument(arg) {
        case .none: return nil
        case .string(let s): return try index(of: s.value)
        default: throw call.typeError(arg, expected: "a column name (a string) or none")
        }
    }

    private func index(of name: String) throws -> Int {
        if let i = table.columns.firstIndex(of: name) { return i }
        let list = table.columns.isEmpty ? "the table has no columns" : "columns are " + table.columns.joined(separator: ", ")
        throw call.error("no column \(Value.quote(name))",
                         hint: Suggestion.closest(to: name, in: table.columns).map { "did you mean \"\($0)\"? (\(list))" } ?? list)
    }

    /// The y columns: one name, a list of names, or (none) every numeric column but x and by.
    private func yColumns(x: Int?, by: Int?) throws -> [Int] {
        switch source.argument(PlotSource.Arg.y) {
        case .string(let s): return [try index(of: s.value)]
        case .list(let l):
            return try l.items.map { item in
                guard case .string(let s) = item else { throw call.typeError(PlotSource.Arg.y, expected: "a column name or a list of names") }
                return try index(of: s.value)
            }
        case .none:
            let numeric = table.columns.indices.filter { c in
                c != x && c != by && table.rows.contains { if case .number = $0[c] { true } else { false } }
                    && table.rows.allSatisfy { switch $0[c] { case .number, .none: true; default: false } }
            }
            guard !numeric.isEmpty || table.rows.isEmpty else {
                throw call.error("no numeric column to plot", hint: "name the column with y: (columns are \(table.columns.joined(separator: ", ")))")
            }
            return numeric
        default: throw call.typeError(PlotSource.Arg.y, expected: "a column name or a list of names")
        }
    }

    func series() throws -> (series: [Plot.Series], categories: [String]) {
        let x = try column(PlotSource.Arg.x), by = try column(PlotSource.Arg.by)
        let ys = try yColumns(x: x, by: by)
        // Rows grouped by the text of their `by` value, in order of first appearance.
        var groups = [(name: String, rows: [Int])]()
        var groupIndex = [String: Int]()
        for r in table.rows.indices {
            let key = by.map { table.rows[r][$0].displayText } ?? ""
            if let g = groupIndex[key] { groups[g].rows.append(r) } else {
                groupIndex[key] = groups.count
                groups.append((key, [r]))
            }
        }
        let categories = kind == .bar ? barCategories(x: x, groups: groups) : []
        var series = [Plot.Series]()
        for y in ys {
            for g in groups {
                let name = by == nil ? table.columns[y] : (ys.count > 1 ? "\(table.columns[y]) \(g.name)" : g.name)
                let yv = try g.rows.map { try number(row: $0, column: y, logAxis: kind != .hist && call.bool(PlotSource.Arg.logy) ? "y" : nil) }
                let xv: [Double]
                switch (kind, x) {
                case (.hist, _): xv = []
                case (.bar, let x?): xv = g.rows.map { Double(categories.firstIndex(of: PlotColumns.label(table.rows[$0][x])) ?? 0) }
                case (_, let x?): xv = try g.rows.map { try number(row: $0, column: x, logAxis: call.bool(PlotSource.Arg.logx) ? "x" : nil) }
                case (_, nil): xv = g.rows.indices.map(Double.init)
                }
                series.append(Plot.Series(name: name, xs: xv, ys: yv))
            }
        }
        return (series, categories)
    }

    /// Bar categories: the x column's values as text in order of first appearance, or the
    /// positions 0..<n within the largest group when there is no x.
    private func barCategories(x: Int?, groups: [(name: String, rows: [Int])]) -> [String] {
        guard let x else { return (0..<(groups.map(\.rows.count).max() ?? 0)).map { "\($0)" } }
        var seen = Set<String>(), out = [String]()
        for row in table.rows where seen.insert(PlotColumns.label(row[x])).inserted { out.append(PlotColumns.label(row[x])) }
        return out
    }

    static func label(_ v: Value) -> String {
        if case .number(let n) = v { return DisplayText.number(n) }
        return v.displayText
    }

    /// A cell as a number: `none` is nan (a gap); anything else not a number is an error. On a
    /// log axis ("x" or "y") the number must be positive.
    func number(row: Int, column: Int, logAxis: String?) throws -> Double {
        let name = table.columns[column]
        switch table.rows[row][column] {
        case .number(let v):
            try source.checkPositive([v], log: logAxis != nil, axis: logAxis ?? "", where: { _ in "row \(row) of column \(Value.quote(name))" })
            return v
        case .none: return .nan
        case let other:
            let hint = kind == .line || kind == .scatter ? "text can only be categories: use kind: \"bar\"" : "convert it with num(...)"
            throw call.error("column \(Value.quote(name)) has a \(other.typeName) in row \(row); plot needs numbers", hint: hint)
        }
    }
}
