import Testing
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

/// A small seeded generator (SplitMix64) so fuzz cases are the same on every run.
struct FuzzGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
