import Foundation
import PrefLanguage
import PrefLearn

/// Data file paths and data errors as builtins see them.
enum DataPaths {
    /// A path as written in the script → the path messages show (relative to the script's
    /// directory, as imports are) and the path on disk (under the session's working directory).
    static func resolve(_ path: String, session: Session?) -> (shown: String, disk: String) {
        guard !path.hasPrefix("/") else { return (path, path) }
        let base = session?.scriptPath.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        let shown = base.isEmpty ? path : (base as NSString).appendingPathComponent(path)
        guard !shown.hasPrefix("/"), let wd = session?.workingDirectory else { return (shown, shown) }
        return (shown, (wd as NSString).appendingPathComponent(shown))
    }

    /// The diagnostic of a data location: header at the real column, excerpt around it.
    static func diagnostic(_ f: LoadFailure, severity: Diagnostic.Severity = .error) -> Diagnostic? {
        guard let loc = f.location else { return nil }
        var d = Diagnostic(severity, f.message, file: SourceFile(path: loc.path, text: ""),
                           range: SourceRange(SourceLocation(line: loc.line, column: loc.column), length: loc.length),
                           hints: f.hint.map { [$0] } ?? [])
        d.excerpt = (loc.text, loc.textColumn)
        return d
    }

    /// A failed load as a runtime error: located at the call by the interpreter, with the data
    /// file's own diagnostic attached.
    static func error(_ f: LoadFailure, builtin: String) -> RuntimeError {
        guard let loc = f.location, let d = diagnostic(f) else {
            var e = RuntimeError("\(builtin)(): \(f.message)", hint: f.hint)
            e.isMissingInput = f.missingInput
            e.isDataError = !f.missingInput
            return e
        }
        var e = RuntimeError("\(builtin)(): bad data at \(loc.path):\(loc.line)", hint: nil)
        e.attached = [d]
        e.isDataError = true
        return e
    }
}
