import Foundation

/// A run of a script as a document: each cell with its prose, code and outputs, written as
/// self-contained HTML, Markdown with SVG files beside it, or a Jupyter notebook
/// (`pref run FILE --report out.html|out.md|out.ipynb`). The script stays the source; the
/// report is an output kept beside it.
public struct Report {
    public enum Format: String, CaseIterable, Sendable {
        case html, markdown, notebook

        /// The format a report path asks for by its extension, or nil.
        public init?(path: String) {
            switch (path as NSString).pathExtension.lowercased() {
            case "html", "htm": self = .html
            case "md", "markdown": self = .markdown
            case "ipynb": self = .notebook
            default: return nil
            }
        }
    }

    /// One cell as the report shows it.
    struct Entry {
        var cell: Notebook.Cell
        var outputs: [CellOutput]
        /// False for cells after the one where a failed run stopped.
        var ran: Bool
    }

    /// Why a report could not be written (the run's own outputs are not affected).
    public struct WriteError: Error, Sendable {
        public var message: String
    }

    let entries: [Entry]
    /// The script's path as given, shown as the report's title.
    let script: String
    let status: Int32
    /// What the run was given that changes its results (`--seed 0 --set quick=true`), shown
    /// under the title so a reader can reproduce it.
    let settings: String

    /// The cells the run covered: all of them, or up to the one `--cell` named.
    public init(recorder: NotebookRecorder, status: Int32, settings: String = "") {
        let cells = recorder.notebook.cells
        let count = recorder.lastCell.map { min($0 + 1, cells.count) } ?? cells.count
        entries = (0..<count).map { i in
            // A run that ended well ran every cell it covered, even one without statements.
            Entry(cell: cells[i], outputs: recorder.outputs[i], ran: status == ExitStatus.success || recorder.reached.map { i <= $0 } ?? false)
        }
        script = recorder.notebook.path
        self.status = status
        self.settings = settings
    }

    /// A line under the title: the pref version and how the run ended.
    var summary: String {
        let ending = status == ExitStatus.success ? "ran to the end" : "stopped with exit status \(status)"
        return (["pref \(PrefVersion.string)"] + (settings.isEmpty ? [] : [settings]) + [ending]).joined(separator: " · ")
    }

    /// Writes the report for `path`'s extension. Every file is written to a temporary name and
    /// renamed, so a failure never leaves a half-written report over a good one.
    public func write(to path: String) throws(WriteError) {
        guard let format = Format(path: path) else {
            throw WriteError(message: "cannot tell the report format of '\(path)': use .html, .md or .ipynb")
        }
        switch format {
        case .html:
            try Report.save(HTMLReport(report: self).document, to: path)
        case .notebook:
            try Report.save(JupyterNotebook(report: self).document, to: path)
        case .markdown:
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let markdown = MarkdownReport(report: self, imagePrefix: stem)
            let directory = (path as NSString).deletingLastPathComponent
            for (name, svg) in markdown.images {
                try Report.save(svg, to: directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name))
            }
            try Report.save(markdown.document, to: path)
        }
    }

    static func save(_ text: String, to path: String) throws(WriteError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw WriteError(message: "cannot write '\(path)': \(error.localizedDescription)")
        }
    }
}
