import Foundation
import Testing
@testable import PrefLanguage

/// The formatter over every script of the repository: golden scripts, examples and the Stdlib.
/// Each must format to a fixed point, keep every comment, and parse to the same tree.
@Suite struct FormatCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Paths relative to the repository root, sorted.
    static let scripts: [String] = {
        var paths: [String] = []
        for dir in ["Tests/Golden", "examples", "Stdlib"] {
            let base = root.appendingPathComponent(dir)
            let found = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
            paths += found.filter { $0.hasSuffix(".pref") }.map { "\(dir)/\($0)" }
        }
        return paths.sorted()
    }()

    static func source(_ relative: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)) ?? ""
    }

    @Test func theCorpusIsFound() {
        #expect(Self.scripts.contains("examples/language_tour.pref"))
        #expect(Self.scripts.contains("Stdlib/prelude.pref"))
        #expect(Self.scripts.count > 40)
    }

    @Test(arguments: scripts)
    func formatsToAFixedPointThatMeansTheSame(_ relative: String) throws {
        let text = Self.source(relative)
        let original = parse(SourceFile(path: relative, text: text))
        // Scripts with syntax errors on purpose are never formatted.
        guard original.diagnostics.isEmpty else {
            #expect(throws: DiagnosticError.self) { try format(text, path: relative) }
            return
        }
        let once = try format(text, path: relative)
        let twice = try format(once, path: relative)
        #expect(once == twice, "not idempotent:\n\(unifiedDiff(old: once, new: twice, path: relative))")

        let formatted = parse(SourceFile(path: relative, text: once))
        #expect(formatted.diagnostics.isEmpty)
        #expect(formatted.comments.map(\.text).sorted() == original.comments.map(\.text).sorted())
        #expect(formatted.program.cells.map { [$0.title] + $0.prose } == original.program.cells.map { [$0.title] + $0.prose })
        #expect(dump(formatted.program) == dump(original.program))
        #expect(once.hasSuffix("\n") && !once.hasSuffix("\n\n"))
        #expect(!once.split(separator: "\n").contains { $0.count > 100 && !$0.contains("\"") && !$0.contains("#") },
                "a line over 100 columns that could have been broken")
    }
}
