/// A report as Markdown: prose as written, code and text outputs in fenced blocks, tables as
/// pipe tables, and plots as SVG files written beside the Markdown (`<stem>-<n>.svg`) and linked
/// by a relative path, so the report renders on any forge that shows Markdown.
struct MarkdownReport {
    let document: String
    /// The plots' files: name (beside the Markdown) and SVG text.
    let images: [(name: String, svg: String)]

    init(report: Report, imagePrefix: String) {
        var out = "# \(report.script)\n\n\(report.summary)\n"
        var images = [(name: String, svg: String)]()
        for entry in report.entries {
            let cell = entry.cell
            out += "\n## \(cell.number)\(cell.title.isEmpty ? "" : " " + cell.title)\n"
            if !cell.prose.isEmpty { out += "\n" + cell.prose.joined(separator: "\n") + "\n" }
            if !cell.code.isEmpty { out += "\n" + MarkdownReport.fence(cell.code, info: "pref") }
            if !entry.ran { out += "\n*Not run: the run stopped in an earlier cell.*\n" }
            for output in entry.outputs {
                switch output {
                case .text(let s), .error(let s):
                    out += "\n" + MarkdownReport.fence(s, info: "text")
                case .table(let t):
                    out += "\n" + MarkdownReport.table(t)
                case .plot(let p, _):
                    let name = "\(imagePrefix)-\(images.count + 1).svg"
                    images.append((name, PlotSVG.render(p)))
                    let alt = p.title.isEmpty ? "plot \(images.count)" : p.title
                    // Spaces and parentheses in the file name would end the link early.
                    let link = name.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "(", with: "%28")
                        .replacingOccurrences(of: ")", with: "%29")
                    out += "\n![\(alt.replacingOccurrences(of: "]", with: ")"))](\(link))\n"
                }
            }
        }
        document = out
        self.images = images
    }

    /// A fenced block whose fence is longer than any run of backticks inside.
    static func fence(_ text: String, info: String) -> String {
        var longest = 0, run = 0
        for c in text { run = c == "`" ? run + 1 : 0; longest = max(longest, run) }
        let f = String(repeating: "`", count: max(3, longest + 1))
        let body = text.hasSuffix("\n") ? text : text + "\n"
        return "\(f)\(info)\n\(body)\(f)\n"
    }

    /// A pipe table of up to `HTMLText.rowLimit` rows; numeric columns right-aligned, `|` and
    /// line breaks escaped in cells.
    static func table(_ t: Table) -> String {
        guard !t.columns.isEmpty else { return "(empty table)\n" }
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        let numeric = t.columns.indices.map { c in t.rows.allSatisfy { switch $0[c] { case .number, .none: true; default: false } } }
        var out = "| " + t.columns.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + numeric.map { $0 ? " --: |" : " --- |" }.joined() + "\n"
        for row in t.rows.prefix(HTMLText.rowLimit) {
            out += "| " + row.map { cell(TableRenderer.cell($0, width: 80)) }.joined(separator: " | ") + " |\n"
        }
        return out + (t.rows.count > HTMLText.rowLimit ? "\n… \(t.rows.count - HTMLText.rowLimit) more rows\n" : "")
    }
}
