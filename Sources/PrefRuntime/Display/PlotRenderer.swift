/// A plot drawn in the terminal with braille (2×4 dots per cell): title, y label, the plot area
/// with a y axis and its tick labels on the left, the x axis with tick labels, the x label, and
/// a legend when there are several series.
///
/// ```
///             training loss
///   1 ┤⠑⠢⡀
///     │   ⠈⠢⡀
/// 0.5 ┤      ⠉⠒⠤⣀⣀
///   0 ┤           ⠉⠉⠉⠉
///     └┬────┬────┬────┬
///      0    2    4    6
/// ```
///
/// The plot area is `width` (at least 20) minus the tick labels, and max(4, min(15, width / 5))
/// rows high.
/// Bars and histograms are filled braille rectangles: the same canvas draws every kind.
enum PlotRenderer {
    /// Plots narrower than this are drawn at this width: fewer columns leave no room to read.
    static let minimumWidth = 20

    static func render(_ plot: Plot, width: Int, color: Bool) -> String {
        let width = max(width, minimumWidth)
        if let grid = plot.grid { return HeatmapRenderer.render(plot, grid: grid, width: width, color: color) }
        let rows = max(4, min(15, width / 5))
        let marks = PlotMarks(plot)
        let y = PlotAxis(values: marks.yValues, log: plot.logy, ticks: max(2, rows * 2 / 5), extend: true,
                         includeZero: marks.bars, integral: plot.kind == .hist)
        let labelWidth = y.ticks.map(\.label.count).max() ?? 1
        let columns = max(2, width - labelWidth - 2)
        let x = marks.categorical
            ? PlotAxis(values: [0, 1], log: false, ticks: 1, extend: false)
            : PlotAxis(values: marks.xValues, log: plot.logx && plot.kind != .hist, ticks: max(2, columns / 8), extend: false)
        var canvas = BrailleCanvas(columns: columns, rows: rows)
        marks.draw(on: &canvas, x: x, y: y, color: color)

        var lines = [String]()
        if !plot.title.isEmpty { lines.append(Ansi.bold(DisplayText.center(plot.title, width), enabled: color)) }
        if !plot.ylabel.isEmpty { lines.append(DisplayText.truncate(plot.ylabel, width)) }
        var tickRows = [Int: String]()
        for t in y.ticks {
            guard let f = y.place(t.position) else { continue }
            let row = PlotMarks.dotY(f, canvas) / 4
            if tickRows[row] == nil { tickRows[row] = t.label }
        }
        for r in 0..<rows {
            let axis = tickRows[r] == nil ? "│" : "┤"
            lines.append(DisplayText.pad(tickRows[r] ?? "", labelWidth, right: true) + " " + axis + canvas.line(r, color: color))
        }
        let xTicks: [(column: Int, label: String)] = marks.categorical
            ? marks.categoryTicks(canvas)
            : x.ticks.compactMap { t in x.place(t.position).map { (PlotMarks.dotX($0, canvas) / 2, t.label) } }
        let indent = labelWidth + 1
        var axisLine = Array(repeating: Character("─"), count: columns)
        for t in xTicks where t.column >= 0 && t.column < columns { axisLine[t.column] = "┬" }
        lines.append(String(repeating: " ", count: indent) + "└" + String(axisLine))
        lines.append(tickLabels(xTicks, offset: indent + 1, width: width))
        if !plot.xlabel.isEmpty { lines.append(String(repeating: " ", count: indent + 1) + DisplayText.center(plot.xlabel, columns)) }
        lines += legend(plot, width: width, color: color)
        return lines.map { trimTrailing($0) }.joined(separator: "\n")
    }

    /// Labels centred under their columns, skipping any that would touch the previous one.
    static func tickLabels(_ ticks: [(column: Int, label: String)], offset: Int, width: Int) -> String {
        var line = [Character](), end = -1
        for t in ticks {
            let label = DisplayText.truncate(t.label, width)
            var start = offset + t.column - (label.count - 1) / 2
            start = min(max(start, 0), width - label.count)
            guard start > end else { continue }
            line += Array(repeating: " ", count: start - line.count) + Array(label)
            end = line.count
        }
        return String(line)
    }

    /// One entry per series, `sample name`, packed into lines of the width.
    static func legend(_ plot: Plot, width: Int, color: Bool) -> [String] {
        guard plot.series.count > 1 else { return [] }
        var lines = [String](), current = "", currentWidth = 0
        for (i, s) in plot.series.enumerated() {
            let style = PlotStyle(series: i, count: plot.series.count, color: color)
            let sample = style.sample(kind: plot.kind, series: i, color: color)
            let sampleWidth = plot.kind == .line ? 3 : 2
            let name = DisplayText.truncate(s.name.isEmpty ? "series \(i + 1)" : s.name, max(width - sampleWidth - 1, 1))
            let entryWidth = sampleWidth + 1 + name.count
            if currentWidth > 0 && currentWidth + 3 + entryWidth > width {
                lines.append(current)
                current = ""
                currentWidth = 0
            }
            current += (currentWidth > 0 ? "   " : "") + sample + " " + name
            currentWidth += (currentWidth > 0 ? 3 : 0) + entryWidth
        }
        return lines + [current]
    }

    private static func trimTrailing(_ s: String) -> String {
        var s = Substring(s)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
