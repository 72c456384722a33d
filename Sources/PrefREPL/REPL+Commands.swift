import Foundation
import PrefLanguage
import PrefRuntime

/// The colon commands that do more than one call: `:time`, `:load`, `:save`, `:vars`, `:doc`.
extension REPL {
    func time(_ code: String) {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = run(code, isInput: false)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let value { echo(value) }
        write("time: \(REPL.formatDuration(seconds))\n")
    }

    /// Durations with three significant digits in a readable unit: `850 µs`, `12.3 ms`, `4.56 s`.
    static func formatDuration(_ seconds: Double) -> String {
        func digits(_ x: Double) -> String { String(format: x < 10 ? "%.2f" : x < 100 ? "%.1f" : "%.0f", x) }
        if seconds < 1e-3 { return digits(seconds * 1e6) + " µs" }
        if seconds < 1 { return digits(seconds * 1e3) + " ms" }
        return digits(seconds) + " s"
    }

    /// `:load file`: runs a script in this session, showing its top-level values as `pref run`
    /// does. Its text becomes one cell of `:save`.
    func load(_ path: String) {
        let resolved = resolve(path)
        guard let data = FileManager.default.contents(atPath: resolved) else {
            writeError("error: \(FileManager.default.fileExists(atPath: resolved) ? "cannot read" : "no such file") '\(path)'\n")
            return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            writeError("\(path): error: the file is not valid UTF-8 text\n")
            return
        }
        if run(text, path: path, isInput: false, displayTopLevel: true) != nil {
            successfulInputs.append("# loaded from \(path)\n" + text)
        }
    }

    /// `:save file`: the successful inputs as a script, one `# %%` cell per input.
    func save(to path: String) {
        let cells = successfulInputs.map { "# %%\n" + $0.trimmingCharacters(in: .newlines) + "\n" }
        do {
            try cells.joined(separator: "\n").write(toFile: resolve(path), atomically: true, encoding: .utf8)
            write("saved \(successfulInputs.count) input\(successfulInputs.count == 1 ? "" : "s") to \(path)\n")
        } catch {
            writeError("error: cannot write '\(path)': \(error.localizedDescription)\n")
        }
    }

    /// `:vars`: one line per binding, `name  type  value`, values cut to the terminal's width.
    func variablesText() -> String {
        let bindings = session.userBindings.filter { $0.name != "_" }
        guard !bindings.isEmpty else { return "no bindings yet\n" }
        let nameWidth = bindings.map(\.name.count).max() ?? 0
        let typeWidth = bindings.map(\.value.typeName.count).max() ?? 0
        let room = max(10, width() - nameWidth - typeWidth - 4)
        return bindings.map { name, value in
            name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + value.typeName.padding(toLength: typeWidth, withPad: " ", startingAt: 0) + "  "
                + ResultEcho.short(value, limit: room) + "\n"
        }.joined()
    }

    /// `:doc name`: the source of a function defined in this session or in the Stdlib.
    func showSource(of name: String) {
        if let function = userFunctions[name] ?? Help.stdlibFunction(name, in: session) {
            write(function.source + "\n")
        } else if BuiltinDocs.lookup(name) != nil {
            write("\(name) is a builtin written in Swift; ?\(name) shows its documentation\n")
        } else {
            writeError("error: no function named '\(name)' in this session or the Stdlib\n")
        }
    }

    /// Relative paths are taken against the session's working directory when it has one.
    func resolve(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        guard !expanded.hasPrefix("/"), let directory = session.workingDirectory else { return expanded }
        return directory + "/" + expanded
    }
}
