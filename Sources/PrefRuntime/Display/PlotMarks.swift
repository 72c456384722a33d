/// What a plot draws, by kind: the values its axes must cover and how its series land on the
/// canvas. Lines and scatter points map (x, y) to dots; bars and histograms are rectangles
/// from the baseline (0, or the bottom of a log axis) to the value.
struct PlotMarks {
    let plot: Plot
    /// Bars and histograms: the y axis includes 0.
    let bars: Bool
    /// Bar charts: x is the category index, not a numeric axis.
    let categorical: Bool
    let xValues: [Double]
    let yValues: [Double]
    private let histogram: Plot.Histogram?

    init(_ plot: Plot) {
        self.plot = plot
        bars = plot.kind == .bar || plot.kind == .hist
        categorical = plot.kind == .bar
        if plot.kind == .hist {
            let h = plot.histogram()
            histogram = h
            xValues = [h.edges.first ?? 0, h.edges.last ?? 1]
            yValues = h.counts.flatMap { $0 }
        } else {
            histogram = nil
            xValues = plot.series.flatMap(\.xs)
            yValues = plot.series.flatMap(\.ys)
        }
    }

    /// The dot column of an axis fraction (clamped to the canvas).
    static func dotX(_ f: Double, _ canvas: BrailleCanvas) -> Int {
        Int((min(max(f, 0), 1) * Double(canvas.dotWidth - 1)).rounded())
    }

    /// The dot row of an axis fraction: 1 is the top row.
    static func dotY(_ f: Double, _ canvas: BrailleCanvas) -> Int {
        Int(((1 - min(max(f, 0), 1)) * Double(canvas.dotHeight - 1)).rounded())
    }

    func draw(on canvas: inout BrailleCanvas, x: PlotAxis, y: PlotAxis, color: Bool) {
        let count = plot.series.count
        for (i, s) in plot.series.enumerated() {
            let style = PlotStyle(series: i, count: count, color: color)
            switch plot.kind {
            case .line, .scatter:
                var previous: (Int, Int)?
                for (px, py) in zip(s.xs, s.ys) {
                    guard let fx = x.fraction(px), let fy = y.fraction(py) else { previous = nil; continue }
                    let p = (PlotMarks.dotX(fx, canvas), PlotMarks.dotY(fy, canvas))
                    if plot.kind == .scatter {
                        for (dx, dy) in style.marker { canvas.set(p.0 + dx, p.1 + dy, series: i) }
                    } else if let q = previous {
                        canvas.line(from: q, to: p, series: i, pattern: style.lineLit)
                    } else {
                        canvas.set(p.0, p.1, series: i)
                    }
                    previous = p
                }
            case .bar:
                let k = max(plot.categories.count, 1)
                for (cx, cy) in zip(s.xs, s.ys) {
                    guard cx.isFinite, cx >= 0, cx < Double(k) else { continue }
                    let slot = Double(canvas.dotWidth) / Double(k), start = cx.rounded(.down) * slot + slot * 0.15
                    bar(on: &canvas, from: start, width: slot * 0.7, series: i, of: count, value: cy, y: y, style: style)
                }
            case .hist:
                guard let h = histogram, i < h.counts.count else { continue }
                for (b, c) in h.counts[i].enumerated() {
                    guard let f0 = x.fraction(h.edges[b]), let f1 = x.fraction(h.edges[b + 1]) else { continue }
                    let start = f0 * Double(canvas.dotWidth), end = f1 * Double(canvas.dotWidth)
                    // A one-dot gap between wide bins keeps the bins apart.
                    let gap = end - start >= 4 ? 1.0 : 0
                    bar(on: &canvas, from: start, width: end - start - gap, series: i, of: count, value: c, y: y, style: style)
                }
            case .heatmap:
                break  // drawn with shades by `HeatmapRenderer`, not on the braille canvas
            }
        }
    }

    /// Series `i` of `count` side by side within [start, start + width) dots, from the baseline
    /// up (or down) to `value`.
    private func bar(on canvas: inout BrailleCanvas, from start: Double, width: Double, series i: Int, of count: Int,
                     value: Double, y: PlotAxis, style: PlotStyle) {
        guard let fy = y.fraction(value), start.isFinite, width.isFinite else { return }
        let base = y.log ? 0 : (y.fraction(0) ?? 0)
        let x0 = clampedDot(start + width * Double(i) / Double(count), canvas)
        let x1 = max(x0, clampedDot(start + width * Double(i + 1) / Double(count), canvas) - 1)
        let top = PlotMarks.dotY(fy, canvas), bottom = PlotMarks.dotY(base, canvas)
        canvas.fill(x: x0...x1, y: min(top, bottom)...max(top, bottom), series: i, pattern: style.fillLit)
    }

    private func clampedDot(_ d: Double, _ canvas: BrailleCanvas) -> Int {
        Int(min(max(d, 0), Double(canvas.dotWidth)).rounded(.down))
    }

    /// Bar charts: one tick per category under the middle of its slot.
    func categoryTicks(_ canvas: BrailleCanvas) -> [(column: Int, label: String)] {
        let k = max(plot.categories.count, 1)
        let slotColumns = max(Double(canvas.columns) / Double(k), 1)
        return plot.categories.enumerated().map { i, name in
            (Int((Double(i) + 0.5) * slotColumns), DisplayText.truncate(name, max(Int(slotColumns) - 1, 1)))
        }
    }
}
