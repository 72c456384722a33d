import Foundation

/// One REPL entry, classified: a colon command, `?name`, or pref code to evaluate.
///
/// Parsing is pure so it can be tested without a terminal; `REPL` carries the commands out.
public enum REPLCommand: Equatable, Sendable {
    /// pref code (one or more statements).
    case evaluate(String)
    /// `:help` (nil: the command list) or `:help name` / `?name`.
    case help(String?)
    /// `:doc name`: the source of a Stdlib or user-defined function.
    case doc(String)
    /// `:type expr`.
    case type(String)
    /// `:time expr`.
    case time(String)
    /// `:load file`.
    case load(String)
    /// `:save file`.
    case save(String)
    /// `:reset`.
    case reset
    /// `:vars`.
    case vars
    /// `:seed N`; nil shows the current seed.
    case seed(UInt64?)
    /// `:quit` (or `:q`, `:exit`).
    case quit
    /// A malformed command: the message to show.
    case invalid(String)

    /// The commands with their argument and a one-line description, for `:help`.
    public static let summaries: [(usage: String, summary: String)] = [
        (":help [name]", "this list, or the documentation of a builtin or function (also ?name)"),
        (":doc name", "the source of a Stdlib or user-defined function"),
        (":type expr", "the type of an expression's value"),
        (":time expr", "evaluate and show the wall time"),
        (":vars", "this session's bindings with types and short values"),
        (":load file", "run a script in this session"),
        (":save file", "write this session's successful inputs as a .pref script, one cell each"),
        (":seed [N]", "show or set the seed of every random stream"),
        (":reset", "start a fresh session (bindings are dropped)"),
        (":quit", "leave (Ctrl-D on an empty line does the same)"),
    ]

    /// Classifies an entry. Leading and trailing whitespace around a command is ignored; code is
    /// returned unchanged.
    public static func parse(_ entry: String) -> REPLCommand {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("?") {
            let name = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
            return name.isEmpty ? .help(nil) : .help(name)
        }
        guard trimmed.hasPrefix(":") else { return .evaluate(entry) }
        let body = trimmed.dropFirst()
        let word = String(body.prefix { !$0.isWhitespace })
        let argument = body.dropFirst(word.count).trimmingCharacters(in: .whitespacesAndNewlines)
        switch word {
        case "help", "h": return .help(argument.isEmpty ? nil : argument)
        case "quit", "q", "exit": return argument.isEmpty ? .quit : .invalid(":\(word) takes no argument")
        case "reset": return argument.isEmpty ? .reset : .invalid(":reset takes no argument")
        case "vars": return argument.isEmpty ? .vars : .invalid(":vars takes no argument")
        case "seed":
            if argument.isEmpty { return .seed(nil) }
            guard let n = UInt64(argument) else { return .invalid(":seed expects a whole number ≥ 0, got '\(argument)'") }
            return .seed(n)
        case "doc", "type", "time", "load", "save":
            guard !argument.isEmpty else { return .invalid(":\(word) needs \(argumentName(word))") }
            switch word {
            case "doc": return .doc(argument)
            case "type": return .type(argument)
            case "time": return .time(argument)
            case "load": return .load(unquoted(argument))
            default: return .save(unquoted(argument))
            }
        default:
            let names = summaries.map { String($0.usage.dropFirst().prefix { !$0.isWhitespace }) }
            let hint = closest(to: word, in: names).map { "; did you mean :\($0)?" } ?? "; :help lists the commands"
            return .invalid("unknown command :\(word)\(hint)")
        }
    }

    private static func argumentName(_ command: String) -> String {
        switch command {
        case "doc": return "a function name"
        case "type", "time": return "an expression"
        default: return "a file name"
        }
    }

    /// `:load "my file.pref"` and `:load my file.pref` both name the same file.
    private static func unquoted(_ text: String) -> String {
        for q in ["\"", "'"] where text.count >= 2 && text.hasPrefix(q) && text.hasSuffix(q) {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    /// The command name sharing the longest prefix with `word` (at least one character).
    private static func closest(to word: String, in names: [String]) -> String? {
        let scored = names.map { name in (name, zip(name, word).prefix { $0 == $1 }.count) }
        guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 > 0 else { return nil }
        return best.0
    }
}
