/// What the text before the cursor asks to complete, found by scanning the line (no parsing:
/// the line is usually unfinished).
enum CompletionContext: Equatable {
    /// A name: a global, builtin or keyword. `call` is the callee when the word is an argument
    /// position of an open call, so its keyword arguments can be offered; `given` says which
    /// arguments that call already has.
    case name(word: String, call: [String]?, given: GivenArguments)
    /// A member after `receiver.` (a chain of names, e.g. `["run", "config"]`).
    case member(receiver: [String], word: String)
    /// A file path inside a string literal: the literal's text so far.
    case path(String)
    /// Nothing sensible to complete (e.g. after a number or a closing bracket).
    case none

    /// Scans `before`, the line up to the cursor.
    static func of(_ before: String) -> CompletionContext {
        let chars = Array(before)
        var scan = CodeScan()
        for i in chars.indices { scan.feed(chars, at: i) }
        if scan.inComment { return .none }
        if let quote = scan.openString { return .path(String(chars[(quote + 1)...])) }
        let codeStart = scan.interpolationStart.map { $0 + 1 } ?? 0
        let code = Array(chars[codeStart...])
        var start = code.count
        while start > 0, isNameCharacter(code[start - 1]) { start -= 1 }
        let word = String(code[start...])
        if let first = word.first, first.isNumber { return .none }
        var i = start - 1
        if i >= 0, code[i] == "." {
            let receiver = nameChain(endingBefore: i, in: code)
            return receiver.isEmpty ? .none : .member(receiver: receiver, word: word)
        }
        while i >= 0, code[i] == " " || code[i] == "\t" { i -= 1 }
        // Keyword arguments are offered where an argument starts: right after `(` or `,`.
        guard i >= 0, code[i] == "(" || code[i] == ",", let open = innermostOpenParen(in: Array(code[..<start])),
              case let callee = nameChain(endingBefore: open, in: code), !callee.isEmpty
        else { return .name(word: word, call: nil, given: GivenArguments()) }
        return .name(word: word, call: callee, given: arguments(in: Array(code[(open + 1)..<start])))
    }

    static func isNameCharacter(_ c: Character) -> Bool {
        c == "_" || c.isLetter || c.isNumber || c.unicodeScalars.first?.properties.generalCategory == .nonspacingMark
    }

    /// `a.b.c` ending just before `end` (which is a `.` or `(`), as ["a", "b", "c"]; empty when
    /// the text there is not a plain chain of names (a call, an index, a literal).
    static func nameChain(endingBefore end: Int, in code: [Character]) -> [String] {
        var parts: [String] = []
        var i = end - 1
        while true {
            var start = i + 1
            while start > 0, isNameCharacter(code[start - 1]) { start -= 1 }
            guard start <= i, let first = code[start...i].first, !first.isNumber else { return [] }
            parts.insert(String(code[start...i]), at: 0)
            guard start >= 2, code[start - 1] == "." else { break }
            i = start - 2
        }
        return parts
    }

    /// The index of the `(` that is still open at the end of `code`, if the innermost open
    /// bracket is a parenthesis.
    static func innermostOpenParen(in code: [Character]) -> Int? {
        var scan = CodeScan()
        for i in code.indices { scan.feed(code, at: i) }
        guard let last = scan.openBrackets.last, code[last] == "(" else { return nil }
        return last
    }

    /// The arguments before the cursor in a call's text: `name:` labels, and how many come
    /// without one (they fill the first parameters).
    static func arguments(in text: [Character]) -> GivenArguments {
        var scan = CodeScan()
        var given = GivenArguments()
        var labelled = false
        for i in text.indices {
            scan.feed(text, at: i)
            guard scan.openBrackets.isEmpty, scan.openString == nil, scan.interpolationStart == nil else { continue }
            if text[i] == ",", !labelled {
                given.positional += 1
            }
            if text[i] == "," { labelled = false }
            guard text[i] == ":" else { continue }
            var start = i
            while start > 0, isNameCharacter(text[start - 1]) { start -= 1 }
            if start < i {
                given.labels.append(String(text[start..<i]))
                labelled = true
            }
        }
        return given
    }
}

/// The arguments a call already has, before the one being typed.
struct GivenArguments: Equatable {
    var labels: [String] = []
    var positional = 0
}

/// Tracks strings, interpolations and brackets while reading code one character at a time.
struct CodeScan {
    /// Index of the quote that opened the string the scan is in, if any.
    var openString: Int?
    var quote: Character = "\""
    var escaped = false
    /// Index of the `{` of the interpolation the scan is in (inside a string), if any.
    var interpolationStart: Int?
    var outerQuote: (index: Int, quote: Character)?
    /// Indices of the brackets still open, innermost last.
    var openBrackets: [Int] = []
    /// After a `#` outside strings: the rest of the line is a comment.
    var inComment = false

    mutating func feed(_ chars: [Character], at i: Int) {
        if inComment { return }
        let c = chars[i]
        if openString != nil {
            if escaped { escaped = false; return }
            if c == "\\" { escaped = true; return }
            if c == quote { openString = nil; return }
            // `{{` is a literal brace; a single `{` starts an interpolation, read as code.
            if c == "{", interpolationStart == nil, !(i + 1 < chars.count && chars[i + 1] == "{"),
               !(i > 0 && chars[i - 1] == "{") {
                outerQuote = (openString ?? i, quote)
                interpolationStart = i
                openString = nil
                openBrackets = []
            }
            return
        }
        switch c {
        case "#": inComment = true
        case "\"", "'": openString = i; quote = c
        case "(", "[", "{": openBrackets.append(i)
        case ")", "]":
            if !openBrackets.isEmpty { openBrackets.removeLast() }
        case "}":
            if openBrackets.isEmpty, let outer = outerQuote {
                // The interpolation closed: back inside the string.
                openString = outer.index
                quote = outer.quote
                interpolationStart = nil
                outerQuote = nil
            } else if !openBrackets.isEmpty {
                openBrackets.removeLast()
            }
        default: break
        }
    }
}
