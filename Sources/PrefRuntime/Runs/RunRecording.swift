import Foundation
import PrefLanguage

/// One `pref run` being recorded: it hands the session a `RunLog` before the run and writes the
/// run directory after it, whatever the exit status (a failed or interrupted run is recorded
/// too, with its status). Recording only adds files: what the run prints is unchanged.
public final class RunRecording {
    public let log = RunLog()
    /// The runs root (`--out`, default `runs`); the run gets its own directory under it.
    let root: String
    /// An exact directory for the run instead (sweeps name each point's directory themselves).
    let directory: String?
    let start = Date()

    public init(root: String, directory: String? = nil) {
        self.root = root
        self.directory = directory
    }

    /// What the run was given, for the manifest and the report.
    public struct Settings {
        public var script: String
        public var seed: UInt64
        public var overrides: [String]
        /// The `--report` path, whose format the run directory's copy of the report takes.
        public var report: String?

        public init(script: String, seed: UInt64, overrides: [String], report: String?) {
            self.script = script
            self.seed = seed
            self.overrides = overrides
            self.report = report
        }
    }

    /// Writes the run directory and returns its path. Nothing is recorded when the script
    /// could not be read (there is no code to record).
    public func finish(_ result: ScriptRunner.NotebookResult, status: Int32, settings: Settings,
                       session: Session) throws(RunDirectory.WriteError) -> String? {
        guard let text = FileManager.default.contents(atPath: settings.script) else { return nil }
        let scriptHash = SHA256.hex(text)
        let path: String
        if let directory {
            try RunDirectory.create(directory)
            path = directory
        } else {
            path = try RunDirectory.make(root: root, script: settings.script, scriptSHA256: scriptHash, start: start)
        }
        var reportName: String?
        if let report = settings.report, let recorder = result.recorder, let format = Report.Format(path: report) {
            let name = "report." + (format == .html ? "html" : format == .markdown ? "md" : "ipynb")
            do throws(Report.WriteError) {
                try Report(recorder: recorder, status: status, settings: RunRecording.settingsLine(settings))
                    .write(to: (path as NSString).appendingPathComponent(name))
                reportName = name
            } catch {
                throw RunDirectory.WriteError(message: error.message)
            }
        }
        let manifest = RunManifest(script: settings.script, scriptSHA256: scriptHash, overrides: settings.overrides, seed: settings.seed,
                                   params: params(result.program, session: session), start: start, end: Date(), status: status,
                                   cells: cellTimes(result.recorder), log: log, report: reportName)
        let scriptDirectory = (settings.script as NSString).deletingLastPathComponent
        try RunDirectory.write(manifest, to: path, git: GitState.of(directory: scriptDirectory))
        return path
    }

    /// `--seed 0 --set k=v…`, as reports show it under their title.
    public static func settingsLine(_ settings: Settings) -> String {
        (["--seed \(settings.seed)"] + settings.overrides.map { "--set \($0)" }).joined(separator: " ")
    }

    /// Each top-level param's value as the run left it (after `--set`).
    private func params(_ program: Program?, session: Session) -> [(String, Value)] {
        guard let program else { return [] }
        return program.statements.compactMap { s -> (String, Value)? in
            guard case .binding(.param, .name(let n), _, _) = s, let v = session.interpreter.global(n.text) else { return nil }
            if case .undefined = v { return nil }
            return (n.text, v)
        }
    }

    private func cellTimes(_ recorder: NotebookRecorder?) -> [RunManifest.CellTime] {
        guard let recorder else { return [] }
        return recorder.notebook.cells.indices.map { i in
            let cell = recorder.notebook.cells[i]
            var time = RunManifest.CellTime(number: cell.number, title: cell.title, seconds: recorder.cellSeconds[i])
            if let outcome = recorder.cache?.outcomes[i] {
                time.cached = outcome == .cached
                if case .uncached(let why) = outcome { time.uncachedBecause = why }
            } else if recorder.cache != nil {
                time.cached = false
            }
            return time
        }
    }
}
