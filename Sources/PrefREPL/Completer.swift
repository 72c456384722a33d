import Foundation
import PrefLanguage
import PrefRuntime

/// The result of asking for completions at the cursor.
public struct Completions: Equatable, Sendable {
    /// The text just before the cursor that every candidate extends (a name's start, or a string
    /// literal's text so far).
    public var word: String
    /// Full replacements for `word`, sorted and unique (keyword arguments end in `": "`,
    /// directories in `/`).
    public var candidates: [String]

    public init(word: String, candidates: [String]) {
        self.word = word
        self.candidates = candidates
    }

    /// What Tab inserts after `word`: the rest of the only candidate, or of the candidates'
    /// longest common prefix.
    public var insertion: String {
        guard var prefix = candidates.first else { return "" }
        for c in candidates.dropFirst() {
            prefix = String(zip(prefix, c).prefix { $0 == $1 }.map(\.0))
        }
        return prefix.count > word.count ? String(prefix.dropFirst(word.count)) : ""
    }
}

/// Tab completion as a pure function of a session, a line and a cursor position, so it is tested
/// without a terminal. The line editor only inserts `insertion` or lists `candidates`.
public enum Completer {
    /// The language's keywords (docs/language.md, Names and keywords).
    static let keywords = ["let", "var", "param", "fn", "if", "else", "for", "in", "while", "break", "continue",
                           "return", "import", "as", "true", "false", "none", "and", "or", "not"]

    /// Completions for `line` with the cursor after `cursor` characters. Nothing is evaluated:
    /// members are found by looking names up in the session's globals.
    public static func complete(session: Session, line: String, cursor: Int) -> Completions {
        let before = String(line.prefix(max(0, cursor)))
        switch CompletionContext.of(before) {
        case .none:
            return Completions(word: "", candidates: [])
        case .path(let text):
            return Completions(word: text, candidates: paths(matching: text, relativeTo: session.workingDirectory))
        case .member(let receiver, let word):
            let members = value(of: receiver, in: session).map(memberNames) ?? []
            return Completions(word: word, candidates: matching(members, word))
        case .name(let word, let call, let given):
            if let call, let parameters = parameterNames(of: call, in: session) {
                let labels = parameters.dropFirst(given.positional).filter { !given.labels.contains($0) }.map { $0 + ": " }
                let offered = matching(labels, word)
                // Inside a call's parentheses the keyword arguments win when one fits: `dpo(be`
                // means `beta: ` far more often than a global that starts with "be".
                if !offered.isEmpty { return Completions(word: word, candidates: offered) }
            }
            // An empty word would list every name; Tab there indents instead (see LineEditor).
            guard !word.isEmpty else { return Completions(word: "", candidates: []) }
            return Completions(word: word, candidates: matching(names(in: session) + keywords, word))
        }
    }

    /// Names bound in the session (globals, builtins, prelude), hiding `_`-names unless asked.
    static func names(in session: Session) -> [String] {
        session.interpreter.globals.names.filter { session.interpreter.global($0) != nil }
    }

    static func matching(_ names: [String], _ word: String) -> [String] {
        let hidePrivate = !word.hasPrefix("_")
        return Array(Set(names.filter { $0.hasPrefix(word) && !(hidePrivate && $0.hasPrefix("_")) })).sorted()
    }

    /// The value of `a.b.c`, following record fields and native members; nil if any link is missing.
    static func value(of chain: [String], in session: Session) -> Value? {
        guard let head = chain.first, var v = session.interpreter.global(head) else { return nil }
        for name in chain.dropFirst() {
            switch v {
            case .record(let r): guard let next = r[name] else { return nil }; v = next
            case .native(let n): guard let next = n.object.member(name) else { return nil }; v = next
            default: return nil
            }
        }
        return v
    }

    static func memberNames(of value: Value) -> [String] {
        switch value {
        case .record(let r): return r.keys
        case .native(let n): return n.object.memberNames
        case .tensor: return ["shape", "dtype", "rank", "T"]
        default: return []
        }
    }

    /// Parameter names of the function a call chain names: a builtin's declared parameters or a
    /// user `fn`'s.
    static func parameterNames(of callee: [String], in session: Session) -> [String]? {
        switch value(of: callee, in: session) {
        case .builtin(let b)?: return b.builtin.parameters.map(\.name)
        case .function(let f)?: return f.code.parameterNames
        default: return nil
        }
    }

    /// Files and directories whose path starts with `text`, as written (relative paths against
    /// `directory` or the current one; `~/` is the home directory).
    static func paths(matching text: String, relativeTo directory: String?) -> [String] {
        let slash = text.lastIndex(of: "/")
        let dirPart = slash.map { String(text[...$0]) } ?? ""
        let base = slash.map { String(text[text.index(after: $0)...]) } ?? text
        var dir = dirPart.isEmpty ? "." : dirPart
        if dir.hasPrefix("~/") { dir = NSHomeDirectory() + dir.dropFirst() }
        if !dir.hasPrefix("/"), let directory { dir = directory + "/" + dir }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return entries.filter { $0.hasPrefix(base) && (base.hasPrefix(".") || !$0.hasPrefix(".")) }.map { name in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDirectory)
            return dirPart + name + (exists && isDirectory.boolValue ? "/" : "")
        }.sorted()
    }
}
