import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// Scripts as notebooks: how a script is cut into cells, what each cell records while it runs,
/// and where `--cell` stops.
@Suite("notebook: cells and recording") struct NotebookTests {
    static let script = """
        let a = 1
        # %% Data
        # Prose *here*.
        #
        # More prose.
        let rows = [{x: 1, y: 2}, {x: 2, y: 4}]
        fn twice(v) { v * 2 }

        # %% Show
        print("a is", a)
        rows
        plot(rows, x: "x", y: "y")
        twice(a)
        # %% Later
        print("later")

        """

    func notebook(_ source: String) throws -> Notebook {
        Notebook(program: try Session(output: { _ in }, errorOutput: { _ in }).parseProgram(SourceFile(path: "nb.pref", text: source)))
    }

    /// Runs `source` as `pref run --cell` would, returning the terminal text and the recording.
    func record(_ source: String, cell: String? = nil) -> (status: Int32, terminal: String, errors: String, recorder: NotebookRecorder?) {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let result = ScriptRunner(session: session).runNotebook(source: source, path: "nb.pref", cell: cell)
        return (result.status, out, err, result.recorder)
    }

    @Test func cellsAreCutAtTheMarkers() throws {
        let nb = try notebook(NotebookTests.script)
        #expect(nb.cells.map(\.number) == [0, 1, 2, 3])
        #expect(nb.cells.map(\.title) == ["", "Data", "Show", "Later"])
        #expect(nb.cells.map(\.lines) == [1...1, 2...8, 9...13, 14...15])
        #expect(nb.cells[1].prose == ["Prose *here*.", "", "More prose."])
        #expect(nb.cells[1].code == "let rows = [{x: 1, y: 2}, {x: 2, y: 4}]\nfn twice(v) { v * 2 }")
        #expect(nb.cells[0].code == "let a = 1")
        #expect(nb.listing.hasPrefix("0  (before the first cell)  lines 1-1\n1  Data  lines 2-8\n"))
    }

    @Test func aFileWithoutMarkersIsOneCellAndCommentsAloneMakeNoCell() throws {
        #expect(try notebook("print(1)\n").cells.map(\.number) == [0])
        let nb = try notebook("# just a comment\n# %% First\nprint(1)\n")
        #expect(nb.cells.map(\.number) == [1])
        #expect(nb.cells[0].prose.isEmpty && nb.cells[0].code == "print(1)")
    }

    @Test func cellsAreChosenByNumberOrTitle() throws {
        let nb = try notebook(NotebookTests.script + "# %% Show\n")
        #expect(try nb.index(of: "2") == 2)
        #expect(try nb.index(of: "Later") == 3)
        #expect(throws: Notebook.SelectionError.self) { try nb.index(of: "Show") }
        do {
            _ = try nb.index(of: "Latr")
            Issue.record("no error")
        } catch {
            #expect(error.message == "nb.pref has no cell titled \"Latr\"")
            #expect(error.hint == "did you mean \"Later\"? (see pref cells nb.pref)")
        }
        do {
            _ = try nb.index(of: "9")
            Issue.record("no error")
        } catch {
            #expect(error.hint == "its cells are 0, 1, 2, 3, 4 (see pref cells nb.pref)")
        }
    }

    @Test func eachCellRecordsItsOutputsAndTheTerminalSeesTheSameAsWithoutARecording() throws {
        let run = record(NotebookTests.script)
        #expect(run.status == ExitStatus.success)
        var plain = ""
        _ = ScriptRunner(session: Session(output: { plain += $0 }, errorOutput: { _ in })).run(source: NotebookTests.script, path: "nb.pref")
        #expect(run.terminal == plain)
        let outputs = try #require(run.recorder).outputs
        #expect(outputs[0].isEmpty && outputs[1].isEmpty)
        #expect(outputs[2].count == 4)
        guard case .text("a is 1\n") = outputs[2][0], case .table(let t) = outputs[2][1], case .plot(let p, let text) = outputs[2][2],
              case .text("2\n") = outputs[2][3] else {
            Issue.record("unexpected outputs \(outputs[2])")
            return
        }
        #expect(t.columns == ["x", "y"] && p.series.first?.ys == [2, 4] && text.contains("⠉") == plain.contains("⠉"))
        guard case .text("later\n") = outputs[3].first else { Issue.record("cell 3: \(outputs[3])"); return }
    }

    @Test func runningUpToACellStopsBeforeTheNext() throws {
        let run = record(NotebookTests.script, cell: "Show")
        #expect(run.status == ExitStatus.success)
        #expect(run.terminal.hasPrefix("a is 1\n") && run.terminal.hasSuffix("2\n") && !run.terminal.contains("later"))
        #expect(try #require(run.recorder).reached == 2)
    }

    @Test func anUnknownCellIsAUsageErrorAndRunsNothing() {
        let run = record(NotebookTests.script, cell: "Nope")
        #expect(run.status == ExitStatus.usage)
        #expect(run.terminal.isEmpty && run.recorder == nil)
        #expect(run.errors.contains("error: --cell Nope: nb.pref has no cell titled \"Nope\""))
    }

    @Test func aFailingCellKeepsTheErrorAndTheOutputsBeforeIt() throws {
        let run = record("# %% One\nprint(1)\n# %% Two\nprint(2)\nlet x = [1][5]\n# %% Three\nprint(3)\n")
        #expect(run.status == ExitStatus.runtimeError)
        let r = try #require(run.recorder)
        #expect(r.reached == 1)
        guard case .text("2\n") = r.outputs[1].first, case .error(let e) = r.outputs[1].last else { Issue.record("\(r.outputs[1])"); return }
        #expect(e.contains("nb.pref:5:"))
        #expect(r.outputs[2].isEmpty)
        let report = Report(recorder: r, status: run.status)
        #expect(report.entries.map(\.ran) == [true, true, false])
    }

    @Test func showAndPrintOfATableOrPlotRecordTheValue() throws {
        let run = record("# %% A\nshow([{a: 1}])\nprint(table([{a: 2}]))\nprint([{a: 3}])\nprint(\"x\", table([{a: 4}]))\n")
        let outputs = try #require(run.recorder).outputs[0]
        #expect(outputs.count == 3)
        guard case .table = outputs[0], case .table = outputs[1], case .text(let rest) = outputs[2] else { Issue.record("\(outputs)"); return }
        #expect(rest.hasPrefix("[{a: 3}]\nx "))
    }
}
