import Foundation
import PrefRuntime
import Testing
@testable import PrefREPL

/// Entries handled as the REPL does at the terminal, with the output captured.
@Suite("REPL entries")
struct REPLTests {
    /// A REPL whose standard output and error are collected.
    final class Transcript: @unchecked Sendable {
        var out = ""
        var err = ""
        lazy var repl = REPL(makeSession: { [unowned self] seed in
            Session(seed: seed, output: { self.out += $0 }, errorOutput: { self.err += $0 })
        }, write: { [unowned self] in self.out += $0 }, writeError: { [unowned self] in self.err += $0 }, width: { 60 })

        /// Handles the entries and returns what they wrote to stdout, clearing both outputs.
        @discardableResult
        func run(_ entries: String...) -> String {
            for e in entries { repl.handle(e) }
            defer { out = "" }
            return out
        }
    }

    @Test func resultsAreEchoedAndUnderscoreHoldsTheLast() {
        let t = Transcript()
        #expect(t.run("1 + 2") == "3\n")
        #expect(t.run("let x = 4") == "")
        #expect(t.run("print(\"hi\")") == "hi\n")
        #expect(t.run("_ * 10") == "30\n")
        #expect(t.run("\"s\"") == "\"s\"\n")
    }

    @Test func errorsPointIntoTheEntryAndTheSessionContinues() {
        let t = Transcript()
        t.run("let a = 1", "a +* 2")
        #expect(t.err.hasPrefix("<repl:2>:1:4: error: "), "\(t.err)")
        t.err = ""
        t.run("undefined_name + 1")
        #expect(t.err.hasPrefix("<repl:3>:1:1: error: "), "\(t.err)")
        #expect(t.run("a + 1") == "2\n")
    }

    @Test func functionsCanBeRedefined() {
        let t = Transcript()
        t.run("fn f(x) { x }", "fn f(x) { x * 2 }")
        #expect(t.run("f(4)") == "8\n")
        #expect(t.err.isEmpty)
    }

    @Test func typeAndTime() {
        let t = Transcript()
        #expect(t.run(":type [1, 2]") == "list (2 items)\n")
        #expect(t.run(":type 1.5") == "number\n")
        let timed = t.run(":time 6 * 7")
        #expect(timed.hasPrefix("42\ntime: "))
    }

    @Test func varsListsTheSessionsBindings() {
        let t = Transcript()
        t.run("let n = 3", "let name = \"a long string that goes on and on and on and on and on and on\"")
        let vars = t.run(":vars")
        #expect(vars.hasPrefix("n     number  3\nname  string  \"a long"))
        #expect(vars.split(separator: "\n").allSatisfy { $0.count <= 60 })
        #expect(vars.contains("…"))
    }

    @Test func seedAndReset() {
        let t = Transcript()
        #expect(t.run(":seed 7") == "seed 7\n")
        t.run("let kept = 1", ":reset")
        #expect(t.repl.session.seed == 7)
        t.run("kept")
        #expect(t.err.contains("kept"))
    }

    @Test func helpForBuiltinsUserFunctionsAndTheStdlib() {
        let t = Transcript()
        #expect(t.run("?sum").hasPrefix("sum("))
        t.run("""
            # Adds one.
            # Works on numbers.
            fn inc(x, by: 1) {
              x + by
            }
            """)
        #expect(t.run("?inc") == "inc(x, by: 1)    (defined in this session)\n\nAdds one.\nWorks on numbers.\n")
        #expect(t.run("?map").hasPrefix("map(xs, f)    (Stdlib)\n\nApplies f"))
        #expect(t.run(":help").contains(":save file"))
        #expect(t.run("?no_such_thing_here").hasPrefix("no documentation for 'no_such_thing_here'"))
    }

    @Test func docShowsStdlibAndUserSource() {
        let t = Transcript()
        #expect(t.run(":doc reduce") == """
            # Folds the elements from the left: reduce([1, 2, 3], fn(a, b) a + b, 0) is 6.
            fn reduce(xs, f, initial) {
              var acc = initial
              for x in xs { acc = f(acc, x) }
              acc
            }

            """)
        t.run("fn g(x) {\n  x\n}\nlet after = 1")
        #expect(t.run(":doc g") == "fn g(x) {\n  x\n}\n")
    }

    @Test func saveWritesOneCellPerSuccessfulInput() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pref-save-\(UUID().uuidString).pref").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = Transcript()
        t.run("let a = 1", "a +* 1", "fn f(x) {\n  x + a\n}", ":vars", "f(1)")
        #expect(t.run(":save \(path)") == "saved 3 inputs to \(path)\n")
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved == "# %%\nlet a = 1\n\n# %%\nfn f(x) {\n  x + a\n}\n\n# %%\nf(1)\n")
        // The saved script runs as it did in the session.
        let u = Transcript()
        #expect(u.run(":load \(path)") == "2\n")
        #expect(u.err.isEmpty)
    }

    @Test func aSessionPreparedInTheBackgroundIsWaitedFor() {
        final class Sink: @unchecked Sendable { var text = "" }
        let sink = Sink()
        let repl = REPL(makeSession: { Session(seed: $0, output: { sink.text += $0 }) }, preparesInBackground: true,
                        write: { sink.text += $0 }, writeError: { sink.text += $0 })
        repl.handle("print(6 * 7)")
        #expect(sink.text == "42\n")
    }

    @Test func quitEndsAndMistakesAreReported() {
        let t = Transcript()
        #expect(t.repl.handle(":quit") == false)
        #expect(t.repl.handle(":nope") == true)
        #expect(t.err.hasPrefix("error: unknown command :nope"))
    }
}
