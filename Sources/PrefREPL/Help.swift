import PrefLanguage
import PrefRuntime

/// The text of `?name`, `:help` and `:help name`: from the builtin registry, the doc comments of
/// functions defined in the session, and the Stdlib's sources.
enum Help {
    /// `:help` alone: the commands, keys and where documentation comes from.
    static func overview() -> String {
        var out = "Commands:\n"
        let width = REPLCommand.summaries.map(\.usage.count).max() ?? 0
        for (usage, summary) in REPLCommand.summaries {
            out += "  " + usage.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + summary + "\n"
        }
        out += """
        Help:
          ?name            the signature, documentation and example of a builtin, a Stdlib
                           function or a function you defined (its # comments above `fn`)
        Keys:
          Tab              complete names, members after '.', keyword arguments, file paths in strings
          Up / Down        history entries starting with the text before the cursor
          Ctrl-R           incremental history search
          Ctrl-C           clear the line, abandon a multi-line entry, or interrupt a running entry
          Ctrl-D           quit (on an empty line)
        `_` is the last result. Topics (builtin categories): \(categories().joined(separator: ", ")).

        """
        return out
    }

    static func categories() -> [String] {
        var seen: [String] = []
        for b in BuiltinLibrary.all where !seen.contains(b.category) { seen.append(b.category) }
        return seen
    }

    /// `?name`: the first of a function defined in the session, a builtin, a Stdlib function,
    /// a command, a builtin category, or the session's binding of that name.
    static func entry(for name: String, in repl: REPL) -> String {
        let session = repl.session
        if case .function? = session.interpreter.global(name), let function = repl.userFunctions[name] {
            return describe(function, origin: "defined in this session")
        }
        if let builtin = BuiltinDocs.lookup(name) { return BuiltinDocs.entry(builtin, markdown: false) }
        if let function = stdlibFunction(name, in: session) { return describe(function, origin: "Stdlib") }
        let command = name.hasPrefix(":") ? name : ":" + name
        if let summary = REPLCommand.summaries.first(where: { $0.usage == command || $0.usage.hasPrefix(command + " ") }) {
            return "\(summary.usage)\n\n\(summary.summary)\n"
        }
        let inCategory = BuiltinLibrary.all.filter { $0.category.lowercased() == name.lowercased() }
        if !inCategory.isEmpty {
            return inCategory.map { $0.signature + "  " + ($0.doc.split(separator: "\n").first ?? "") }.joined(separator: "\n") + "\n"
        }
        if let value = session.interpreter.global(name) {
            return "\(name): \(typeDescription(of: value)) = \(ResultEcho.short(value, limit: 200))\n"
        }
        let known = BuiltinLibrary.all.map(\.name) + session.interpreter.globals.names
        let hint = Suggestion.closest(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
        return "no documentation for '\(name)'\(hint)\n"
    }

    static func describe(_ function: FunctionSource, origin: String) -> String {
        var out = "\(function.signature)    (\(origin))\n"
        if !function.doc.isEmpty { out += "\n" + function.doc + "\n" }
        return out
    }

    /// A function of the Stdlib by name: `map` (prelude) or `stats.mean` / `mean` (a module).
    static func stdlibFunction(_ name: String, in session: Session) -> FunctionSource? {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        let modules = parts.count == 2 ? [parts[0]] : ["prelude"] + session.stdlibModuleNames.filter { $0 != "prelude" }
        let wanted = parts.last ?? name
        for module in modules {
            guard let text = session.stdlibSource(module: module) else { continue }
            if let found = FunctionSource.all(in: text, path: "<stdlib>/\(module).pref").first(where: { $0.name == wanted }) {
                return found
            }
        }
        return nil
    }

    /// `:type`: the type name, with dtype and shape for tensors and the length of collections.
    static func typeDescription(of value: Value) -> String {
        switch value {
        case .list(let l): return "list (\(l.items.count) items)"
        case .record(let r): return "record (\(r.count) fields)"
        case .string(let s): return "string (\(s.value.count) characters)"
        default: return value.typeName
        }
    }
}
