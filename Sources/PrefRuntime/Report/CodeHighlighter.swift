import PrefLanguage

/// pref code as HTML with `<span class="…">` around keywords (`k`), numbers (`n`), strings (`s`)
/// and comments (`c`), from the language's own lexer, so the colours follow the real grammar
/// (a `#` inside a string is not a comment). Everything else is escaped text.
enum CodeHighlighter {
    static func html(_ code: String) -> String {
        let lexed = tokenize(SourceFile(path: "<cell>", text: code))
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        var classes = lines.map { [String?](repeating: nil, count: $0.count) }
        func mark(line: Int, column: Int, length: Int, _ cls: String) {
            let l = line - 1
            guard l >= 0, l < lines.count else { return }
            let start = max(column - 1, 0), end = min(start + length, lines[l].count)
            guard start < end else { return }
            for i in start..<end { classes[l][i] = cls }
        }
        let keywords = TokenKind.let.rawValue...TokenKind.not.rawValue
        for t in lexed.tokens {
            let cls: String? = switch t.kind {
            case .number: "n"
            case .string: "s"
            case _ where keywords.contains(t.kind.rawValue): "k"
            default: nil
            }
            if let cls { mark(line: t.range.start.line, column: t.range.start.column, length: t.range.length, cls) }
        }
        for c in lexed.comments {
            mark(line: c.line, column: c.column, length: c.text.count, "c")
        }
        var out = ""
        for (l, chars) in lines.enumerated() {
            if l > 0 { out += "\n" }
            var i = 0
            while i < chars.count {
                var j = i
                while j < chars.count && classes[l][j] == classes[l][i] { j += 1 }
                let text = HTMLText.escape(String(chars[i..<j]))
                out += classes[l][i].map { "<span class=\"\($0)\">\(text)</span>" } ?? text
                i = j
            }
        }
        return out
    }
}
