import Foundation

/// A plot as a standalone SVG document for reports and `save(plot, "x.svg")`: the same `Plot`
/// the terminal draws in braille, here with a title, axes with ticks at nice values (1, 2 or 5 ×
/// 10ᵏ, powers of ten on log axes: `PlotAxis`), light grid lines, axis labels and a legend.
///
/// The drawing is 640×400 user units with a `viewBox`, so it scales to the width of the page;
/// text is 13 units, readable at report size. Every text is escaped, so a title may hold `<`.
public enum PlotSVG {
    static let width = 640.0, height = 400.0
    /// Series colours in legend order (matplotlib's tab10: distinct, and readable when printed).
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    /// An approximate width of one character of 12-unit sans-serif text, for layout.
    static let charWidth = 7.0

    public static func render(_ plot: Plot) -> String {
        var svg = SVGWriter(width: width, height: height, title: plot.title)
        if let grid = plot.grid {
            HeatmapSVG(plot: plot, grid: grid).draw(into: &svg)
        } else {
            draw(plot, into: &svg)
        }
        return svg.document
    }

    private static func draw(_ plot: Plot, into svg: inout SVGWriter) {
        let marks = PlotMarks(plot)
        let legend = plot.series.count > 1 ? plot.series.enumerated().map { $1.name.isEmpty ? "series \($0 + 1)" : $1.name } : []
        let legendWidth = legend.isEmpty ? 0 : min(Double(legend.map(\.count).max() ?? 0), 24) * charWidth + 40
        let top = plot.title.isEmpty ? 20.0 : 44, bottom = height - (plot.xlabel.isEmpty ? 36 : 58)
        let y = PlotAxis(values: marks.yValues, log: plot.logy, ticks: 6, extend: true, includeZero: marks.bars, integral: plot.kind == .hist)
        let left = (plot.ylabel.isEmpty ? 12 : 34) + Double(y.ticks.map(\.label.count).max() ?? 1) * charWidth + 10
        let right = width - 16 - legendWidth
        let area = SVGWriter.Area(left: left, top: top, right: max(right, left + 40), bottom: bottom)
        let x = marks.categorical
            ? PlotAxis(values: [0, 1], log: false, ticks: 1, extend: false)
            : PlotAxis(values: marks.xValues, log: plot.logx && plot.kind != .hist, ticks: max(2, Int(area.width / 90)), extend: false)

        svg.title(plot.title)
        drawTicks(plot, categorical: marks.categorical, x: x, y: y, area: area, into: &svg)
        PlotSVGMarks(plot: plot, marks: marks, x: x, y: y, area: area).draw(into: &svg)
        svg.line(area.left, area.bottom, area.right, area.bottom, stroke: "#333")
        svg.line(area.left, area.top, area.left, area.bottom, stroke: "#333")
        if !plot.xlabel.isEmpty { svg.text(plot.xlabel, x: (area.left + area.right) / 2, y: height - 14, anchor: "middle") }
        if !plot.ylabel.isEmpty { svg.text(plot.ylabel, x: 18, y: (area.top + area.bottom) / 2, anchor: "middle", rotate: true) }
        drawLegend(legend, kind: plot.kind, x: area.right + 16, top: area.top, into: &svg)
    }

