import Foundation
internal import CEditLine
internal import CEditLineShim

/// The REPL's own editor commands: completion, bracketed paste and prefix history search.
extension LineEditor {
    /// Tab: inserts the only candidate or the candidates' common prefix; when nothing can be
    /// inserted, a second Tab lists the candidates in columns. On an empty word, Tab indents.
    func completeAtCursor() -> UInt8 {
        let (text, cursor) = currentLine
        let result = complete(text, cursor)
        if result.candidates.isEmpty {
            let before = text.prefix(cursor)
            if before.last.map({ $0 == " " || $0 == "\t" || $0 == "(" || $0 == "{" }) ?? true {
                insert("  ")
                return UInt8(CC_REFRESH)
            }
            return UInt8(CC_REFRESH_BEEP)
        }
        let insertion = result.insertion
        if !insertion.isEmpty {
            insert(insertion)
            lastUnresolvedTab = nil
            return UInt8(CC_REFRESH)
        }
        if let last = lastUnresolvedTab, last.line == text, last.cursor == cursor {
            writeToTerminal("\n" + Columns.layout(result.candidates, width: Terminal.width))
            return UInt8(CC_REDISPLAY)
        }
        lastUnresolvedTab = (text, cursor)
        return UInt8(CC_REFRESH_BEEP)
    }

    /// `ESC [200~`: reads the pasted text up to `ESC [201~` directly, so pasted tabs are text and
    /// never trigger completion. A one-line paste is inserted; a multi-line paste ends the line
    /// and is returned with it as one input (notes/libedit-openblas.md B.3.12).
    func takePaste() -> UInt8 {
        let terminator = Array("\u{1b}[201~".unicodeScalars)
        var scalars: [Unicode.Scalar] = []
        var character: wchar_t = 0
        while el_wgetc(editLine, &character) == 1 {
            guard let scalar = Unicode.Scalar(UInt32(bitPattern: character)) else { continue }
            scalars.append(scalar)
            if scalars.count >= terminator.count, Array(scalars.suffix(terminator.count)) == terminator {
                scalars.removeLast(terminator.count)
                break
            }
        }
        var text = String(String.UnicodeScalarView(scalars))
        // Terminals send line breaks in a paste as carriage returns.
        text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        text = EntryCompleteness.strippingPrompts(text)
        while text.hasSuffix("\n") { text.removeLast() }
        guard text.contains("\n") else {
            insert(text)
            return UInt8(CC_REFRESH)
        }
        // The line typed before the paste becomes the entry's start; move to its end first.
        replaceLine(with: currentLine.text)
        pendingPaste = text
        return UInt8(CC_NEWLINE)
    }

    /// Up/Down: the next older (newer) history entry that starts with the text before the cursor
    /// when the search began; the typed line comes back after the newest match.
    func searchHistory(older: Bool) -> UInt8 {
        let (text, cursor) = currentLine
        if !search.isContinuing(line: text) {
            search = HistorySearch(prefix: String(text.prefix(cursor)), original: text)
        }
        guard let next = search.step(older: older, entries: history.entries) else { return UInt8(CC_REFRESH_BEEP) }
        replaceLine(with: next)
        return UInt8(CC_REFRESH)
    }
}

/// Names laid out in columns, row by row, as shells list completions.
enum Columns {
    static func layout(_ items: [String], width: Int) -> String {
        let cell = (items.map(\.count).max() ?? 0) + 2
        let perRow = max(1, width / max(cell, 1))
        var out = ""
        for (i, item) in items.enumerated() {
            let last = i % perRow == perRow - 1 || i == items.count - 1
            out += last ? item + "\n" : item.padding(toLength: cell, withPad: " ", startingAt: 0)
        }
        return out
    }
}
