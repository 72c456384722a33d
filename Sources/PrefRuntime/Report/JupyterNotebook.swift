import Foundation

/// A report as a Jupyter notebook (nbformat 4.5): per cell a Markdown cell with the title and
/// prose, and a code cell with the source and its outputs: text as streams, tables as HTML with
/// the box-drawn text as the plain alternative, plots as SVG with the braille text. Jupyter
/// opens it to read; there is no pref kernel, so it is a record of the run, not a way to rerun.
struct JupyterNotebook {
    let report: Report

    var document: String {
        var cells = [[String: Any]]()
        var count = 0
        for entry in report.entries {
            let cell = entry.cell
            let heading = cell.title.isEmpty ? [String]() : ["## \(cell.title)"]
            let prose = heading + (cell.prose.isEmpty || heading.isEmpty ? [] : [""]) + cell.prose
            if !prose.isEmpty {
                cells.append(["cell_type": "markdown", "id": "cell-\(cell.number)-prose", "metadata": [String: Any](),
                              "source": JupyterNotebook.lines(prose.joined(separator: "\n"))])
            }
            guard !cell.code.isEmpty || !entry.outputs.isEmpty else { continue }
            if entry.ran { count += 1 }
            cells.append(["cell_type": "code", "id": "cell-\(cell.number)-code", "metadata": [String: Any](),
                          "execution_count": entry.ran ? count as Any : NSNull(),
                          "source": JupyterNotebook.lines(cell.code), "outputs": entry.outputs.map(JupyterNotebook.output)])
        }
        let notebook: [String: Any] = [
            "nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": [
                "kernelspec": ["name": "pref", "display_name": "pref", "language": "pref"],
                "language_info": ["name": "pref", "file_extension": ".pref", "mimetype": "text/x-pref"],
                "pref": ["script": report.script, "summary": report.summary],
            ],
        ]
        // Sorted keys and fixed indentation: the same run gives the same bytes.
        guard let data = try? JSONSerialization.data(withJSONObject: notebook, options: [.prettyPrinted, .sortedKeys]) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func output(_ o: CellOutput) -> [String: Any] {
        switch o {
        case .text(let s): return ["output_type": "stream", "name": "stdout", "text": lines(s)]
        case .error(let s): return ["output_type": "stream", "name": "stderr", "text": lines(s)]
        case .table(let t):
            return ["output_type": "display_data", "metadata": [String: Any](),
                    "data": ["text/html": lines(HTMLText.table(t)), "text/plain": lines(TableRenderer.render(t, width: 100, color: false))]]
        case .plot(let p, let text):
            return ["output_type": "display_data", "metadata": [String: Any](),
                    "data": ["image/svg+xml": lines(PlotSVG.render(p)), "text/plain": lines(text)]]
        }
    }

    /// Text as nbformat's list of lines, each but the last keeping its line break.
    static func lines(_ s: String) -> [String] {
        var out = [String](), current = ""
        for c in s {
            current.append(c)
            if c == "\n" {
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
