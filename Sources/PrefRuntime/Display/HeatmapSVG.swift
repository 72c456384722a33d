import Foundation

/// A heatmap in SVG: one rectangle per cell coloured on the viridis scale (dark blue for the
/// lowest value, yellow for the highest: ordered in lightness, so it reads in grey too), row
/// labels on the left, column labels below, and a colour bar with the range on the right.
struct HeatmapSVG {
    let plot: Plot
    let grid: Plot.Grid

    /// Viridis at nine evenly spaced stops; colours between stops are interpolated.
    static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]

    static func color(_ f: Double) -> String {
        let t = (f.isFinite ? min(max(f, 0), 1) : 0) * Double(viridis.count - 1)
        let i = min(Int(t), viridis.count - 2), u = t - Double(i)
        let (a, b) = (viridis[i], viridis[i + 1])
        func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * u).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    func draw(into svg: inout SVGWriter) {
        let cw = PlotSVG.charWidth
        let rowLabel = Double(min(grid.rows.map(\.count).max() ?? 0, 16)) * cw
        let left = (plot.ylabel.isEmpty ? 12 : 34) + rowLabel + 8
        let top = plot.title.isEmpty ? 20.0 : 44
        let bottom = PlotSVG.height - (plot.xlabel.isEmpty ? 36 : 58)
        let area = SVGWriter.Area(left: left, top: top, right: PlotSVG.width - 110, bottom: bottom)
        let columns = max(grid.columns.count, 1), rows = max(grid.rows.count, 1)
        let cellW = area.width / Double(columns), cellH = area.height / Double(rows)
        let range = grid.range
        svg.title(plot.title)
        for (r, values) in grid.values.enumerated() where r < grid.rows.count {
            for (c, v) in values.enumerated() where c < grid.columns.count {
                let x = area.left + Double(c) * cellW, y = area.top + Double(r) * cellH
                guard v.isFinite, let range else {
                    svg.rect(x, y, cellW, cellH, fill: "#f0f0f0")
                    continue
                }
                let f = range.hi > range.lo ? (v - range.lo) / (range.hi - range.lo) : 1
                svg.rect(x, y, cellW, cellH, fill: HeatmapSVG.color(f), stroke: "#ffffff")
            }
        }
        // Labels only where they fit: every k-th one when the cells are narrow.
        let rowStep = max(1, Int((16 / cellH).rounded(.up)))
        for (r, name) in grid.rows.enumerated() where r % rowStep == 0 {
            svg.text(DisplayText.truncate(name, 16), x: area.left - 6, y: area.top + (Double(r) + 0.5) * cellH + 4, anchor: "end")
        }
        let widest = Double(min(grid.columns.map(\.count).max() ?? 1, 10)) * cw + 6
        let columnStep = max(1, Int((widest / cellW).rounded(.up)))
        for (c, name) in grid.columns.enumerated() where c % columnStep == 0 {
            svg.text(DisplayText.truncate(name, 10), x: area.left + (Double(c) + 0.5) * cellW, y: area.bottom + 18, anchor: "middle")
        }
        if !plot.xlabel.isEmpty { svg.text(plot.xlabel, x: (area.left + area.right) / 2, y: PlotSVG.height - 14, anchor: "middle") }
        if !plot.ylabel.isEmpty { svg.text(plot.ylabel, x: 18, y: (area.top + area.bottom) / 2, anchor: "middle", rotate: true) }
        if let range { colorBar(range, x: area.right + 20, top: area.top, bottom: area.bottom, into: &svg) }
    }

    /// A vertical bar of the scale, highest at the top, with the two ends' values.
    private func colorBar(_ range: (lo: Double, hi: Double), x: Double, top: Double, bottom: Double, into svg: inout SVGWriter) {
        let steps = 32, h = (bottom - top) / Double(steps)
        for i in 0..<steps {
            svg.rect(x, bottom - Double(i + 1) * h, 16, h + 0.5, fill: HeatmapSVG.color((Double(i) + 0.5) / Double(steps)))
        }
        svg.text(DisplayText.number(range.hi), x: x + 22, y: top + 10, anchor: "start")
        svg.text(DisplayText.number(range.lo), x: x + 22, y: bottom, anchor: "start")
    }
}
