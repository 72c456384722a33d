import Testing
import PrefLanguage
@testable import PrefRuntime

/// Braille plots: the dot arithmetic in closed form, then every kind at fixed widths.
@Suite("display: plots") struct PlotRendererTests {
    func render(_ source: String, width: Int, color: Bool = false) throws -> String {
        TerminalRenderer.render(try Pref.eval(source), width: width, color: color)
    }

    @Test func brailleBitsFollowUnicodeDotNumbering() {
        // Dots 1-2-3 run down the left column, 4-5-6 down the right, 7 and 8 along the bottom.
        let expected: [(Int, Int, UInt8)] = [(0, 0, 0x01), (0, 1, 0x02), (0, 2, 0x04), (1, 0, 0x08),
                                             (1, 1, 0x10), (1, 2, 0x20), (0, 3, 0x40), (1, 3, 0x80)]
        for (dx, dy, bit) in expected { #expect(BrailleCanvas.bit(dx: dx, dy: dy) == bit) }
        var full = BrailleCanvas(columns: 1, rows: 1)
        full.fill(x: 0...1, y: 0...3, series: 0)
        #expect(full.line(0, color: false) == "⣿")
    }

    @Test func aDiagonalLightsExactlyTheDiagonalDots() {
        // 4×4 dots: (0,3) (1,2) in the first cell = dots 7 and 6 = U+2860; (2,1) (3,0) in the
        // second = dots 2 and 4 = U+280A.
        var c = BrailleCanvas(columns: 2, rows: 1)
        c.line(from: (0, 3), to: (3, 0), series: 0)
        #expect(c.line(0, color: false) == "⡠⠊")
        // Over 8×8 dots the diagonal y = x lights dot (i, 7 - i) for each i, one per column.
        var big = BrailleCanvas(columns: 4, rows: 2)
        big.line(from: (0, 7), to: (7, 0), series: 0)
        #expect(big.line(0, color: false) == "  ⡠⠊")
        #expect(big.line(1, color: false) == "⡠⠊  ")
    }

    @Test func theRendererMapsDataOntoTheDiagonal() throws {
        // y = x for x = 0…10: both axes span exactly [0, 10] (10 is a tick), so point i lands on
        // dot column round(i / 10 · (W − 1)) and dot row round((1 − i / 10) · (H − 1)).
        let text = try render("plot([x for x in 0..10], kind: \"scatter\")", width: 40)
        let plotRows = text.split(separator: "\n").filter { $0.contains("┤") || $0.contains("│") }
        #expect(plotRows.count == 8)
        let area = plotRows.map { row in String(row.drop { $0 != "┤" && $0 != "│" }.dropFirst()) }
        let columns = 40 - 4  // "10 ┤": two label characters, a space and the axis
        var c = BrailleCanvas(columns: columns, rows: 8)
        for i in 0...10 {
            let f = Double(i) / 10
            c.set(Int((f * Double(c.dotWidth - 1)).rounded()), Int(((1 - f) * Double(c.dotHeight - 1)).rounded()), series: 0)
        }
        let expected = (0..<8).map { r in String(c.line(r, color: false).reversed().drop { $0 == " " }.reversed()) }
        #expect(area == expected)
    }

    @Test func linePlotsWithLegendAndPatterns() throws {
        let source = "plot([{x: x / 4, up: x * x / 16, down: 8 - x / 2} for x in 0..<24], x: \"x\", title: \"two curves\")"
        DisplaySnapshot.check(try render(source, width: 40), "plot_line_w40")
        DisplaySnapshot.check(try render(source, width: 80), "plot_line_w80")
        DisplaySnapshot.check(try render(source, width: 40, color: true), "plot_line_color_w40")
        #expect(!(try render(source, width: 40)).contains("\u{1B}"))
    }

    @Test func scatterBarAndHistogram() throws {
        let scatter = "plot([{x: i, y: (i * 37) % 11, g: if i % 2 == 0 { \"even\" } else { \"odd\" }} for i in 0..<30], "
            + "x: \"x\", y: \"y\", by: \"g\", kind: \"scatter\")"
        DisplaySnapshot.check(try render(scatter, width: 40), "plot_scatter_w40")
        DisplaySnapshot.check(try render("plot([{loss: \"dpo\", acc: 0.71, kl: 0.4}, {loss: \"ipo\", acc: 0.69, kl: 0.2}, {loss: \"kto\", acc: 0.55, kl: 0.6}], x: \"loss\", y: [\"acc\", \"kl\"], kind: \"bar\", title: \"by loss\")", width: 40), "plot_bar_w40")
        DisplaySnapshot.check(try render("plot([(i * 7919 % 101) / 10 for i in 0..<200], kind: \"hist\", bins: 8)", width: 40), "plot_hist_w40")
    }

    @Test func logAxis() throws {
        DisplaySnapshot.check(try render("plot([{n: 2 ^ k, t: 3 * (2 ^ k) ^ 1.5} for k in 0..<12], x: \"n\", y: \"t\", logx: true, logy: true)", width: 60), "plot_log_w60")
    }

    @Test func degenerateDataRendersSanely() throws {
        for source in ["plot([])", "plot([5])", "plot([3, 3, 3])", "plot([0 / 0, 1 / 0])", "plot([1e308, -1e308])",
                       "plot([1e308, -1e308], kind: \"hist\")", "plot([], kind: \"bar\")", "plot([2, 2], kind: \"hist\")",
                       "plot([{a: 1, b: none}, {a: 2, b: 3}], x: \"a\")", "plot([1, 10, 100], logy: true, kind: \"bar\")"] {
            for width in [0, 10, 40] {
                let text = try render(source, width: width)
                #expect(!text.isEmpty)
                #expect(DisplaySnapshot.fits(text, max(width, PlotRenderer.minimumWidth)), "\(source) at \(width):\n\(text)")
            }
        }
        DisplaySnapshot.check(try render("plot([3, 3, 3])", width: 40), "plot_flat_w40")
    }

    @Test func histogramBinsInTheModel() {
        var p = Plot(kind: .hist, series: [Plot.Series(name: "", xs: [], ys: [0, 1, 2, 3, 4, .nan])])
        p.bins = 2
        #expect(p.histogram() == Plot.Histogram(edges: [0, 2, 4], counts: [[2, 3]]))
        p.bins = nil  // Sturges: ⌈log2 5⌉ + 1 = 4 bins
        #expect(p.histogram().counts == [[1, 1, 1, 2]])
        #expect(Plot(kind: .hist, series: []).histogram().edges == [0, 1])
    }

    @Test func plotBuiltinErrorsNameTheProblem() {
        let rows = "[{step: 1, loss: 0.5, name: \"a\"}, {step: 2, loss: 0.25, name: \"b\"}]"
        let unknown = Pref.failure("plot(\(rows), x: \"step\", y: \"los\")")
        #expect(unknown?.message == "plot(): no column \"los\"")
        #expect(unknown?.hint == "did you mean \"loss\"? (columns are step, loss, name)")
        #expect(Pref.failure("plot([1, 2], kind: \"scater\")")?.hint == "did you mean \"scatter\"?")
        #expect(Pref.failure("plot([1, 2], kind: \"pie\")")?.hint == "kinds are \"line\", \"scatter\", \"bar\", \"hist\", \"heatmap\"")
        #expect(Pref.failure("plot(\(rows), x: \"name\", y: \"loss\")")?.message == "plot(): column \"name\" has a string in row 0; plot needs numbers")
        #expect(Pref.failure("plot([1, 0], logy: true)")?.message == "plot(): logy needs positive values, got 0 at index 1")
        #expect(Pref.failure("plot(\(rows), x: \"loss\", logx: true, y: \"step\", kind: \"bar\")")?.message == "plot(): logx does not apply to kind \"bar\"")
        #expect(Pref.failure("plot([1, \"a\"])")?.message == "plot(): item 1 of the source is a string; plot needs numbers or records")
        #expect(Pref.failure("plot([{a: \"x\"}])")?.message == "plot(): no numeric column to plot")
        #expect(Pref.failure("plot(\"x\")")?.message == "argument 'source' of plot() must be a table, a list of records, a run or a list of runs, or a list or tensor of numbers, got string")
    }

    @Test func plotMembersAndDefaults() throws {
        let p = try Pref.eval("plot([{s: 1, l: 2, g: \"a\"}, {s: 2, l: 1, g: \"b\"}], x: \"s\", y: \"l\", by: \"g\")")
        guard case .native(let box) = p, let plot = (box.object as? PlotObject)?.plot else { Issue.record("not a plot"); return }
        #expect(plot.series.map(\.name) == ["a", "b"])
        #expect(plot.xlabel == "s" && plot.ylabel == "l")
        #expect(try Pref.repr("plot([4, 5]).series") == "[{name: \"\", x: [0, 1], y: [4, 5]}]")
        #expect(try Pref.repr("type(plot([1]))") == "\"plot\"")
    }
}
