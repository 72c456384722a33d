/// A message about a script, data file or flag, rendered the same way by the CLI, the REPL and
/// the tests (DESIGN.md §4 Diagnostics).
public struct Diagnostic: Error, Sendable {
    public enum Severity: String, Sendable {
        case error, warning, note
    }

    public var severity: Severity
    /// Lowercase, no final period.
    public var message: String
    /// Where it happened; nil for errors with no location (a core error not yet attached).
    public var file: SourceFile?
    public var range: SourceRange?
    /// Suggestions shown as `= hint: …` lines.
    public var hints: [String]
    /// Runtime call frames, innermost first: `in name at path:line:col`.
    public var trace: [String]
    /// Diagnostics about another file that explain this one (a data file's bad line behind a
    /// failed `load`), rendered after it.
    public var attached: [Diagnostic] = []
    /// The excerpt line and the caret's column in it, when they are not the file's own line
    /// (a long data line is shown as a window around the column; the header keeps the real one).
    public var excerpt: (text: String, column: Int)?

    public init(_ severity: Severity, _ message: String, file: SourceFile? = nil, range: SourceRange? = nil,
                hints: [String] = [], trace: [String] = []) {
        self.severity = severity
        self.message = message
        self.file = file
        self.range = range
        self.hints = hints
        self.trace = trace
    }

    /// The header, source excerpt with an underline, hints and trace, as plain text.
    public func rendered() -> String {
        var out = ""
        var gutter = " "
        if let file, let range {
            out += "\(file.path):\(range.start.line):\(range.start.column): "
        } else if let file {
            out += "\(file.path): "
        }
        out += "\(severity.rawValue): \(message)\n"
        if let file, let range {
            let number = String(range.start.line)
            gutter = String(repeating: " ", count: number.count)
            let text = excerpt.map { Substring($0.text) } ?? file.line(range.start.line)
            let column = excerpt?.column ?? range.start.column
            out += "\(gutter) |\n"
            out += "\(number) | \(text)\n"
            // Pad with the line's own characters (tabs stay tabs) so the caret lines up.
            let prefix = text.prefix(Swift.max(0, column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
            let available = Swift.max(1, text.count - (column - 1))
            let width = Swift.min(range.length, available)
            out += "\(gutter) | \(prefix)^\(String(repeating: "~", count: width - 1))\n"
        }
        for hint in hints { out += "\(gutter) = hint: \(hint)\n" }
        for frame in trace { out += "  \(frame)\n" }
        for d in attached { out += d.rendered() }
        return out
    }
}
