/// The fenced code blocks of a Markdown document, so a test can run the code of a page (the
/// tutorial) and compare what it prints with the output shown under it.
///
/// A block is a line "```info" up to the next line "```". Each block remembers the line range
/// it covers, so a recording test can rewrite the output blocks in place.
public struct MarkdownCodeBlock: Equatable, Sendable {
    /// The info string's first word ("pref", "sh", "text"), or "" for a bare fence.
    public var language: String
    /// The info string's `key=value` words (`file=experiment.pref`).
    public var attributes: [String: String]
    public var code: String
    /// 0-based indices of the opening and closing fence lines.
    public var fence: ClosedRange<Int>

    /// Splits a document into its code blocks; an unclosed fence runs to the end of the text.
    public static func parse(_ text: String) -> [MarkdownCodeBlock] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks = [MarkdownCodeBlock]()
        var i = 0
        while i < lines.count {
            guard lines[i].hasPrefix("```") else { i += 1; continue }
            let words = lines[i].dropFirst(3).split(separator: " ").map(String.init)
            var attributes = [String: String]()
            for word in words.dropFirst() {
                let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { attributes[parts[0]] = parts[1] }
            }
            var end = i + 1
            while end < lines.count, lines[end] != "```" { end += 1 }
            let body = lines[(i + 1)..<min(end, lines.count)].joined(separator: "\n")
            blocks.append(MarkdownCodeBlock(language: words.first ?? "", attributes: attributes, code: body,
                                            fence: i...min(end, lines.count - 1)))
            i = end + 1
        }
        return blocks
    }

    /// Whether `next` follows this block with only blank lines between them in `lines`.
    public func isFollowed(by next: MarkdownCodeBlock, in lines: [String]) -> Bool {
        guard next.fence.lowerBound > fence.upperBound else { return false }
        return lines[(fence.upperBound + 1)..<next.fence.lowerBound].allSatisfy { $0.allSatisfy(\.isWhitespace) }
    }
}
