import Foundation
import Testing
import _PrefTestSupport

/// The `pref` binary end to end: subcommands, exit codes, and the OpenBLAS core it ends up with.
@Suite("pref command line") struct CommandLineTests {
    /// The built `pref` (see `TestBinaries`).
    static var binary: URL { TestBinaries.pref }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary. `pref run` records every run: each call's runs go to a scratch
    /// directory of its own (not runs/ in the checkout, nor a shared folder that grows), removed
    /// when the call returns.
    func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> Result {
        try ScratchDirectory.with("pref-test-runs") { runs in try run(arguments, environment: environment, stdin: stdin, runs: runs) }
    }

    private func run(_ arguments: [String], environment: [String: String], stdin: String?, runs: String) throws -> Result {
        let p = Process()
        p.executableURL = CommandLineTests.binary
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["PREF_RUNS"] = runs
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try p.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func ctrlCStopsARunWhereItIsAndExits130() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pref-sigint-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("spin.pref")
        try "print(\"started\")\nvar i = 0\nwhile true { i += 1 }\n".write(to: script, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = CommandLineTests.binary
        p.arguments = ["run", script.path, "--no-record"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Output to a pipe is buffered, so there is no signal that the loop runs: give it a
        // second to start, then interrupt it.
        Thread.sleep(forTimeInterval: 1)
        kill(p.processIdentifier, SIGINT)
        // If the interrupt were ignored the reads below would wait forever: end it after 20 s.
        let pid = p.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 20) { if p.isRunning { kill(pid, SIGKILL) } }
        let e = err.fileHandleForReading.readDataToEndOfFile()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(String(decoding: o, as: UTF8.self) == "started\n")
        #expect(p.terminationStatus == 130)
        let stderr = String(decoding: e, as: UTF8.self)
        #expect(stderr.contains("spin.pref:3:7: note: interrupted here"), "\(stderr)")
    }

    @Test func envReportsAGoodBLASCoreEvenWithoutTheVariable() throws {
        // Without OPENBLAS_CORETYPE, pref must end up on a non-generic core by itself
        // (re-executing when OpenBLAS misdetected the CPU).
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "OPENBLAS_CORETYPE")
        let p = Process()
        p.executableURL = CommandLineTests.binary
        p.arguments = ["env"]
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(text.hasPrefix("pref        "))
        #expect(text.contains("blas core   "))
        #expect(!text.contains("warning"), "\(text)")
        #expect(!text.contains("blas core   Prescott"))
    }

    @Test func versionAndHelp() throws {
        let v = try run(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
        let h = try run(["--help"])
        #expect(h.stdout.contains("env") && h.stdout.contains("demo"))
    }

    @Test func usageErrorsExitWith64AndSayWhy() throws {
        let r = try run(["demo", "--pairs", "3"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--pairs must be between 10 and 10000000"))
        let unknown = try run(["frobnicate"])
        #expect(unknown.status == 64)
        let notANumber = try run(["demo", "--epochs", "many"])
        #expect(notANumber.status == 64)
        #expect(notANumber.stderr.contains("epochs"))
    }

    @Test func checkTypeChecksSetValuesWithoutRunning() throws {
        let path = NSTemporaryDirectory() + "pref-check-set-\(UInt32.random(in: 0...UInt32.max)).pref"
        try "param beta = 0.1\nprint(beta)\nerror(\"never runs\")\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ok = try run(["check", path, "--set", "beta=0.5"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.isEmpty)
        let unknown = try run(["check", path, "--set", "gamma=1"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--set gamma: the script has no param 'gamma'"))
        #expect(unknown.stderr.contains("its params are beta"))
        let wrong = try run(["check", path, "--set", "beta=[1]"])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains(":1:1: error: --set beta: expected a number like the default 0.1, got list [1]"))
    }

    @Test func demoPrintsTheLossFalling() throws {
        let r = try run(["demo", "--pairs", "600", "--dim", "4", "--epochs", "3", "--seed", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        let losses = r.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch") }.compactMap { line -> Double? in
            guard let range = line.range(of: #"loss (\d+\.\d+)"#, options: .regularExpression) else { return nil }
            return Double(line[range].dropFirst(5))
        }
        #expect(losses.count == 3)
        #expect(losses[2] < losses[0])
        #expect(r.stdout.contains("held-out accuracy"))
    }

    @Test func cellsListsAndRunStopsAfterTheNamedCell() throws {
        let dir = NSTemporaryDirectory() + "pref-cells-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/nb.pref"
        try "# %% One\n# Prose.\nprint(1)\n# %% Two\nprint(2)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let cells = try run(["cells", path])
        #expect(cells.status == 0, "\(cells.stderr)")
        #expect(cells.stdout == "1  One  lines 1-3\n2  Two  lines 4-5\n")
        let first = try run(["run", path, "--cell", "One"])
        #expect(first.status == 0 && first.stdout == "1\n", "\(first.stderr)")
        #expect(try run(["run", path, "--cell", "2"]).stdout == "1\n2\n")
        let unknown = try run(["run", path, "--cell", "Three"])
        #expect(unknown.status == 64 && unknown.stdout.isEmpty)
        #expect(unknown.stderr.contains("error: --cell Three: \(path) has no cell titled \"Three\""), "\(unknown.stderr)")
        #expect(try run(["cells", dir + "/missing.pref"]).status == 66)
    }

    @Test func runWritesAReportAndRejectsUnknownFormats() throws {
        let dir = NSTemporaryDirectory() + "pref-report-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/nb.pref"
        try "# %% Only\nprint(\"hi\")\nplot([1, 3, 2])\n".write(toFile: path, atomically: true, encoding: .utf8)
        let plain = try run(["run", path])
        let html = try run(["run", path, "--report", dir + "/out.html"])
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout == plain.stdout)
        let page = try String(contentsOfFile: dir + "/out.html", encoding: .utf8)
        #expect(page.contains("<pre class=\"output\">hi\n</pre>") && page.contains("<polyline"))
        let bad = try run(["run", path, "--report", dir + "/out.pdf"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--report '\(dir)/out.pdf': the report's name must end in .html, .md or .ipynb"), "\(bad.stderr)")
        let unwritable = try run(["run", path, "--report", dir + "/no/such/dir/out.md"])
        #expect(unwritable.status == 70)
        #expect(unwritable.stderr.contains("error: --report: cannot write"), "\(unwritable.stderr)")
    }
}
