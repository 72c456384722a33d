import Foundation

/// Where a recorded run lives: `<root>/<script stem>/<UTC timestamp>-<short hash>/` with
/// manifest.json and metrics.jsonl (and the report when one was asked for). Every file is written
/// to a temporary name and renamed, so an interrupted write never leaves a half file.
public enum RunDirectory {
    /// The default root: `runs` in the current directory, or `$PREF_RUNS` (the test suite points
    /// it at a temporary directory so that its runs do not litter the repository).
    public static func defaultRoot(environment: [String: String]) -> String {
        environment["PREF_RUNS"].flatMap { $0.isEmpty ? nil : $0 } ?? "runs"
    }

    public struct WriteError: Error, Sendable {
        public var message: String
    }

    /// A new, not yet existing directory for a run of `script` started at `start`; the short
    /// hash is of the script's text, so runs of the same code share it. Two runs in the same
    /// second get `-2`, `-3`… suffixes.
    public static func make(root: String, script: String, scriptSHA256: String, start: Date) throws(WriteError) -> String {
        let stem = ((script as NSString).lastPathComponent as NSString).deletingPathExtension
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let base = (root as NSString).appendingPathComponent(stem.isEmpty ? "script" : stem)
        let name = "\(f.string(from: start))-\(scriptSHA256.prefix(8))"
        var path = (base as NSString).appendingPathComponent(name)
        var n = 2
        while FileManager.default.fileExists(atPath: path) {
            path = (base as NSString).appendingPathComponent("\(name)-\(n)")
            n += 1
        }
        try create(path)
        return path
    }

    /// Creates `path` and its parents (an existing directory is fine).
    public static func create(_ path: String) throws(WriteError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw WriteError(message: "cannot create the run directory \(path): \(reason(creating: path) ?? error.localizedDescription)")
        }
    }

    /// Why `path` cannot be created, in words (Foundation on Linux says "error 512"): its
    /// nearest existing ancestor is a file, or is not writable.
    static func reason(creating path: String) -> String? {
        var ancestor = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        while !ancestor.isEmpty, ancestor != "/", !FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory) {
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        if ancestor.isEmpty { return nil }
        if !isDirectory.boolValue { return "\(ancestor) is a file, not a directory" }
        if !FileManager.default.isWritableFile(atPath: ancestor) { return "\(ancestor) is not writable" }
        return nil
    }

    /// Writes manifest.json and metrics.jsonl into `directory`.
    public static func write(_ manifest: RunManifest, to directory: String, git: GitState?) throws(WriteError) {
        try writeAtomically(JSONValue.document(manifest.jsonObject(git: git)), to: (directory as NSString).appendingPathComponent("manifest.json"))
        try writeAtomically(manifest.log.metricsLines(), to: (directory as NSString).appendingPathComponent("metrics.jsonl"))
    }

    /// Writes to a temporary file beside `path`, then renames it over `path`.
    public static func writeAtomically(_ text: String, to path: String) throws(WriteError) {
        let temporary = (path as NSString).deletingLastPathComponent
            + "/.\((path as NSString).lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw WriteError(message: "cannot write \(path): \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw WriteError(message: "cannot write \(path): \(reason)")
        }
    }
}
