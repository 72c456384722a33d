import PrefLanguage

/// How the REPL shows an entry's value. This is the one place results are rendered, so the
/// terminal renderers (`TerminalRenderer.render(_:width:color:)` in PrefRuntime/Display, with
/// tables and braille plots) replace the body of `text(for:)` when they are merged.
public enum ResultEcho {
    /// The text echoed for `value` (with a trailing newline), or "" for `none`, which is not shown.
    /// - Parameters:
    ///   - width: the terminal's width in columns.
    ///   - color: whether ANSI colour may be used.
    public static func text(for value: Value, width: Int, color: Bool) -> String {
        if case .none = value { return "" }
        // Until TerminalRenderer lands: the values' own display, which ignores width and colour.
        _ = (width, color)
        return value.reprText + "\n"
    }

    /// A value cut to one line of at most `limit` characters (for `:vars`).
    public static func short(_ value: Value, limit: Int) -> String {
        let text = value.reprText.replacingNewlines
        guard text.count > limit, limit > 1 else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}

extension String {
    /// Line breaks shown as spaces, for one-line summaries.
    var replacingNewlines: String {
        String(map { $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}
