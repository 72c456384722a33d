/// A heatmap in the terminal: one block of shade characters per cell (`░▒▓█` from low to high,
/// `·` for a missing value), row labels on the left, column labels above, and a scale line
/// naming the values of the lightest and darkest shades.
///
/// ```
///        0.1  0.3  1
/// dpo    ░░░░ ▒▒▒▒ ████
/// ipo         ▓▓▓▓ ▒▒▒▒
/// ░ 0.61 … █ 0.74
/// ```
enum HeatmapRenderer {
    static let shades: [Character] = ["░", "▒", "▓", "█"]

    static func render(_ plot: Plot, grid: Plot.Grid, width: Int, color: Bool) -> String {
        let labelWidth = min(grid.rows.map(\.count).max() ?? 0, max(width / 4, 1))
        let room = max(width - labelWidth - 1, 1)
        let natural = max(grid.columns.map(\.count).max() ?? 1, 2) + 1
        let cellWidth = max(1, min(natural, room / max(grid.columns.count, 1), 8))
        let shown = min(grid.columns.count, max(room / cellWidth, 1))
        let range = grid.range
        var lines = [String]()
        if !plot.title.isEmpty { lines.append(Ansi.bold(DisplayText.center(plot.title, width), enabled: color)) }
        if cellWidth >= 2 {
            let header = grid.columns.prefix(shown).map { DisplayText.pad(DisplayText.truncate($0, cellWidth - 1), cellWidth) }.joined()
            lines.append(String(repeating: " ", count: labelWidth + 1) + header)
        }
        for (r, name) in grid.rows.enumerated() {
            let values = r < grid.values.count ? grid.values[r] : []
            let cells = (0..<shown).map { c -> String in
                let shade = c < values.count ? self.shade(values[c], range: range) : "·"
                return String(repeating: String(shade), count: max(cellWidth - 1, 1)) + (cellWidth > 1 ? " " : "")
            }.joined()
            lines.append(DisplayText.pad(DisplayText.truncate(name, labelWidth), labelWidth) + " " + cells)
        }
        if shown < grid.columns.count { lines.append("… \(grid.columns.count - shown) more columns") }
        if !plot.xlabel.isEmpty || !plot.ylabel.isEmpty {
            lines.append([plot.ylabel.isEmpty ? "" : "rows: \(plot.ylabel)", plot.xlabel.isEmpty ? "" : "columns: \(plot.xlabel)"].filter { !$0.isEmpty }.joined(separator: ", "))
        }
        if let range {
            lines.append("░ \(DisplayText.number(range.lo)) … █ \(DisplayText.number(range.hi))")
        }
        return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }

    /// The shade of a value: the lowest value is the lightest visible shade, the highest the
    /// darkest; a missing value is `·`.
    static func shade(_ v: Double, range: (lo: Double, hi: Double)?) -> Character {
        guard v.isFinite, let range else { return "·" }
        let f = range.hi > range.lo ? (v - range.lo) / (range.hi - range.lo) : 1
        return shades[min(Int((f * 4).rounded(.down)), 3)]
    }
}
