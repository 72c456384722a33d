import PrefLanguage

/// A table drawn with box characters:
///
/// ```
/// ┌──────┬───────┐
/// │ loss │   acc │
/// ├──────┼───────┤
/// │ dpo  │ 0.715 │
/// └──────┴───────┘
/// ```
///
/// Numeric columns (every non-none cell a number) are right-aligned, others left-aligned; numbers
/// use `DisplayText.number` (shortest round-trip up to 8 characters, else 4 significant digits);
/// strings show bare with escapes; other values abbreviated on one line. When the natural widths
/// exceed the terminal, the widest columns shrink (cells cut with `…`) down to 10 characters;
/// columns that still do not fit are dropped with a `… N more columns` line. At most `rowLimit`
/// rows are drawn, then `… N more rows`.
enum TableRenderer {
    static let rowLimit = 20
    /// Columns shrink to no fewer than 10 characters (or their natural width), so the ones shown
    /// stay readable; trailing columns are dropped instead.
    static let minimumColumn = 10

    static func render(_ table: Table, width: Int, color: Bool) -> String {
        guard !table.columns.isEmpty else { return "(empty table)" }
        let shown = Array(table.rows.prefix(rowLimit))
        let numeric = table.columns.indices.map { c in isNumeric(shown.map { $0[c] }) }
        let cells = shown.map { row in row.map { cell($0, width: width) } }
        var widths = table.columns.indices.map { c in max(table.columns[c].count, cells.map { $0[c].count }.max() ?? 0) }
        // Drop trailing columns until the rest fit at their minimum width (narrower than 10 only
        // when one column at 10 does not fit).
        let floor = max(1, min(minimumColumn, width - 4))
        var kept = widths.count
        while kept > 1 && frameWidth(widths.prefix(kept).map { min($0, floor) }) > width { kept -= 1 }
        widths = Array(widths.prefix(kept))
        shrink(&widths, to: width, floor: floor)

        var lines = [rule("┌", "┬", "┐", widths)]
        let header = table.columns.prefix(kept).enumerated().map { c, name in
            Ansi.bold(DisplayText.pad(DisplayText.truncate(name, widths[c]), widths[c], right: numeric[c]), enabled: color)
        }
        lines.append(row(header))
        lines.append(rule("├", "┼", "┤", widths))
        for r in cells {
            lines.append(row((0..<kept).map { c in DisplayText.pad(DisplayText.truncate(r[c], widths[c]), widths[c], right: numeric[c]) }))
        }
        lines.append(rule("└", "┴", "┘", widths))
        if table.rows.isEmpty { lines.append("(no rows)") }
        var notes = [String]()
        if table.rows.count > shown.count { notes.append("\(table.rows.count - shown.count) more rows") }
        if kept < table.columns.count {
            let missing = table.columns.count - kept
            notes.append("\(missing) more column\(missing == 1 ? "" : "s"): " + table.columns.suffix(missing).joined(separator: ", "))
        }
        lines += notes.map { DisplayText.truncate("… " + $0, width) }
        return lines.joined(separator: "\n")
    }

    /// `│ a │ b │` plus one space of padding each side: 3 per column and 1.
    private static func frameWidth(_ widths: [Int]) -> Int { widths.reduce(1) { $0 + $1 + 3 } }

    /// Takes one column from the widest column until the frame fits (or all are at the minimum).
    private static func shrink(_ widths: inout [Int], to width: Int, floor: Int) {
        while frameWidth(widths) > width {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > floor else { return }
            widths[widest] -= 1
        }
    }

    private static func rule(_ left: String, _ mid: String, _ right: String, _ widths: [Int]) -> String {
        left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: mid) + right
    }

    private static func row(_ cells: [String]) -> String {
        "│ " + cells.joined(separator: " │ ") + " │"
    }

    private static func isNumeric(_ column: [Value]) -> Bool {
        var any = false
        for v in column {
            switch v {
            case .number: any = true
            case .none: continue
            default: return false
            }
        }
        return any
    }

    /// A cell's text on one line: numbers compact, strings bare, the rest abbreviated.
    static func cell(_ v: Value, width: Int) -> String {
        switch v {
        case .number(let x): DisplayText.number(x)
        case .string(let s): DisplayText.escaped(s.value)
        default: TerminalRenderer.inline(v, width: width)
        }
    }
}
