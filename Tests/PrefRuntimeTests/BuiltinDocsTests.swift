import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

@Suite("builtin reference") struct BuiltinDocsTests {
    @Test func committedReferenceIsCurrent() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/builtins.md")
        let committed = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        #expect(committed == BuiltinDocs.markdown(), "docs/builtins.md is stale: run `pref doc` and commit it")
    }

    @Test func everyBuiltinIsDocumentedOnceWithAnExample() {
        var seen = Set<String>()
        for b in BuiltinLibrary.all {
            #expect(!seen.contains(b.name), "\(b.name) is declared twice")
            seen.insert(b.name)
            #expect(!b.doc.isEmpty, "\(b.name) has no doc")
            #expect(!b.example.isEmpty, "\(b.name) has no example")
        }
    }

    @Test func oneEntry() throws {
        let b = try #require(BuiltinDocs.lookup("print"))
        #expect(BuiltinDocs.entry(b, markdown: false).hasPrefix("print(...)\n\nPrints its arguments"))
    }
}
