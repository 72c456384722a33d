import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// docs/errors.md cannot go stale: every ```pref block there is followed by a ```text block with
/// exactly what `pref run` prints for it (the script saved as example.pref). Record after a
/// deliberate wording change with `PREF_RECORD_ERRORS=1 swift test --skip-build --filter ErrorsDocTests`,
/// then read the diff.
@Suite("docs/errors.md") struct ErrorsDocTests {
    static var path: URL {
        ExamplesTests.directory.deletingLastPathComponent().appendingPathComponent("docs/errors.md")
    }

    /// (script, expected output, range of the expected text in the document) for each example.
    static func examples(_ doc: String) -> [(script: String, expected: String, range: Range<String.Index>)] {
        var out = [(String, String, Range<String.Index>)]()
        var cursor = doc.startIndex
        while let open = doc.range(of: "```pref\n", range: cursor..<doc.endIndex),
              let close = doc.range(of: "\n```\n", range: open.upperBound..<doc.endIndex) {
            let script = String(doc[open.upperBound..<close.lowerBound]) + "\n"
            cursor = close.upperBound
            let rest = doc[cursor...].drop { $0 == "\n" }
            guard rest.hasPrefix("```text\n"), let textOpen = doc.range(of: "```text\n", range: rest.startIndex..<doc.endIndex),
                  let textClose = doc.range(of: "\n```", range: textOpen.upperBound..<doc.endIndex) else {
                out.append((script, "", cursor..<cursor))
                continue
            }
            out.append((script, String(doc[textOpen.upperBound..<textClose.lowerBound]), textOpen.upperBound..<textClose.lowerBound))
            cursor = textClose.upperBound
        }
        return out
    }

    /// What `pref run example.pref` prints on stderr for `script`, without the directory.
    static func run(_ script: String) throws -> (code: Int32, output: String) {
        let dir = NSTemporaryDirectory() + "pref-errors-doc-\(getpid())-\(UInt64.random(in: 0...UInt64.max))/"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try script.write(toFile: dir + "example.pref", atomically: true, encoding: .utf8)
        var err = ""
        let session = Session(output: { _ in }, errorOutput: { err += $0 })
        let code = ScriptRunner(session: session).run(path: dir + "example.pref")
        var text = err.replacingOccurrences(of: dir, with: "")
        while text.hasSuffix("\n") { text.removeLast() }
        return (code, text)
    }

    @Test func everyExampleFailsExactlyAsDocumented() throws {
        var doc = try String(contentsOf: Self.path, encoding: .utf8)
        let examples = Self.examples(doc)
        #expect(examples.count >= 30, "docs/errors.md has \(examples.count) examples")
        let record = ProcessInfo.processInfo.environment["PREF_RECORD_ERRORS"] == "1"
        var recorded = [(Range<String.Index>, String)]()
        for e in examples {
            let (code, output) = try Self.run(e.script)
            #expect(code != 0, "runs without error:\n\(e.script)")
            if record { recorded.append((e.range, output)) } else {
                #expect(output == e.expected, "docs/errors.md is stale for:\n\(e.script)\npref prints:\n\(output)")
            }
        }
        if record {
            for (range, text) in recorded.reversed() {
                if range.isEmpty { doc.insert(contentsOf: "\n```text\n\(text)\n```\n", at: range.lowerBound) } else { doc.replaceSubrange(range, with: text) }
            }
            try doc.write(to: Self.path, atomically: true, encoding: .utf8)
        }
    }
}
