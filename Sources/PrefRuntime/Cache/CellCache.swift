import Dispatch
import Foundation
import PrefLanguage

/// `pref run --cache`: re-executes only the cells whose code or inputs changed.
///
/// A cell's key is the SHA-256 of pref's version, the script's path, the seed, the cell's code,
/// the random draw counts before it, and the version of every global it reads (also through the
/// functions it calls). A global's version is the hash of its content when the cell that last
/// wrote it was stored (so an edit that leaves a value unchanged re-runs nothing downstream),
/// else that cell's key; a function's is its syntax; a param's is its `--set` value or its
/// default's syntax. Data files
/// are checked when an entry is found: the entry lists the files the cell read with their
/// hashes, and a changed file makes it a miss.
///
/// On a hit the cell's globals, outputs (terminal text, tables, plots), draw counts, data reads
/// and fits are restored and its statements are skipped, except functions, params and imports,
/// which re-run. Objects a cell reads and may change in place (a policy that `fit` trains) are
/// stored with what it wrote. A cell that leaves a value the cache cannot store (a function
/// value, a dataset, a reward model…) or that writes files (`save`) is not cached: it runs every
/// time (`--verbose` and the manifest say why).
public final class CellCache {
    public enum Outcome: Sendable, Equatable {
        /// Restored from the cache.
        case cached
        /// Ran, and was stored.
        case stored
        /// Ran, and could not be stored (the reason).
        case uncached(String)
    }

    let store: CellCacheStore
    let plan: CellPlan
    unowned let session: Session
    unowned let recorder: NotebookRecorder
    /// Per cell, what the cache did (nil for cells that did not run).
    public private(set) var outcomes: [Outcome?]
    /// Warnings (an unreadable entry) and, when verbose, one line per cell: they go to the error
    /// output directly, not into the cell's recorded outputs.
    let note: (String) -> Void
    let verbose: Bool
    private var versions: [String: String] = [:]
    private var hits = Set<Int>()
    private let worlds = CacheDecoder.WorldMemo()
    private struct Running {
        var cell: Int
        var key: String
        var reads: Int
        var fits: Int
    }
    private var running: Running?

    init(store: CellCacheStore, plan: CellPlan, session: Session, recorder: NotebookRecorder, verbose: Bool, note: @escaping (String) -> Void) {
        self.store = store
        self.plan = plan
        self.session = session
        self.recorder = recorder
        self.verbose = verbose
        self.note = note
        outcomes = Array(repeating: nil, count: plan.cells.count)
        if session.runLog == nil { session.runLog = RunLog() }
        recorder.cellWillStart = { [unowned self] i in start(cell: i) }
        recorder.willStop = { [unowned self] in finish() }
        session.interpreter.skipsTopLevelStatement = { [unowned self] range in
            guard let i = recorder.notebook.cellIndex(containing: range.start.line), hits.contains(i) else { return false }
            return !plan.cells[i].rerun.contains(range)
        }
        recorder.cache = self
    }

    /// The run ended successfully: the last cell that ran is stored.
    func finish() {
        guard let r = running else { return }
        running = nil
        save(r)
    }

    private func start(cell i: Int) {
        finish()
        let key = self.key(i)
        let entry: CellCacheEntry?
        do {
            entry = try store.load(key)
        } catch {
            note("warning: the cache entry of cell \(label(i)) is unreadable (\(error)); running the cell\n")
            store.remove(key)
            entry = nil
        }
        if let entry, let changed = changedDataFile(entry) {
            if verbose { note("cache: cell \(label(i)) runs: \(changed) changed\n") }
        } else if let entry {
            do {
                try restore(entry, cell: i, key: key)
                return
            } catch {
                note("warning: the cache entry of cell \(label(i)) is unreadable (\(error)); running the cell\n")
                store.remove(key)
            }
        }
        running = Running(cell: i, key: key, reads: session.runLog?.reads.count ?? 0, fits: session.runLog?.fits.count ?? 0)
    }

    private func label(_ i: Int) -> String {
        let c = recorder.notebook.cells[i]
        return c.title.isEmpty ? "\(c.number)" : "\(c.number) (\(c.title))"
    }

    private func key(_ i: Int) -> String {
        let cell = recorder.notebook.cells[i]
        var lines = ["pref cell cache \(CellCacheEntry.currentFormat)", "pref \(PrefVersion.string)", "script \(recorder.notebook.path)",
                     "seed \(session.seed)", "code \(cell.code)"]
        lines += session.draws.snapshot.sorted { $0.key < $1.key }.map { "draws \($0.key) \($0.value)" }
        for name in plan.cells[i].reads { lines.append("read \(name) \(version(name))") }
        return SHA256.hex(Data(lines.joined(separator: "\n").utf8))
    }

    private func version(_ name: String) -> String {
        if let v = versions[name] { return v }
        if let d = plan.paramDefaults[name] {
            return session.interpreter.paramOverrides[name].map { "param set \($0.reprText)" } ?? "param default \(d)"
        }
        return plan.staticVersions[name] ?? "unset"
    }

