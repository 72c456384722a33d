import PrefLanguage

/// `pref run FILE --cell N|TITLE` and `--report`: the script runs as usual (same output, same
/// errors, same exit code) with a `NotebookRecorder` that keeps each cell's outputs and stops
/// after the named cell.
extension ScriptRunner {
    /// The exit status and the recording, which is nil when the script did not parse or the
    /// cell selector named no cell (then there is nothing to report).
    public struct NotebookResult {
        public var status: Int32
        public var recorder: NotebookRecorder?
        /// The parsed script (nil when it did not parse): run directories read its params.
        public var program: Program?
    }

    /// `pref run --cache`: where the cell cache lives, whether it says what it does for each
    /// cell, and where it says it (and its warnings).
    public struct CacheOptions {
        public var store: CellCacheStore
        public var verbose: Bool
        public var note: (String) -> Void

        public init(store: CellCacheStore, verbose: Bool = false, note: @escaping (String) -> Void) {
            self.store = store
            self.verbose = verbose
            self.note = note
        }
    }

    public func runNotebook(path: String, overrides: [String] = [], cell: String? = nil, cache: CacheOptions? = nil) -> NotebookResult {
        guard let text = read(path) else { return NotebookResult(status: ExitStatus.missingInput, recorder: nil) }
        return runNotebook(source: text, path: path, overrides: overrides, cell: cell, cache: cache)
    }

    public func runNotebook(source: String, path: String, overrides: [String] = [], cell: String? = nil, cache: CacheOptions? = nil) -> NotebookResult {
        var recorder: NotebookRecorder?
        var parsed: Program?
        let status = run(source: source, path: path, overrides: overrides) { program in
            parsed = program
            let notebook = Notebook(program: program)
            var last: Int?
            if let cell {
                do throws(Notebook.SelectionError) {
                    last = try notebook.index(of: cell)
                } catch {
                    var e = usage("--cell \(cell): \(error.message)")
                    e.hint = error.hint
                    throw e
                }
            }
            let r = NotebookRecorder(notebook: notebook, lastCell: last)
            r.attach(to: session)
            if let cache {
                _ = CellCache(store: cache.store, plan: CellPlan(program: program, notebook: notebook), session: session, recorder: r,
                              verbose: cache.verbose, note: cache.note)
            }
            recorder = r
        }
        if status == ExitStatus.success { recorder?.cache?.finish() }
        session.interpreter.skipsTopLevelStatement = nil
        recorder?.finishTiming()
        return NotebookResult(status: status, recorder: recorder, program: parsed)
    }

    /// `pref cells FILE`: the cells of a script that parses, or its syntax errors.
    public func cells(path: String) -> Int32 {
        guard let text = read(path) else { return ExitStatus.missingInput }
        do {
            let program = try session.parseProgram(SourceFile(path: path, text: text))
            session.output(Notebook(program: program).listing)
            return ExitStatus.success
        } catch {
            return report(error)
        }
    }
}
