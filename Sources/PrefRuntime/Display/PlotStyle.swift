/// How series are told apart. With colour every series is drawn solid in its own ANSI colour;
/// without colour series i uses style i mod 4: its own dash pattern (lines), marker (scatter) or
/// fill texture (bars, histograms), and the legend shows a sample drawn with the same code.
struct PlotStyle {
    let index: Int

    init(series: Int, count: Int, color: Bool) {
        index = color || count < 2 ? 0 : series % 4
    }

    /// Lines: which steps along a segment (in dots) are lit: solid, dashed, dotted, long dash.
    func lineLit(_ step: Int) -> Bool {
        switch index {
        case 1: step % 4 < 2
        case 2: step % 3 == 0
        case 3: step % 6 < 4
        default: true
        }
    }

    /// Scatter: the dots of the marker around a point: a dot, a square, a plus, a cross.
    var marker: [(Int, Int)] {
        switch index {
        case 1: [(0, 0), (1, 0), (0, 1), (1, 1)]
        case 2: [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)]
        case 3: [(0, 0), (-1, -1), (1, 1), (-1, 1), (1, -1)]
        default: [(0, 0)]
        }
    }

    /// Bars: which dots of the bar are lit: solid, checkered, horizontal or vertical stripes.
    func fillLit(_ x: Int, _ y: Int) -> Bool {
        switch index {
        case 1: (x + y) % 2 == 0
        case 2: y % 2 == 0
        case 3: x % 2 == 0
        default: true
        }
    }

    /// A legend sample for series `series`: a short line, a marker or a patch of fill.
    func sample(kind: Plot.Kind, series: Int, color: Bool) -> String {
        var c = BrailleCanvas(columns: kind == .line ? 3 : 2, rows: 1)
        switch kind {
        case .line: c.line(from: (0, 1), to: (5, 1), series: series, pattern: lineLit)
        case .scatter:
            // The square extends right and down from its point: start it on a cell boundary.
            let x = index == 1 ? 0 : 1
            for (dx, dy) in marker { c.set(x + dx, 1 + dy, series: series) }
        case .bar, .hist, .heatmap: c.fill(x: 0...3, y: 0...3, series: series, pattern: fillLit)
        }
        return c.line(0, color: color)
    }
}
