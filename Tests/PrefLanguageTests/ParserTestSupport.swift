import Testing
import _PrefTestSupport
@testable import PrefLanguage

/// Shared helpers for the lexer and parser tests.
enum ParseFixture {
    static func file(_ text: String) -> SourceFile { SourceFile(path: "t.pref", text: text) }

    static func result(_ text: String) -> ParseResult { parse(file(text)) }

    /// The dump of a program that must parse without diagnostics.
    static func tree(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        let r = result(text)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map { $0.rendered() }.joined())", sourceLocation: sourceLocation)
        return dump(r.program)
    }

    /// Every diagnostic, rendered and concatenated.
    static func rendered(_ text: String) -> String {
        result(text).diagnostics.map { $0.rendered() }.joined()
    }

    static func kinds(_ text: String) -> [TokenKind] {
        tokenize(file(text)).tokens.map(\.kind)
    }
}

/// The seeded generator of the parser and formatter fuzz cases.
typealias FuzzGenerator = SplitMix64