    /// Grid lines and tick labels; a bar chart labels its categories instead of x ticks.
    private static func drawTicks(_ plot: Plot, categorical: Bool, x: PlotAxis, y: PlotAxis, area: SVGWriter.Area, into svg: inout SVGWriter) {
        for t in y.ticks {
            guard let f = y.place(t.position) else { continue }
            let py = area.y(f)
            svg.line(area.left, py, area.right, py, stroke: "#e5e5e5")
            svg.text(t.label, x: area.left - 6, y: py + 4, anchor: "end")
        }
        if categorical {
            let slot = area.width / Double(max(plot.categories.count, 1))
            for (i, name) in plot.categories.enumerated() {
                svg.text(DisplayText.truncate(name, max(Int(slot / charWidth), 1)), x: area.left + (Double(i) + 0.5) * slot, y: area.bottom + 18, anchor: "middle")
            }
        } else {
            for t in x.ticks {
                guard let f = x.place(t.position) else { continue }
                let px = area.x(f)
                svg.line(px, area.top, px, area.bottom, stroke: "#e5e5e5")
                svg.line(px, area.bottom, px, area.bottom + 5, stroke: "#333")
                svg.text(t.label, x: px, y: area.bottom + 18, anchor: "middle")
            }
        }
    }

    /// One entry per series: a sample of its mark and its name.
    private static func drawLegend(_ names: [String], kind: Plot.Kind, x: Double, top: Double, into svg: inout SVGWriter) {
        for (i, name) in names.enumerated() {
            let y = top + 8 + Double(i) * 20, color = palette[i % palette.count]
            switch kind {
            case .line: svg.line(x, y, x + 22, y, stroke: color, width: 2.5)
            case .scatter: svg.circle(x + 11, y, radius: 4, fill: color)
            default: svg.rect(x + 4, y - 6, 14, 12, fill: color)
            }
            svg.text(DisplayText.truncate(name, 24), x: x + 30, y: y + 4, anchor: "start")
        }
    }
}

/// The marks of line, scatter, bar and histogram plots in SVG coordinates.
private struct PlotSVGMarks {
    let plot: Plot
    let marks: PlotMarks
    let x: PlotAxis
    let y: PlotAxis
    let area: SVGWriter.Area

    func draw(into svg: inout SVGWriter) {
        for (i, s) in plot.series.enumerated() {
            let color = PlotSVG.palette[i % PlotSVG.palette.count]
            switch plot.kind {
            case .line:
                var run = [(Double, Double)]()
                for (px, py) in zip(s.xs, s.ys) {
                    guard let fx = x.fraction(px), let fy = y.fraction(py) else {
                        svg.polyline(run, stroke: color)
                        run = []
                        continue
                    }
                    run.append((area.x(fx), area.y(fy)))
                }
                svg.polyline(run, stroke: color)
            case .scatter:
                for (px, py) in zip(s.xs, s.ys) {
                    guard let fx = x.fraction(px), let fy = y.fraction(py) else { continue }
                    svg.circle(area.x(fx), area.y(fy), radius: 3, fill: color)
                }
            case .bar:
                let slot = area.width / Double(max(plot.categories.count, 1))
                for (cx, cy) in zip(s.xs, s.ys) where cx.isFinite && cx >= 0 {
                    bar(from: area.left + cx.rounded(.down) * slot + slot * 0.15, width: slot * 0.7, series: i, value: cy, into: &svg)
                }
            case .hist:
                let h = plot.histogram()
                guard i < h.counts.count else { continue }
                for (b, c) in h.counts[i].enumerated() {
                    guard let f0 = x.fraction(h.edges[b]), let f1 = x.fraction(h.edges[b + 1]) else { continue }
                    let start = area.x(f0), end = area.x(f1)
                    bar(from: start + 0.5, width: max(end - start - 1, 0.5), series: i, value: c, into: &svg)
                }
            case .heatmap: break
            }
        }
    }

    /// Series `i`'s share of [start, start + width), from the baseline to `value`.
    private func bar(from start: Double, width: Double, series i: Int, value: Double, into svg: inout SVGWriter) {
        guard let fy = y.fraction(value) else { return }
        let count = Double(max(plot.series.count, 1))
        let base = area.y(y.log ? 0 : (y.fraction(0) ?? 0)), top = area.y(fy)
        let x0 = start + width * Double(i) / count
        svg.rect(x0, min(base, top), width / count, abs(base - top), fill: PlotSVG.palette[i % PlotSVG.palette.count])
    }
}
