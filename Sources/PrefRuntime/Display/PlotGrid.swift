import PrefCore
import PrefLanguage

/// `plot(..., kind: "heatmap")`: the cells from a matrix (a 2-D tensor or a list of lists of
/// numbers, row r and column c) or from a table whose `x` and `y` columns name the column and
/// row of each cell and whose `value` column colours it.
extension PlotSource {
    func grid() throws -> Plot.Grid {
        if let matrix = try matrix(call[Arg.source]) {
            for i in [Arg.x, Arg.y, Arg.by, Arg.value] where !isNone(call[i]) {
                throw call.error("'\(call.builtin.parameters[i].name)' names a column, but the source is a matrix",
                                 hint: "plot a table or a list of records to use columns")
            }
            let width = matrix.map(\.count).max() ?? 0
            return Plot.Grid(columns: (0..<width).map { "\($0)" }, rows: matrix.indices.map { "\($0)" },
                             values: matrix.map { $0 + Array(repeating: .nan, count: width - $0.count) })
        }
        let table = try table()
        let columns = PlotColumns(source: self, table: table)
        guard let x = try columns.column(Arg.x), let y = try columns.column(Arg.y) else {
            throw call.error("a heatmap of a table needs x: and y: columns (the cell's column and row)",
                             hint: "e.g. plot(t, x: \"beta\", y: \"loss\", value: \"acc\", kind: \"heatmap\")")
        }
        if !isNone(call[Arg.by]) { throw call.error("by does not apply to kind \"heatmap\"", hint: "name the colouring column with value:") }
        let v = try valueColumn(table, columns: columns, x: x, y: y)
        var xs = [String](), ys = [String]()
        var cells = [[Int: Double]]()
        for (r, row) in table.rows.enumerated() {
            let cx = PlotColumns.label(row[x]), cy = PlotColumns.label(row[y])
            if !xs.contains(cx) { xs.append(cx) }
            if !ys.contains(cy) {
                ys.append(cy)
                cells.append([:])
            }
            let i = ys.firstIndex(of: cy) ?? 0, j = xs.firstIndex(of: cx) ?? 0
            guard cells[i][j] == nil else {
                throw call.error("rows give two values for the cell x \(Value.quote(cx)), y \(Value.quote(cy)) (row \(r))",
                                 hint: "a heatmap has one value per (x, y): average the rows first")
            }
            cells[i][j] = try columns.number(row: r, column: v, logAxis: nil)
        }
        return Plot.Grid(columns: xs, rows: ys, values: cells.map { c in xs.indices.map { c[$0] ?? .nan } })
    }

    /// The `value` column, or the only numeric column besides x and y.
    private func valueColumn(_ table: Table, columns: PlotColumns, x: Int, y: Int) throws -> Int {
        if let v = try columns.column(Arg.value) { return v }
        let numeric = table.columns.indices.filter { c in
            c != x && c != y && table.rows.contains { if case .number = $0[c] { true } else { false } }
        }
        guard numeric.count == 1 else {
            let names = numeric.map { table.columns[$0] }.joined(separator: ", ")
            throw call.error(numeric.isEmpty ? "no numeric column to colour the cells" : "several columns could colour the cells: \(names)",
                             hint: "name one with value:")
        }
        return numeric[0]
    }

    /// A matrix source's rows, or nil when the source is a table or records.
    private func matrix(_ v: Value) throws -> [[Double]]? {
        switch v {
        case .tensor(let box):
            let t = try TensorValues.tensor(box)
            guard t.shape.rank == 2 else {
                throw call.error("a heatmap takes a 2-D tensor, got shape \(t.shape)", hint: "reshape it to [rows, columns]")
            }
            let (rows, cols) = (t.shape[0], t.shape[1]), s = t.scalars
            return (0..<rows).map { r in Array(s[(r * cols)..<((r + 1) * cols)]) }
        case .list(let l) where l.items.contains(where: { if case .list = $0 { true } else { false } }):
            return try l.items.enumerated().map { r, item in
                guard case .list(let row) = item else {
                    throw call.error("row \(r) of the matrix is a \(item.typeName), not a list of numbers")
                }
                return try row.items.enumerated().map { c, cell in
                    guard case .number(let n) = cell else {
                        throw call.error("cell [\(r)][\(c)] of the matrix is a \(cell.typeName), not a number")
                    }
                    return n
                }
            }
        default: return nil
        }
    }
}
