import PrefLanguage

/// Decides whether a REPL entry is finished or needs continuation lines, using the parser's own
/// notion of "the input ended too early" (an open bracket, brace or string, a trailing operator,
/// a `fn` header without its body), so the REPL and the language never disagree.
public enum EntryCompleteness {
    /// True when `text` should be followed by more lines before it is evaluated. Entries with a
    /// real syntax error are complete: they are evaluated, and the error is shown.
    public static func needsMoreInput(_ text: String) -> Bool {
        if text.allSatisfy(\.isWhitespace) { return false }
        // Colon commands and help requests are always one line.
        if let first = text.first(where: { !$0.isWhitespace }), first == ":" || first == "?" { return false }
        return parse(SourceFile(path: "<repl>", text: text)).isIncomplete
    }

    /// Removes REPL prompts at the start of pasted lines (`pref> ` and the continuation prompt),
    /// so a transcript copied from a session can be pasted back.
    public static func strippingPrompts(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let primary = Prompt.primary.trimmingTrailingSpace
        // Only a transcript (some line starts with the primary prompt) is rewritten, so code whose
        // line happens to start like the continuation prompt is left alone.
        guard lines.contains(where: { $0.hasPrefix(primary) }) else { return text }
        return lines.map { line -> Substring in
            for prompt in [Prompt.primary, Prompt.continuation, primary, Prompt.continuation.trimmingTrailingSpace]
            where line.hasPrefix(prompt) {
                return line.dropFirst(prompt.count)
            }
            return line
        }.joined(separator: "\n")
    }
}

/// The REPL's prompts.
public enum Prompt {
    /// Before a new entry.
    public static let primary = "pref> "
    /// Before each continuation line of an incomplete entry; as wide as `primary` so code lines up.
    public static let continuation = "  ... "
}

extension String {
    /// The string without trailing spaces (`"pref> "` → `"pref>"`).
    var trimmingTrailingSpace: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
