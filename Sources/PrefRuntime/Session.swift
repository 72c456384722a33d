import Foundation
import PrefCore
import PrefLanguage

/// One pref session: an interpreter with the builtins and the prelude loaded, the session's
/// random streams, its module loader and its output sinks. No global state: tests run many
/// sessions in parallel.
public final class Session: @unchecked Sendable {
    public let interpreter: Interpreter
    /// The seed every builtin's random stream derives from (`pref run --seed N`).
    public var seed: UInt64
    /// Where `print`, displayed values and rendered diagnostics go.
    public var output: (String) -> Void {
        get { interpreter.output }
        set { interpreter.output = newValue }
    }
    public var errorOutput: (String) -> Void
    /// Relative script paths (in messages and imports) are resolved against this directory
    /// instead of the process's current directory when set (the golden tests use it).
    public var workingDirectory: String?
    /// The path of the last script file parsed (not REPL entries or the Stdlib): data paths in
    /// `load` and `save` are relative to its directory, as imports are.
    public internal(set) var scriptPath: String?
    /// Set while a notebook run records per-cell outputs (reports, `pref run --cell`).
    public internal(set) var recorder: NotebookRecorder?
    /// Set while `pref run` records a run directory: data files read and fits' histories.
    public var runLog: RunLog?
    /// The unseeded randn/rand draw counts: the random state a cached cell restores.
    public let draws = SessionDraws()
    let modules: ModuleRegistry
    /// Node ids keep increasing across REPL entries so side tables never collide.
    var nextNodeID: NodeID = 0

    public init(seed: UInt64 = 0, output: @escaping (String) -> Void = { print($0, terminator: "") },
                errorOutput: @escaping (String) -> Void = { FileHandle.standardError.write($0.data(using: .utf8) ?? Data()) },
                stdlibDirectory: String? = ProcessInfo.processInfo.environment["PREF_STDLIB"]) {
        self.seed = seed
        self.errorOutput = errorOutput
        interpreter = Interpreter()
        modules = ModuleRegistry(stdlibDirectory: stdlibDirectory)
        interpreter.output = output
        // In scripts a bare list of records shows as a table, as in the REPL; everything else
        // keeps its full text (scripts are records of what ran, so nothing is abbreviated).
        interpreter.display = { value in
            guard case .list(let l) = value, case .record? = l.items.first, (try? Table(records: l.items)) != nil else { return nil }
            return TerminalRenderer.render(value, width: 80, color: false)
        }
        interpreter.host = self
        interpreter.moduleLoader = modules
        modules.session = self
        for b in BuiltinLibrary.all { interpreter.define(b.name, .builtin(BuiltinBox(b)), isBuiltin: true) }
        loadPrelude()
    }

    /// A random stream for a builtin call: derived from the session seed, the stream name and
    /// an explicit seed when the script gives one.
    public func randomStream(_ name: String, seed explicit: Double? = nil) -> RandomStream {
        if let explicit, let s = UInt64(exactly: explicit.rounded()) { return RandomStream(seed: s, stream: name) }
        return RandomStream(seed: seed, stream: name)
    }

    /// Parses, checks and runs source text; throws `DiagnosticError` for syntax and name
    /// errors and `RuntimeError` for failures while running.
    @discardableResult
    public func evaluate(_ source: String, path: String, displayTopLevel: Bool = true, allowsRedefinition: Bool = false) throws -> Value {
        let program = try parseProgram(SourceFile(path: path, text: source))
        return try interpreter.run(program, displayTopLevel: displayTopLevel, allowsRedefinition: allowsRedefinition)
    }

    /// Shows a value (a bare top-level expression, `show`, `print` of one table or plot): `text`
    /// is what the terminal gets; a recording notebook keeps tables and plots as values.
    public func display(_ value: Value, as text: String) {
        if let recorder { recorder.show(value, text: text) } else { output(text + "\n") }
    }

    /// Parses a file, throwing every syntax error at once.
    public func parseProgram(_ file: SourceFile) throws -> Program {
        if !file.path.hasPrefix("<") { scriptPath = file.path }
        let result = parse(file, firstNodeID: nextNodeID)
        nextNodeID = result.nextNodeID
        let errors = result.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw DiagnosticError(errors) }
        return result.program
    }

    private func loadPrelude() {
        guard let source = modules.stdlibSource("prelude") else { return }
        do {
            let program = try parseProgram(SourceFile(path: "<stdlib>/prelude.pref", text: source))
            try interpreter.run(program, displayTopLevel: false, allowsRedefinition: true)
            // Prelude definitions behave like builtins: scripts may shadow them.
            for name in interpreter.check(program).declaredGlobals {
                if let v = interpreter.global(name) { interpreter.define(name, v, isBuiltin: true) }
            }
        } catch {
            errorOutput("internal error: the prelude failed to load: \(error)\n")
        }
    }
}
