/// A report as one self-contained HTML page: the stylesheet inline, plots as inline SVG,
/// nothing fetched from the network, so the file can be mailed or archived as it is.
struct HTMLReport {
    let report: Report

    var document: String {
        var body = "<header><h1>\(HTMLText.escape(report.script))</h1><p class=\"meta\">\(HTMLText.escape(report.summary))</p></header>\n"
        for entry in report.entries { body += section(entry) }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(report.script))</title>
            <style>\(HTMLReport.style)</style>
            </head>
            <body>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }

    private func section(_ entry: Report.Entry) -> String {
        let cell = entry.cell
        var out = "<section class=\"cell\" id=\"cell-\(cell.number)\">\n"
        let title = cell.title.isEmpty ? "" : " " + HTMLText.escape(cell.title)
        out += "<h2><span class=\"number\">\(cell.number)</span>\(title)</h2>\n"
        if !cell.prose.isEmpty { out += "<div class=\"prose\">\n" + HTMLText.markdown(cell.prose) + "</div>\n" }
        if !cell.code.isEmpty { out += "<pre class=\"code\"><code>" + CodeHighlighter.html(cell.code) + "</code></pre>\n" }
        if !entry.ran { out += "<p class=\"skipped\">not run: the run stopped in an earlier cell</p>\n" }
        for output in entry.outputs { out += html(output) }
        return out + "</section>\n"
    }

    private func html(_ output: CellOutput) -> String {
        switch output {
        case .text(let s): "<pre class=\"output\">\(HTMLText.escape(s))</pre>\n"
        case .error(let s): "<pre class=\"output error\">\(HTMLText.escape(s))</pre>\n"
        case .table(let t): "<div class=\"table\">\n" + HTMLText.table(t) + "</div>\n"
        case .plot(let p, _): "<figure class=\"plot\">\n" + PlotSVG.render(p) + "</figure>\n"
        }
    }

    static let style = """
        body { margin: 0; background: #fafafa; color: #1d1d1f; font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
        main { max-width: 860px; margin: 0 auto; padding: 24px 20px 64px; }
        header h1 { font-size: 24px; margin: 8px 0 0; font-family: ui-monospace, Menlo, Consolas, monospace; }
        .meta { color: #6e6e73; margin: 4px 0 24px; }
        .cell { background: #fff; border: 1px solid #e3e3e6; border-radius: 8px; padding: 4px 20px 16px; margin: 0 0 20px; }
        .cell h2 { font-size: 19px; margin: 14px 0 8px; }
        .cell h2 .number { color: #8e8e93; font-weight: normal; margin-right: 8px; }
        .prose p { margin: 6px 0; }
        pre { overflow-x: auto; padding: 10px 12px; border-radius: 6px; font: 13px/1.45 ui-monospace, Menlo, Consolas, monospace; }
        pre.code { background: #f5f5f7; border: 1px solid #e8e8ec; }
        pre.output { background: #fff; border-left: 3px solid #d0d0d6; }
        pre.error { border-left-color: #d62728; color: #a1161b; }
        .k { color: #a626a4; font-weight: 600; } .s { color: #2a7d2e; } .n { color: #b35c00; } .c { color: #8e8e93; font-style: italic; }
        .skipped, .more { color: #8e8e93; font-style: italic; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
        th, td { border-bottom: 1px solid #e3e3e6; padding: 4px 10px; text-align: left; }
        th { border-bottom: 2px solid #c7c7cc; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .table { overflow-x: auto; }
        figure.plot { margin: 12px 0; } figure.plot svg { width: 100%; height: auto; max-width: 720px; }
        code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 90%; }
        """
}
