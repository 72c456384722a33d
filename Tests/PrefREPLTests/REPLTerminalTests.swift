import Foundation
import Testing
import _PrefTestSupport

/// The real `pref` binary driven through a pseudo-terminal, keystroke by keystroke: what a
/// person at a terminal does, checked by what the REPL prints. Each step polls for its expected
/// output with a timeout, so the test is fast when the machine is and patient when it is busy.
@Suite("REPL in a pseudo-terminal", .serialized)
struct REPLTerminalTests {
    static let left = "\u{1b}[D", up = "\u{1b}[A", tab = "\t"
    static let ctrlC = "\u{3}", ctrlD = "\u{4}"

    /// Starts the REPL with its history in a fresh directory (and HOME there, so no ~/.editrc).
    static func start(in directory: URL) throws -> PseudoTerminal {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path
        environment["PREF_HISTORY"] = directory.appendingPathComponent("history").path
        environment["TERM"] = "xterm"
        environment["NO_COLOR"] = "1"
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        return try PseudoTerminal(executable: TestBinaries.pref.path, environment: environment)
    }

    /// Types `keys` and expects `expected` in the output that follows.
    static func type(_ keys: String, expect expected: String, on terminal: PseudoTerminal,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        terminal.send(keys)
        let seen = terminal.waitFor(expected)
        #expect(seen, "after typing \(keys.debugDescription), expected \(expected.debugDescription); output: \(terminal.unmatchedOutput.suffix(600).debugDescription)",
                sourceLocation: sourceLocation)
    }

    /// Sends Ctrl-C until the "interrupted here" note appears (a ^C that lands before the entry
    /// runs is taken by the terminal); the milliseconds from the last ^C to the note, or nil.
    static func interrupt(_ terminal: PseudoTerminal) -> Double? {
        for _ in 0..<20 {
            let start = Date()
            terminal.send(ctrlC)
            if terminal.waitFor("interrupted here", timeout: 1) { return Date().timeIntervalSince(start) * 1000 }
        }
        return nil
    }

    @Test func aSessionAtTheTerminal() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pref-repl-pty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let t = try Self.start(in: directory)
        #expect(t.waitFor("pref> ", timeout: 20), "no prompt: \(t.output)")
        let type = { (keys: String, expected: String) in Self.type(keys, expect: expected, on: t) }

        // Typing and evaluating; Left-arrow editing in the middle of a line.
        type("20 + 22\r", "42\n")
        type("print(\"hello wrld\")" + String(repeating: Self.left, count: 5) + "o\r", "hello world\n")
        // Up recalls the last entry; with text before the cursor, Up finds the newest entry
        // starting with it, skipping newer ones that do not.
        type("print(4000 + 4)\r", "4004\n")
        type(Self.up + "\r", "4004\n")
        type("let unique_name_xyz = 5\r", "pref> ")
        type("print(40" + Self.up + "\r", "4004\n")

        // Tab completes a name, a record member and a keyword argument.
        type("unique_na" + Self.tab + " * 2\r", "10\n")
        type("let rec = {alpha_field: 31, beta: 2}\r", "pref> ")
        type("rec.alp" + Self.tab + "\r", "31\n")
        type("fn scale(x, factor: 2) { x * factor }\r", "pref> ")
        type("scale(5, fac" + Self.tab + "3)\r", "15\n")

        // A multi-line definition with continuation prompts.
        type("fn tri(n) {\r", "  ... ")
        type("n * 3\r", "  ... ")
        type("}\r", "pref> ")
        type("tri(111)\r", "333\n")

        // A bracketed paste of five lines with a tab inside runs as one input; its tab is text.
        let block = "let pa = 100\rfn pf(x) {\r\treturn x + pa\r}\rpf(23)"
        type("\u{1b}[200~" + block + "\u{1b}[201~", "123\n")

        // UTF-8 survives editing (libedit drops it without setlocale).
        type("len(\"héllo λ\")\r", "7\n")
        #expect(t.output.contains("\"héllo λ\""))

        // Ctrl-C stops a running loop and keeps every binding. The loop must be running: a ^C
        // typed while the terminal is still in line mode also discards the typed-ahead line (as
        // any terminal does), so the entry announces itself first.
        type("print(\"loop started\"); while true {}\r", "loop started\n")
        #expect(Self.interrupt(t) != nil, "Ctrl-C did not stop the loop: \(t.output.suffix(600).debugDescription)")
        type("unique_name_xyz * 1001\r", "5005\n")

        // Ctrl-C during one long matmul (seconds of BLAS work) stops it between BLAS calls.
        type("let big = ones([6000, 6000])\r", "pref> ")
        type("print(\"matmul started\"); let product = big @ big\r", "matmul started\n")
        let matmulStoppedInMilliseconds = Self.interrupt(t)
        #expect(matmulStoppedInMilliseconds != nil, "Ctrl-C did not stop the matmul: \(t.output.suffix(600).debugDescription)")
        print("REPL: Ctrl-C during a 6000³ matmul returned in \(matmulStoppedInMilliseconds.map { String(format: "%.0f", $0) } ?? "-") ms")
        type("product\r", "error:")  // the result was never bound
        type("unique_name_xyz * 1002\r", "5010\n")

        // Ctrl-D on an empty line exits 0 and writes the history file.
        // The editor must be reading (raw mode) for ^D to reach it: a ^D typed while the
        // terminal is still in line mode (the prompt is drawn just before raw mode is set) is
        // taken by the terminal. Ctrl-L makes libedit redraw the prompt, which proves it reads.
        #expect(t.waitFor("pref> "))
        t.send("\u{c}")
        #expect(t.waitFor("pref> "))
        t.send(Self.ctrlD)
        let status = t.waitForExit(timeout: 10)
        #expect(status == 0, "no exit after Ctrl-D: \(t.unmatchedOutput.suffix(600).debugDescription)")
        let history = try String(contentsOf: directory.appendingPathComponent("history"), encoding: .utf8)
        #expect(history.hasPrefix("_HiStOrY_V2_"))
        #expect(history.contains("tri(111)"))
    }
}
