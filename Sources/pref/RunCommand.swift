import ArgumentParser
import Foundation
import PrefRuntime

/// `pref run FILE [--set k=v]... [--seed N] [--cell N|TITLE] [--report out.html|out.md|out.ipynb]
/// [--out DIR | --no-record] [--cache | --no-cache] [--verbose]`: runs a script and records it in a
/// run directory (`runs/<stem>/<timestamp>-<hash>/`, docs/language.md "Runs"); with the cell cache
/// it re-runs only the cells whose code or inputs changed (docs/language.md "Cached cells").
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a .pref script (and record it under runs/).")

    @ArgumentParser.Argument(help: "The script to run.") var file: String
    @Option(name: .customLong("set"), help: "Override a param: --set beta=0.3 (repeatable).") var overrides: [String] = []
    @Option(name: .customLong("seed"), help: "Seed for every random stream.") var ownSeed: UInt64 = 0
    /// `pref`'s own `--seed` option takes `--seed` wherever it appears, also after `run`.
    @ParentCommand var root: PrefCommand
    var seed: UInt64 { ownSeed != 0 ? ownSeed : root.seed }
    @Option(help: "Run the script up to and including this cell: its number or its title (see `pref cells FILE`).") var cell: String?
    @Option(help: "Also write a report of the run, each cell with its prose, code and outputs: out.html, out.md or out.ipynb.")
    var report: String?
    @Option(help: "Record the run under this directory instead of runs/ (or $PREF_RUNS).") var out: String?
    @Flag(name: .customLong("no-record"), help: "Do not record the run (no run directory).") var noRecord = false
    /// The exact run directory: `pref sweep` names each point's directory itself.
    @Option(name: .customLong("record-to"), help: .hidden) var recordTo: String?
    @Flag(help: "Re-run only the cells whose code or inputs changed; the others are restored from the cell cache in <runs dir>/.cache (also on with PREF_CACHE=1).")
    var cache = false
    @Flag(name: .customLong("no-cache"), help: "Run every cell, even when PREF_CACHE=1 turns the cache on.") var noCache = false
    @Flag(help: "Say what the cell cache does with each cell (on the error output).") var verbose = false

    /// The cache is on with --cache, or with PREF_CACHE=1 unless --no-cache.
    var usesCache: Bool {
        if noCache { return false }
        return cache || ProcessInfo.processInfo.environment["PREF_CACHE"] == "1"
    }

    func validate() throws {
        if let report, Report.Format(path: report) == nil {
            throw ValidationError("--report '\(report)': the report's name must end in .html, .md or .ipynb")
        }
        if cache && noCache {
            throw ValidationError("--cache and --no-cache contradict each other: keep one")
        }
        if noRecord && (out != nil || recordTo != nil) {
            throw ValidationError("--no-record and --out contradict each other: keep one")
        }
    }

    func run() throws {
        let session = Session(seed: seed)
        guard cell != nil || report != nil || !noRecord || usesCache else {
            throw ExitCode(interruptibly(session) { ScriptRunner(session: session).run(path: file, overrides: overrides) })
        }
        let environment = ProcessInfo.processInfo.environment
        let recording = noRecord ? nil : RunRecording(root: out ?? RunDirectory.defaultRoot(environment: environment), directory: recordTo)
        session.runLog = recording?.log
        throw ExitCode(interruptibly(session) {
            let runsRoot = out ?? RunDirectory.defaultRoot(environment: environment)
            let cacheOptions = usesCache ? ScriptRunner.CacheOptions(store: CellCacheStore(runsRoot: runsRoot), verbose: verbose) { text in
                FileHandle.standardError.write(Data(text.utf8))
            } : nil
            let result = ScriptRunner(session: session).runNotebook(path: file, overrides: overrides, cell: cell, cache: cacheOptions)
            var status = result.status
            let settings = RunRecording.Settings(script: file, seed: seed, overrides: overrides, report: report)
            if let report, let recorder = result.recorder {
                // A failed run still gets its report: the outputs up to the error, and the error.
                do throws(Report.WriteError) {
                    try Report(recorder: recorder, status: result.status, settings: RunRecording.settingsLine(settings)).write(to: report)
                } catch {
                    FileHandle.standardError.write(Data("error: --report: \(error.message)\n".utf8))
                    status = status == ExitStatus.success ? ExitStatus.runtimeError : status
                }
            }
            guard let recording else { return status }
            do throws(RunDirectory.WriteError) {
                _ = try recording.finish(result, status: status, settings: settings, session: session)
            } catch {
                FileHandle.standardError.write(Data("error: recording the run: \(error.message)\n".utf8))
                return status == ExitStatus.success ? ExitStatus.runtimeError : status
            }
            return status
        })
    }
}
