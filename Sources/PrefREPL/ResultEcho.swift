import PrefLanguage
import PrefRuntime

/// How the REPL shows an entry's value: through the terminal renderers of PrefRuntime/Display
/// (abbreviated containers, tensors, tables with box drawing, braille plots), fitted to the
/// terminal's width.
public enum ResultEcho {
    /// The text echoed for `value` (with a trailing newline), or "" for `none`, which is not shown.
    /// - Parameters:
    ///   - width: the terminal's width in columns.
    ///   - color: whether ANSI colour may be used.
    public static func text(for value: Value, width: Int, color: Bool) -> String {
        if case .none = value { return "" }
        let text = TerminalRenderer.render(value, width: width, color: color)
        return text.hasSuffix("\n") ? text : text + "\n"
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