    /// The first data file the entry read that is now different (or gone), if any.
    private func changedDataFile(_ entry: CellCacheEntry) -> String? {
        entry.reads.first { SHA256.hex(ofFile: $0.disk) != $0.sha256 }.map { "the data file \($0.path)" }
    }

    private func restore(_ entry: CellCacheEntry, cell i: Int, key: String) throws {
        guard entry.names.count == entry.values.count, entry.digests.count == entry.names.count else { throw CachedValue.Corrupt(message: "names and values differ in number") }
        // Decode everything first: a corrupt entry changes nothing.
        let decoder = CacheDecoder(objects: entry.objects, worlds: worlds)
        let values = try entry.values.map { v throws(CachedValue.Corrupt) in try decoder.decode(v) }
        let outputs = try entry.outputs.map { o throws(CachedValue.Corrupt) in try o.decode() }
        let fits = try entry.fits.map { v throws(CachedValue.Corrupt) -> Table in
            guard case .native(let n) = try v.decode(), let t = n.object as? TableObject else { throw CachedValue.Corrupt(message: "a fit is not a table") }
            return t.table
        }
        let interpreter = session.interpreter
        for (name, value) in zip(entry.names, values) {
            guard let kind = interpreter.globals.lookup(name)?.kind else { throw CachedValue.Corrupt(message: "the script has no global '\(name)'") }
            interpreter.define(name, value, kind: kind)
        }
        recorder.replay(cell: i, outputs: outputs, terminal: entry.terminal)
        session.draws.restore(entry.draws)
        session.runLog?.replay(reads: entry.reads, fits: fits)
        for name in plan.cells[i].writes where !plan.cells[i].remade.contains(name) { versions[name] = "\(key) \(name)" }
        for (name, digest) in zip(entry.names, entry.digests) { versions[name] = "value \(digest)" }
        hits.insert(i)
        outcomes[i] = .cached
        if verbose { note("cache: cell \(label(i)) restored\n") }
    }

    private func save(_ r: Running) {
        let i = r.cell, plan = self.plan.cells[i]
        let interpreter = session.interpreter
        var names = [String](), values = [CachedValue](), problem = plan.sideEffect
        // What the cell wrote, and what it read that it may have changed in place (a policy that
        // `fit` trained, a toy world whose generators advanced): both are stored.
        let mutated = plan.reads.filter { name in
            !plan.writes.contains(name) && !plan.remade.contains(name) && interpreter.global(name).map(CellCache.isMutableObject) == true
        }
        let encoder = CacheEncoder()
        for name in plan.writes.union(mutated).sorted() where problem == nil && !plan.remade.contains(name) {
            guard let value = interpreter.global(name) else { continue }
            do throws(CachedValue.Unserialisable) {
                values.append(try CachedValue.encode(value, objects: encoder))
                names.append(name)
            } catch {
                let how = plan.writes.contains(name) ? "'\(name)'" : "'\(name)' (which it may change in place)"
                problem = "\(how) is a \(error.typeName), which the cache cannot store"
            }
        }
        for name in plan.writes.union(mutated) where !plan.remade.contains(name) { versions[name] = "\(r.key) \(name)" }
        // A plain value's version is its content; one holding objects keeps its cell's key.
        let digests = problem == nil ? values.map { $0.refersToObject ? "\(r.key) object" : $0.digest } : []
        if problem == nil { for (name, digest) in zip(names, digests) { versions[name] = "value \(digest)" } }
        let log = session.runLog
        var outputs = [CachedOutput](), fits = [CachedValue]()
        if problem == nil {
            do throws(CachedValue.Unserialisable) {
                outputs = try recorder.outputs[i].map { o throws(CachedValue.Unserialisable) in try CachedOutput(o) }
                fits = try (log?.fits.dropFirst(r.fits) ?? []).map { t throws(CachedValue.Unserialisable) in
                    try CachedValue.encode(.native(NativeBox(TableObject(t))))
                }
            } catch {
                problem = "its output holds a \(error.typeName)"
            }
        }
        if let problem {
            outcomes[i] = .uncached(problem)
            if verbose { note("cache: cell \(label(i)) ran, not cached: \(problem)\n") }
            return
        }
        let entry = CellCacheEntry(key: r.key, names: names, values: values, objects: encoder.objects, digests: digests, outputs: outputs, terminal: recorder.terminalLog[i],
                                   draws: session.draws.snapshot, reads: Array(log?.reads.dropFirst(r.reads) ?? []), fits: fits)
        do {
            try store.save(entry)
            outcomes[i] = .stored
            if verbose { note("cache: cell \(label(i)) ran, stored\n") }
        } catch {
            outcomes[i] = .uncached("the entry could not be written: \(error)")
            note("warning: cell \(label(i)) could not be cached: \(error)\n")
        }
    }

    /// Objects a cell can change without assigning to them: models that `fit` trains (also as a
    /// run's model), toy worlds (their generators count calls), parameters. Tables, plots,
    /// datasets and losses are immutable; lists and records are values.
    static func isMutableObject(_ value: Value) -> Bool {
        switch value {
        case .native(let n): return !(n.object is TableObject || n.object is PlotObject || n.object is DatasetObject || n.object is LossObject)
        case .tensor(let box):
            if case .constant = box.content { return false }
            return true
        default: return false
        }
    }
}
