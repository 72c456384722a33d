import Testing
@testable import PrefLanguage

/// Comments in every place a script allows them: each corpus script with comments inserted at
/// random line ends, on lines of their own, and after brackets, commas and operators. Every
/// variant that still parses must format (the formatter checks that the output means the same
/// and keeps every comment) to a fixed point.
@Suite struct FormatFuzzTests {
    /// `source` with comments inserted where `random` says.
    static func withComments(_ source: String, _ random: inout FuzzGenerator) -> String {
        var out = ""
        var n = 0
        for ch in source {
            n += 1
            if ch == "\n" && Double.random(in: 0..<1, using: &random) < 0.3 { out += "  # t\(n)" }
            if ",([{+*=:".contains(ch) && Double.random(in: 0..<1, using: &random) < 0.15 {
                out.append(ch)
                out += Bool.random(using: &random) ? " # m\(n)\n" : "\n# q\(n)\n"
                continue
            }
            if ")]}".contains(ch) && Double.random(in: 0..<1, using: &random) < 0.1 { out += "\n  # z\(n)\n" }
            out.append(ch)
            if ch == "\n" && Double.random(in: 0..<1, using: &random) < 0.2 { out += "# o\(n)\n" }
        }
        return out
    }

    @Test(arguments: FormatCorpusTests.scripts)
    func commentsAnywhere(_ relative: String) throws {
        let text = FormatCorpusTests.source(relative)
        guard parse(SourceFile(path: relative, text: text)).diagnostics.isEmpty else { return }
        var random = FuzzGenerator(seed: UInt64(truncatingIfNeeded: relative.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        for _ in 0..<6 {
            let variant = Self.withComments(text, &random)
            guard parse(SourceFile(path: relative, text: variant)).diagnostics.isEmpty else { continue }
            let once = try format(variant, path: relative)
            let twice = try format(once, path: relative)
            #expect(once == twice, "not idempotent for\n\(variant)\n\(unifiedDiff(old: once, new: twice, path: relative))")
        }
    }
}
