import PrefLanguage

extension BuiltinLibrary {
    /// Tables and plots: `table`, `plot`. Their terminal rendering is in `Display/`.
    static var display: [Builtin] {
        [table, plot]
    }

    private static var table: Builtin {
        Builtin("table", [BuiltinParameter("rows", .list, doc: "a list of records with the same keys")], category: "display",
                doc: "A table from a list of records: the columns are the first record's keys, in order; every record must have the same keys. "
                    + "Prints with box drawing: numbers right-aligned (shortest form, or 4 significant digits when longer than 8 characters), "
                    + "text left-aligned, at most 20 rows then `… N more rows`. Members: `columns`, `rows` (records), `count`.",
                example: "table([{loss: \"dpo\", acc: 0.71}, {loss: \"ipo\", acc: 0.69}])") { call in
            guard case .list(let l) = call[0] else { throw call.typeError(0, expected: "a list of records") }
            do throws(Table.Problem) {
                return .native(NativeBox(TableObject(try Table(records: l.items))))
            } catch {
                throw call.error(error.message, hint: error.hint)
            }
        }
    }

    private static var plot: Builtin {
        Builtin("plot", [
            BuiltinParameter("source", doc: "a table, a list of records, a run or a list of runs (their `history`: x \"step\", y \"loss\", "
                + "one series per run), a list, range or 1-D tensor of numbers (y against index), or for a heatmap a 2-D tensor or list of lists"),
            BuiltinParameter("x", default: Value.none, doc: "the x column; none: the row index"),
            BuiltinParameter("y", default: Value.none, doc: "a y column or a list of them; none: every numeric column but x and by"),
            BuiltinParameter("kind", .string, default: .str("line"), doc: "\"line\", \"scatter\", \"bar\", \"hist\" or \"heatmap\""),
            BuiltinParameter("by", default: Value.none, doc: "a column whose values split the rows into series"),
            BuiltinParameter("title", .string, default: .str(""), doc: "shown above the plot"),
            BuiltinParameter("xlabel", .string, default: .str(""), doc: "below the x axis; defaults to the x column's name"),
            BuiltinParameter("ylabel", .string, default: .str(""), doc: "above the y axis; defaults to the y column's name when there is one"),
            BuiltinParameter("logx", .bool, default: .bool(false), doc: "log-scale x axis (x values must be positive)"),
            BuiltinParameter("logy", .bool, default: .bool(false), doc: "log-scale y axis (y values must be positive)"),
            BuiltinParameter("bins", default: Value.none, doc: "hist: the number of bins; none: Sturges' rule ⌈log2 n⌉ + 1"),
            BuiltinParameter("value", default: Value.none, doc: "heatmap of a table: the column that colours each (x, y) cell; none: the only other numeric column"),
        ], category: "display",
        doc: "A plot of a table's columns or of a list of numbers. Each y column, and each value of the `by` column, is one series with a "
            + "legend entry. `line` joins points in order (a none or nan value breaks the line), `scatter` marks them, `bar` draws one "
            + "bar per x value (x may be text) with series side by side, `hist` counts the y values in equal bins shared by all series, "
            + "`heatmap` colours a grid of cells (a matrix, or a table's x and y columns and its value column). "
            + "Prints in the terminal with braille characters (2×4 dots per cell; shade blocks for heatmaps), axes with tick labels, a title "
            + "and a legend; reports and `save(p, \"p.svg\")` draw it as SVG.",
        example: "plot([{step: 1, loss: 0.9}, {step: 2, loss: 0.5}, {step: 3, loss: 0.4}], x: \"step\", y: \"loss\", title: \"loss\")\n"
            + "plot([0.1, 0.3, 0.2, 0.9], kind: \"hist\", bins: 3)") { call in
            .native(NativeBox(PlotObject(try makePlot(call))))
        }
    }

    private static func makePlot(_ call: BuiltinCall) throws -> Plot {
        let kind = try PlotSource.kind(call)
        if call.bool(PlotSource.Arg.logx) && (kind == .bar || kind == .hist) {
            throw call.error("logx does not apply to kind \"\(kind.rawValue)\"", hint: kind == .hist ? "bin the log of the values instead" : "bar x values are categories")
        }
        let bins = try call.optionalInt(PlotSource.Arg.bins)
        if let bins, bins < 1 || kind != .hist {
            throw call.error(kind != .hist ? "bins applies to kind \"hist\"" : "bins must be at least 1, got \(bins)")
        }
        let source = PlotSource(call: call, kind: kind)
        if !source.isNone(call[PlotSource.Arg.value]) && kind != .heatmap {
            throw call.error("value applies to kind \"heatmap\"", hint: "name the y column with y:")
        }
        var plot: Plot
        if kind == .heatmap {
            if call.bool(PlotSource.Arg.logx) || call.bool(PlotSource.Arg.logy) {
                throw call.error("logx and logy do not apply to kind \"heatmap\"", hint: "its axes are categories")
            }
            plot = Plot(kind: kind, series: [])
            plot.grid = try source.grid()
        } else {
            let (series, categories) = try source.build()
            plot = Plot(kind: kind, series: series)
            plot.categories = categories
        }
        plot.bins = bins
        label(&plot, source)
        return plot
    }

    /// Title and axis labels as given; axis labels default to the column names when they are
    /// unambiguous.
    private static func label(_ plot: inout Plot, _ source: PlotSource) {
        let call = source.call, kind = plot.kind
        plot.title = call.string(5)
        plot.xlabel = call.string(6)
        plot.ylabel = call.string(7)
        plot.logx = call.bool(PlotSource.Arg.logx)
        plot.logy = call.bool(PlotSource.Arg.logy)
        if case .string(let x) = source.argument(PlotSource.Arg.x), plot.xlabel.isEmpty { plot.xlabel = x.value }
        if case .string(let y) = source.argument(PlotSource.Arg.y) {
            if kind == .hist, plot.xlabel.isEmpty { plot.xlabel = y.value } else if kind != .hist, plot.ylabel.isEmpty { plot.ylabel = y.value }
        }
        if kind == .hist, plot.ylabel.isEmpty { plot.ylabel = "count" }
    }
}
