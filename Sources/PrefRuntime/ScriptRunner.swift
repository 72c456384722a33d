import Foundation
import PrefLanguage

/// Exit codes shared by every command (DESIGN.md §4 Diagnostics).
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let usage: Int32 = 64
    public static let dataError: Int32 = 65
    public static let missingInput: Int32 = 66
    public static let runtimeError: Int32 = 70
    public static let interrupted: Int32 = 130
}

/// Runs scripts and code strings the way `pref run`, `pref -e` and `pref check` do, rendering
/// every problem as a diagnostic on the session's error output and returning the exit code.
public struct ScriptRunner {
    public let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// `pref run FILE [--set k=v]...`.
    public func run(path: String, overrides: [String] = []) -> Int32 {
        guard let text = read(path) else { return ExitStatus.missingInput }
        return run(source: text, path: path, overrides: overrides)
    }

    /// Runs source text (a script, or `-e` code). `prepare` sees the parsed program before it
    /// runs (a notebook run attaches its recorder there).
    public func run(source: String, path: String, overrides: [String] = [], prepare: ((Program) throws -> Void)? = nil) -> Int32 {
        do {
            let program = try session.parseProgram(SourceFile(path: path, text: source))
            session.interpreter.paramOverrides = try parseOverrides(overrides, for: program)
            try prepare?(program)
            try session.interpreter.run(program, displayTopLevel: true)
            return ExitStatus.success
        } catch is NotebookRecorder.Stop {
            return ExitStatus.success
        } catch {
            return report(error)
        }
    }

    /// `pref check FILE [--set k=v]...`: syntax, names and the `--set` values, without running
    /// anything.
    public func check(path: String, overrides: [String] = []) -> Int32 {
        guard let text = read(path) else { return ExitStatus.missingInput }
        do {
            let file = SourceFile(path: path, text: text)
            let program = try session.parseProgram(file)
            try checkOverrides(try parseOverrides(overrides, for: program), in: program, file: file)
            let diagnostics = session.interpreter.staticCheck(program)
            for d in diagnostics { session.errorOutput(d.rendered()) }
            return diagnostics.contains { $0.severity == .error } ? ExitStatus.dataError : ExitStatus.success
        } catch {
            return report(error)
        }
    }

    func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            session.errorOutput("error: \(exists ? "cannot read" : "no such file") '\(path)'\n")
            if !exists, let near = ScriptRunner.nearbyScript(to: path) { session.errorOutput("  = hint: did you mean '\(near)'?\n") }
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            session.errorOutput("\(path): error: the file is not valid UTF-8 text\n")
            return nil
        }
        return text
    }

    /// A .pref file in the same directory whose name is a plausible typo of `path`'s.
    static func nearbyScript(to path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path),
              let near = Suggestion.closest(to: url.lastPathComponent, in: names.filter { $0.hasSuffix(".pref") }) else { return nil }
        let prefix = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) + "/" : ""
        return prefix + near
    }

    /// `--set name=value`: the value is a pref literal (number, string, bool, list…); a bare word
    /// that is not one is taken as a string. Unknown names are usage errors naming the params.
    func parseOverrides(_ pairs: [String], for program: Program) throws -> [String: Value] {
        let params = program.statements.compactMap { s -> String? in
            if case .binding(.param, .name(let n), _, _) = s { return n.text }
            return nil
        }
        var out = [String: Value]()
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw usage("--set expects name=value, got '\(pair)'")
            }
            let name = String(pair[..<eq]), text = String(pair[pair.index(after: eq)...])
            guard params.contains(name) else {
                let list = params.isEmpty ? "the script declares no params" : "its params are \(params.joined(separator: ", "))"
                var e = usage("--set \(name): the script has no param '\(name)'")
                e.hint = Suggestion.closest(to: name, in: params).map { "did you mean '\($0)'? (\(list))" } ?? list
                throw e
            }
            out[name] = literal(text)
        }
        return out
    }

    /// What `pref run` checks when a param statement runs, done ahead of time: each `--set`
    /// value must have the type of its param's default. Only a literal default (`param lr =
    /// 0.1`) has a type known without running; other defaults are checked by `pref run`.
    func checkOverrides(_ overrides: [String: Value], in program: Program, file: SourceFile) throws {
        for statement in program.statements {
            guard case .binding(.param, .name(let n), let value, let range) = statement,
                  let given = overrides[n.text], ScriptRunner.isLiteral(value) else { continue }
            // The default's source (a range covers one line; a literal spread over several lines
            // does not evaluate and is left to `pref run`).
            let line = file.line(value.range.start.line)
            let source = String(line.dropFirst(value.range.start.column - 1).prefix(value.range.length))
            let probe = Session(output: { _ in }, errorOutput: { _ in })
            guard let d = try? probe.evaluate(source, path: "--set", displayTopLevel: false),
                  d.typeName != given.typeName else { continue }
            var e = RuntimeError("--set \(n.text): expected a \(d.typeName) like the default \(d.reprText), got \(given.typeName) \(given.reprText)",
                                 hint: OverrideHint.text(name: n.text, default: d), file: file, range: range)
            e.isUsageError = true
            throw e
        }
    }

    /// A `--set` value: a pref literal (numbers, strings, bools, none, lists and records of
    /// them) is read as such; anything else is taken as a plain string, so `--set name=dpo`
    /// needs no quotes. Nothing is executed.
    private func literal(_ text: String) -> Value {
        let file = SourceFile(path: "--set", text: text)
        let result = parse(file)
        guard result.diagnostics.isEmpty, result.program.statements.count == 1,
              case .expression(let e) = result.program.statements[0], ScriptRunner.isLiteral(e) else { return .str(text) }
        let probe = Session(output: { _ in }, errorOutput: { _ in })
        return (try? probe.evaluate(text, path: "--set", displayTopLevel: false)) ?? .str(text)
    }

    static func isLiteral(_ e: Expr) -> Bool {
        switch e {
        case .number, .bool, .none: return true
        case .string(let parts, _): return parts.allSatisfy { if case .text = $0 { return true } else { return false } }
        case .unary(.negate, .number, _): return true
        case .list(let items, _): return items.allSatisfy(isLiteral)
        case .record(let fields, _): return fields.allSatisfy { isLiteral($0.value) }
        default: return false
        }
    }

    func usage(_ message: String) -> RuntimeError {
        var e = RuntimeError(message)
        e.isUsageError = true
        return e
    }

    /// Renders an error and maps it to its exit code.
    public func report(_ error: Error) -> Int32 {
        switch error {
        case let e as DiagnosticError:
            for d in e.diagnostics { session.errorOutput(d.rendered()) }
            return ExitStatus.dataError
        case let e as RuntimeError:
            session.errorOutput(e.diagnostic.rendered())
            if e.isUsageError { return ExitStatus.usage }
            if e.isMissingInput { return ExitStatus.missingInput }
            return e.isDataError ? ExitStatus.dataError : ExitStatus.runtimeError
        case let e as Interrupted:
            session.errorOutput(e.rendered())
            return ExitStatus.interrupted
        default:
            session.errorOutput("error: \(error)\n")
            return ExitStatus.runtimeError
        }
    }
}
