/// Formats a pref script in the one canonical layout described in docs/language.md
/// ("Formatting"): two-space indentation, one statement per line, comments kept where they
/// were, lines broken at 100 columns. The result means exactly what the input meant.
///
/// - Throws: `DiagnosticError` with the syntax errors when the source does not parse (a broken
///   file is never formatted), or `FormatError` if the formatter could not reproduce the
///   program faithfully (a bug; the input should then be left as it is).
public func format(_ source: String, path: String) throws -> String {
    let file = SourceFile(path: path, text: source)
    let parsed = parse(file)
    let errors = parsed.diagnostics.filter { $0.severity == .error }
    guard errors.isEmpty else { throw DiagnosticError(errors) }
    let formatter = Formatter(file: file, comments: parsed.comments)
    let doc = formatter.program(parsed.program)
    if let failure = formatter.failure { throw FormatError(path: path, message: failure) }
    let output = DocPrinter(width: Formatter.width).print(doc)
    try verify(output, against: parsed, path: path)
    return output
}

/// The formatter failed to reproduce a program (a bug in the formatter, never in the script).
public struct FormatError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String {
        "\(path): error: cannot format this file: \(message) (the file was left unchanged; please report this)"
    }
}

/// Checks that the output parses to the same program with every comment, so that a formatter
/// bug can never change what a script means or lose a comment.
private func verify(_ output: String, against original: ParseResult, path: String) throws {
    let reparsed = parse(SourceFile(path: path, text: output))
    guard reparsed.diagnostics.isEmpty else {
        let first = reparsed.diagnostics[0]
        throw FormatError(path: path, message: "the output does not parse (\(first.message) at \(first.range?.start.description ?? "?"))")
    }
    guard reparsed.comments.map(\.text).sorted() == original.comments.map(\.text).sorted() else {
        throw FormatError(path: path, message: "the output does not keep every comment")
    }
    let statements = (original.program.statements, reparsed.program.statements)
    guard statements.0.count == statements.1.count else {
        throw FormatError(path: path, message: "the output has a different number of statements")
    }
    // ASTDump recurses once per tree level, and left-nested chains (`a + b + …`) are not
    // bounded by the parser: compare only trees shallow enough for that to be safe.
    for (a, b) in zip(statements.0, statements.1) where TreeDepth.of(a) < 1_000 {
        if ASTDump.statement(a) != ASTDump.statement(b) {
            throw FormatError(path: path, message: "the output means something else near line \(a.range.start.line)")
        }
    }
}
