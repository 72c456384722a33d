import Foundation
import PrefLanguage

/// Loads `import` targets: Stdlib modules (embedded, or from `PREF_STDLIB=dir` while developing)
/// and `.pref` files relative to the importing script. Each module runs once per session in its
/// own interpreter; its top-level definitions become a record.
final class ModuleRegistry: ModuleLoader {
    weak var session: Session?
    let stdlibDirectory: String?
    private var loaded: [String: Value] = [:]
    private var loading: Set<String> = []
    /// Module interpreters stay alive: their functions' code refers to them.
    private var sessions: [Session] = []

    init(stdlibDirectory: String?) {
        self.stdlibDirectory = stdlibDirectory
    }

    /// The text of a Stdlib module, from disk when `PREF_STDLIB` is set, else embedded.
    func stdlibSource(_ name: String) -> String? {
        if let dir = stdlibDirectory, !dir.isEmpty {
            return try? String(contentsOfFile: (dir as NSString).appendingPathComponent("\(name).pref"), encoding: .utf8)
        }
        return EmbeddedStdlib.modules[name]
    }

    func load(module: String, isPath: Bool, from file: SourceFile) throws -> Value {
        let key: String
        let source: String
        let path: String
        if isPath {
            let base = (file.path as NSString).deletingLastPathComponent
            path = module.hasPrefix("/") ? module : (base.isEmpty ? module : (base as NSString).appendingPathComponent(module))
            key = (path as NSString).standardizingPath
            var diskPath = path
            if !path.hasPrefix("/"), let wd = session?.workingDirectory { diskPath = (wd as NSString).appendingPathComponent(path) }
            guard let text = try? String(contentsOfFile: diskPath, encoding: .utf8) else {
                // Quoted as a literal (escapes re-encoded), so a tab or newline in the path
                // cannot break the message.
                throw RuntimeError("cannot read module file \(Value.quote(module))",
                                   hint: "looked for \(Value.quote(path)); paths are relative to the importing script")
            }
            source = text
        } else {
            key = "stdlib:" + module
            path = "<stdlib>/\(module).pref"
            guard let text = stdlibSource(module) else {
                let names = EmbeddedStdlib.modules.keys.filter { $0 != "prelude" }.sorted()
                let hint = Suggestion.closest(to: module, in: names).map { "did you mean '\($0)'?" }
                    ?? "Stdlib modules: \(names.joined(separator: ", "))"
                throw RuntimeError("no module named '\(module)'", hint: hint)
            }
            source = text
        }
        if let v = loaded[key] { return v }
        guard !loading.contains(key) else { throw RuntimeError("import cycle through '\(module)'") }
        loading.insert(key)
        defer { loading.remove(key) }
        let child = Session(seed: session?.seed ?? 0, output: session?.output ?? { _ in }, errorOutput: session?.errorOutput ?? { _ in },
                            stdlibDirectory: stdlibDirectory)
        child.workingDirectory = session?.workingDirectory
        sessions.append(child)
        let program = try child.parseProgram(SourceFile(path: path, text: source))
        try child.interpreter.run(program, displayTopLevel: false)
        let exports = RecordBox()
        for name in child.interpreter.check(program).declaredGlobals where !name.hasPrefix("_") {
            if let v = child.interpreter.global(name) { exports.set(name, v) }
        }
        let value = Value.record(exports)
        loaded[key] = value
        return value
    }
}
