import Foundation
internal import CEditLine
internal import CEditLineShim

/// The REPL's line history: a bounded list of past inputs kept by libedit's native History,
/// so the line editor can navigate and search it directly, and persisted in libedit's file format.
///
/// Consecutive duplicates are dropped and blank lines are never recorded. Not thread-safe:
/// one REPL owns one history.
public final class LineHistory {
    /// The most entries kept; adding beyond it drops the oldest.
    public let capacity: Int

    /// libedit's `History *`, handed to the line editor with `EL_HIST`.
    let handle: OpaquePointer

    /// Creates an empty history that keeps at most `capacity` entries (negative counts as 0).
    public init(capacity: Int = 1000) {
        // libedit takes an int; clamping keeps a huge request from wrapping negative.
        self.capacity = min(max(capacity, 0), Int(Int32.max))
        guard let handle = history_init() else {
            fatalError("libedit: history_init failed (out of memory)")
        }
        self.handle = handle
        var event = HistEvent()
        _ = pel_history_setsize(handle, &event, Int32(self.capacity))
        // Up-arrow through ten copies of the same line is noise; libedit compares with the newest.
        _ = pel_history_setunique(handle, &event, 1)
    }

    deinit {
        history_end(handle)
    }

    /// Records `line` as the newest entry. One trailing newline (as `el_gets` returns) is
    /// removed; blank lines and a repeat of the newest entry are ignored.
    public func add(_ line: String) {
        var text = Substring(line)
        if text.hasSuffix("\n") { text = text.dropLast() }  // "\r\n" is one Character
        guard !text.allSatisfy(\.isWhitespace) else { return }
        var event = HistEvent()
        _ = String(text).withCString { pel_history_enter(handle, &event, $0) }
    }

    /// The entries, oldest first.
    public var entries: [String] {
        var result: [String] = []
        var event = HistEvent()
        // libedit's "last" is the oldest entry and "prev" walks towards the newest.
        var status = pel_history_last(handle, &event)
        while status != -1 {
            if let text = event.str { result.append(String(cString: text)) }
            status = pel_history_prev(handle, &event)
        }
        return result
    }

    /// The number of entries.
    public var count: Int {
        var event = HistEvent()
        return pel_history_getsize(handle, &event) == -1 ? 0 : Int(event.num)
    }

    /// Removes every entry.
    public func clear() {
        var event = HistEvent()
        _ = pel_history_clear(handle, &event)
    }

    /// Appends the entries of the history file at `path`, keeping the newest `capacity`.
    /// A missing or empty file is not an error: there is simply nothing to load.
    /// - Throws: `HistoryFileError` if the file cannot be read or is not a libedit history file.
    public func load(from path: String) throws {
        var event = HistEvent()
        let (status, code) = path.withCString { cPath -> (Int32, Int32) in
            errno = 0
            let status = pel_history_load(handle, &event, cPath)
            return (status, errno)  // read at once: later calls may overwrite errno
        }
        guard status == -1 else { return }
        if code == ENOENT { return }
        if code == 0 {
            // The file opened, so libedit rejected its contents. An empty file (e.g. one made
            // with `touch`) has no header line either, and counts as an empty history.
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int
            if size == 0 { return }
            throw HistoryFileError(path: path, operation: .load,
                                   reason: "not a libedit history file (no _HiStOrY_V2_ header)")
        }
        throw HistoryFileError(path: path, operation: .load, reason: String(cString: strerror(code)))
    }

    /// Writes every entry to `path`, oldest first, replacing the file (libedit makes it mode 0600).
    /// - Throws: `HistoryFileError` naming the path if the file cannot be written.
    public func save(to path: String) throws {
        var event = HistEvent()
        let (status, code) = path.withCString { cPath -> (Int32, Int32) in
            errno = 0
            let status = pel_history_save(handle, &event, cPath)
            return (status, errno)
        }
        guard status == -1 else { return }
        let reason = code == 0 ? "write failed" : String(cString: strerror(code))
        throw HistoryFileError(path: path, operation: .save, reason: reason)
    }

    /// Where the REPL keeps its history, given the process environment:
    /// `PREF_HISTORY=path` chooses the file, `PREF_HISTORY=` (set but empty) turns saving off,
    /// and otherwise it is `$HOME/.pref_history`. Returns nil when history should not be saved.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let chosen = environment["PREF_HISTORY"] {
            return chosen.isEmpty ? nil : chosen
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home.hasSuffix("/") ? home + ".pref_history" : home + "/.pref_history"
    }
}

/// A history file could not be read or written.
public struct HistoryFileError: Error, Equatable, CustomStringConvertible {
    /// Which file operation failed.
    public enum Operation: Sendable, Equatable {
        /// Reading with `LineHistory.load(from:)`.
        case load
        /// Writing with `LineHistory.save(to:)`.
        case save
    }

    /// The file's path, as given.
    public let path: String
    /// The operation that failed.
    public let operation: Operation
    /// Why, e.g. the system's error text.
    public let reason: String

    /// A one-line message naming the path, e.g.
    /// `cannot save history to /no/such/dir/h: No such file or directory`.
    public var description: String {
        let verb = operation == .load ? "load history from" : "save history to"
        return "cannot \(verb) \(path): \(reason)"
    }
}
