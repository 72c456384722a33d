import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// Reports of a run: what each format holds, and that each is written whole or not at all.
@Suite("notebook: reports") struct ReportTests {
    static let script = """
        # %% Setup <1>
        # The *first* cell, with `code` and a [link](https://example.org).
        let rows = [{name: "a<b", loss: 0.5}, {name: "c", loss: 0.25}]
        print("x < y & z")
        # %% Plots
        rows
        plot(rows, x: "name", y: "loss", kind: "bar", title: "losses <bar>")

        """

    func report(_ source: String = ReportTests.script) throws -> Report {
        let session = Session(output: { _ in }, errorOutput: { _ in })
        let result = ScriptRunner(session: session).runNotebook(source: source, path: "r.pref")
        return Report(recorder: try #require(result.recorder), status: result.status)
    }

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pref-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func formatsFollowTheExtension() {
        #expect(Report.Format(path: "a/b.html") == .html)
        #expect(Report.Format(path: "b.MD") == .markdown)
        #expect(Report.Format(path: "b.ipynb") == .notebook)
        #expect(Report.Format(path: "b.pdf") == nil)
    }

    @Test func htmlIsSelfContainedWithProseHighlightedCodeTablesAndInlineSVG() throws {
        let html = HTMLReport(report: try report()).document
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for outside in ["<script", "<link", " src=", "url("] { #expect(!html.contains(outside), "\(outside)") }
        #expect(html.contains("<h2><span class=\"number\">1</span> Setup &lt;1&gt;</h2>"))
        #expect(html.contains("<p>The <em>first</em> cell, with <code>code</code> and a <a href=\"https://example.org\">link</a>.</p>"))
        #expect(html.contains("<span class=\"k\">let</span> rows"))
        #expect(html.contains("<span class=\"s\">&quot;x &lt; y &amp; z&quot;</span>"))
        #expect(html.contains("<pre class=\"output\">x &lt; y &amp; z\n</pre>"))
        #expect(html.contains("<th>name</th><th class=\"num\">loss</th>"))
        #expect(html.contains("<td>a&lt;b</td><td class=\"num\">0.5</td>"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") && html.contains(">losses &lt;bar&gt;</text>"))
    }

    @Test func markdownWritesItsPlotsBesideIt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("out.md").path
        try report().write(to: path)
        let md = try String(contentsOfFile: path, encoding: .utf8)
        #expect(md.contains("## 1 Setup <1>\n\nThe *first* cell"))
        #expect(md.contains("```pref\nlet rows ="))
        #expect(md.contains("| name | loss |\n| --- | --: |\n| a<b | 0.5 |"))
        #expect(md.contains("![losses <bar>](out-1.svg)"))
        let svg = try String(contentsOfFile: dir.appendingPathComponent("out-1.svg").path, encoding: .utf8)
        #expect(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>\n"))
        // Nothing is left behind but the report and its image.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["out-1.svg", "out.md"])
    }

    @Test func notebooksAreNbformat4WithOutputs() throws {
        let json = JupyterNotebook(report: try report()).document
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(root["nbformat"] as? Int == 4 && root["nbformat_minor"] as? Int == 5)
        let cells = try #require(root["cells"] as? [[String: Any]])
        #expect(cells.map { $0["cell_type"] as? String } == ["markdown", "code", "markdown", "code"])
        #expect(cells.map { $0["id"] as? String } == ["cell-1-prose", "cell-1-code", "cell-2-prose", "cell-2-code"])
        #expect(cells[1]["source"] as? [String] == ["let rows = [{name: \"a<b\", loss: 0.5}, {name: \"c\", loss: 0.25}]\n", "print(\"x < y & z\")"])
        let outputs = try #require(cells[3]["outputs"] as? [[String: Any]])
        let data = outputs.compactMap { $0["data"] as? [String: Any] }
        #expect(data.map { $0.keys.sorted() } == [["text/html", "text/plain"], ["image/svg+xml", "text/plain"]])
        #expect((cells[1]["outputs"] as? [[String: Any]])?.first?["name"] as? String == "stdout")
    }

    @Test func aReportThatCannotBeWrittenLeavesTheOldOneWhole() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: Report.WriteError.self) { try self.report().write(to: dir.appendingPathComponent("missing/out.html").path) }
        #expect(throws: Report.WriteError.self) { try self.report().write(to: dir.appendingPathComponent("out.pdf").path) }
        let path = dir.appendingPathComponent("out.html").path
        try report().write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("Setup"))
    }

    @Test func longTablesAreCutAndTheSettingsAreShown() throws {
        let session = Session(output: { _ in }, errorOutput: { _ in })
        let result = ScriptRunner(session: session).runNotebook(source: "table([{i: i} for i in 0..<1005])\n", path: "long.pref")
        let report = Report(recorder: try #require(result.recorder), status: result.status, settings: "--seed 3")
        let html = HTMLReport(report: report).document
        #expect(html.contains("<td class=\"num\">999</td>") && !html.contains("<td class=\"num\">1000</td>"))
        #expect(html.contains("<p class=\"more\">… 5 more rows</p>"))
        #expect(html.contains("pref \(PrefVersion.string) · --seed 3 · ran to the end"))
        let md = MarkdownReport(report: report, imagePrefix: "long").document
        #expect(md.contains("| 999 |\n\n… 5 more rows\n"))
    }

    @Test func theHighlighterFollowsTheLexer() {
        #expect(CodeHighlighter.html("let s = \"# not a comment\" # a comment") ==
                "<span class=\"k\">let</span> s = <span class=\"s\">&quot;# not a comment&quot;</span> <span class=\"c\"># a comment</span>")
        #expect(CodeHighlighter.html("x = 1.5e3\n\nfn f() {}") == "x = <span class=\"n\">1.5e3</span>\n\n<span class=\"k\">fn</span> f() {}")
    }
}
