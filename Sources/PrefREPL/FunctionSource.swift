import PrefLanguage

/// A function declared in pref source (a Stdlib module or a REPL entry), as help shows it.
public struct FunctionSource: Equatable, Sendable {
    /// The function's name.
    public var name: String
    /// The header as written, without `fn`: `reduce(xs, f, initial)`.
    public var signature: String
    /// The `#` comment lines directly above the declaration, without the `#`.
    public var doc: String
    /// The declaration's source lines, with its doc comment.
    public var source: String

    /// Every top-level named `fn` in `text`. A declaration's source runs to the line before the
    /// next top-level statement (or its doc comment), or to the end of the text.
    public static func all(in text: String, path: String) -> [FunctionSource] {
        let file = SourceFile(path: path, text: text)
        let result = parse(file)
        let commentLines = Dictionary(result.comments.filter(\.isOwnLine).map { ($0.line, $0.text) },
                                      uniquingKeysWith: { first, _ in first })
        let starts = result.program.statements.map(\.range.start.line)
        var found: [FunctionSource] = []
        for (i, statement) in result.program.statements.enumerated() {
            guard case .function(let decl) = statement, let name = decl.name?.text else { continue }
            let line = decl.range.start.line
            var docStart = line
            while let comment = commentLines[docStart - 1], !comment.hasPrefix("# %%") { docStart -= 1 }
            var end = i + 1 < starts.count ? starts[i + 1] - 1 : file.lines.count
            // Leave the next declaration's doc comment and blank lines to it.
            while end > line, commentLines[end] != nil || file.line(end).allSatisfy(\.isWhitespace) { end -= 1 }
            let doc = (docStart..<line).compactMap { commentLines[$0] }.map(uncommented).joined(separator: "\n")
            let source = (docStart...end).map { String(file.line($0)) }.joined(separator: "\n")
            found.append(FunctionSource(name: name, signature: signature(of: decl, line: file.line(line)),
                                        doc: doc, source: source))
        }
        return found
    }

    /// `name(params)` from the header line when it closes there, else rebuilt from the names.
    static func signature(of decl: FunctionDecl, line: Substring) -> String {
        let name = decl.name?.text ?? "fn"
        if let start = line.range(of: "fn \(name)("), let close = header(line[start.upperBound...]) {
            return name + "(" + line[start.upperBound..<close] + ")"
        }
        let params = decl.parameters.map { $0.defaultValue == nil ? $0.name.text : $0.name.text + ": …" }
        return name + "(" + params.joined(separator: ", ") + ")"
    }

    /// The index of the `)` closing a parameter list that starts just after `(`.
    private static func header(_ text: Substring) -> Substring.Index? {
        var depth = 0
        for i in text.indices {
            switch text[i] {
            case "(", "[", "{": depth += 1
            case ")", "]", "}":
                if depth == 0 { return text[i] == ")" ? i : nil }
                depth -= 1
            default: break
            }
        }
        return nil
    }

    private static func uncommented(_ comment: String) -> String {
        var s = Substring(comment)
        if s.hasPrefix("#") { s = s.dropFirst() }
        if s.hasPrefix(" ") { s = s.dropFirst() }
        return String(s)
    }
}
