import PrefLanguage

/// A script seen as a notebook: its `# %%` cells in order, each with its title, prose and code.
/// The parser finds the markers (`Program.cells`); this type cuts the source into cells so that
/// `pref cells`, `pref run --cell`, reports and run directories agree on what a cell is.
///
/// Cells are numbered from 1 in the order of their markers, so a cell keeps its number when code
/// is added above the first marker. Code before the first marker is cell 0, untitled; it exists
/// only when it holds a statement (a file without markers is one cell 0).
public struct Notebook: Sendable {
    public struct Cell: Sendable, Equatable {
        public var number: Int
        public var title: String
        /// The Markdown prose: the comment lines right under the marker, without their `# `.
        public var prose: [String]
        /// The lines the cell covers, 1-based and inclusive: from its marker (or line 1) to the
        /// line before the next marker (or the end of the file).
        public var lines: ClosedRange<Int>
        /// The cell's code: its lines after the marker and prose, without leading or trailing
        /// blank lines.
        public var code: String
    }

    public let path: String
    public let cells: [Cell]

    public init(program: Program) {
        path = program.file.path
        var lines = program.file.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.count > 1, lines.last == "" { lines.removeLast() }  // the final line break ends a line
        let lineCount = max(lines.count, 1)
        var cells = [Cell]()
        let firstMarker = program.cells.first?.line ?? lineCount + 1
        if firstMarker > 1, program.statements.contains(where: { $0.range.start.line < firstMarker }) {
            cells.append(Cell(number: 0, title: "", prose: [], lines: 1...(firstMarker - 1),
                              code: Notebook.code(lines, from: 1, through: firstMarker - 1)))
        }
        for (i, marker) in program.cells.enumerated() {
            let end = i + 1 < program.cells.count ? program.cells[i + 1].line - 1 : lineCount
            let codeStart = marker.line + 1 + marker.prose.count
            cells.append(Cell(number: i + 1, title: marker.title, prose: marker.prose, lines: marker.line...max(end, marker.line),
                              code: Notebook.code(lines, from: codeStart, through: end)))
        }
        self.cells = cells
    }

    /// Lines `from...through` (1-based) joined, without blank lines at either end.
    private static func code(_ lines: [String], from: Int, through: Int) -> String {
        guard from <= through, from >= 1 else { return "" }
        var slice = lines[(from - 1)..<min(through, lines.count)]
        while let first = slice.first, first.allSatisfy(\.isWhitespace) { slice = slice.dropFirst() }
        while let last = slice.last, last.allSatisfy(\.isWhitespace) { slice = slice.dropLast() }
        return slice.joined(separator: "\n")
    }

    /// The index in `cells` of the cell that holds `line` (the last cell whose lines start at or
    /// before it), or nil before the first cell.
    public func cellIndex(containing line: Int) -> Int? {
        cells.lastIndex { $0.lines.lowerBound <= line }
    }

    /// Why `--cell` names no cell; the CLI shows it as a usage error.
    public struct SelectionError: Error, Sendable {
        public var message: String
        public var hint: String?
    }

    /// The index in `cells` of the cell `--cell` names: a number, else an exact title. A title
    /// used by several cells is ambiguous, so the number must be used.
    public func index(of selector: String) throws(SelectionError) -> Int {
        if let n = Int(selector) {
            if let i = cells.firstIndex(where: { $0.number == n }) { return i }
            let numbers = cells.map { "\($0.number)" }.joined(separator: ", ")
            throw SelectionError(message: "\(path) has no cell \(n)",
                                 hint: cells.isEmpty ? "the script has no code" : "its cells are \(numbers) (see pref cells \(path))")
        }
        let matches = cells.indices.filter { cells[$0].title == selector }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            let numbers = matches.map { "\(cells[$0].number)" }.joined(separator: ", ")
            throw SelectionError(message: "several cells of \(path) are titled \(Value.quote(selector))", hint: "name one by its number: \(numbers)")
        }
        let titles = cells.map(\.title).filter { !$0.isEmpty }
        let suggestion = Suggestion.closest(to: selector, in: titles).map { "did you mean \(Value.quote($0))? " } ?? ""
        throw SelectionError(message: "\(path) has no cell titled \(Value.quote(selector))",
                             hint: suggestion + "(see pref cells \(path))")
    }

    /// `pref cells FILE`: one line per cell, its number, title and line range.
    public var listing: String {
        let width = cells.map { "\($0.number)".count }.max() ?? 1
        return cells.map { c in
            let number = String(repeating: " ", count: width - "\(c.number)".count) + "\(c.number)"
            let title = c.title.isEmpty ? (c.number == 0 ? "(before the first cell)" : "(untitled)") : c.title
            return "\(number)  \(title)  lines \(c.lines.lowerBound)-\(c.lines.upperBound)\n"
        }.joined()
    }
}
