import Foundation
import Testing
import _PrefTestSupport

/// docs/errors.md cannot go stale. Each entry is a `pref` block (saved as example.pref), the data
/// files it reads (blocks with `file=NAME`, written next to it first), optionally an `sh` block
/// with the one `pref …` command to run (otherwise `pref run example.pref`), and a `text` block
/// with exactly what the built binary prints on stderr. Record after a deliberate wording change
/// with `PREF_RECORD_ERRORS=1 swift test --skip-build --filter ErrorsDocTests`, then read the diff.
@Suite("docs/errors.md") struct ErrorsDocTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/errors.md")

    struct Entry {
        var script: MarkdownCodeBlock
        var files: [MarkdownCodeBlock]
        var command: [String]
        /// The block after which the output belongs (the script, or its `sh` block).
        var last: MarkdownCodeBlock
        var expected: MarkdownCodeBlock?
    }

    /// Groups the page's blocks into entries; a block that fits no entry is reported.
    static func entries(_ blocks: [MarkdownCodeBlock], lines: [String]) -> [Entry] {
        var out = [Entry]()
        var files = [MarkdownCodeBlock]()
        var i = 0
        while i < blocks.count {
            let block = blocks[i]
            i += 1
            if block.attributes["file"] != nil { files.append(block); continue }
            guard block.language == "pref" else {
                Issue.record("errors.md:\(block.fence.lowerBound + 1): a '\(block.language)' block outside an entry")
                continue
            }
            var entry = Entry(script: block, files: files, command: ["run", "example.pref"], last: block)
            files = []
            if i < blocks.count, blocks[i].language == "sh", block.isFollowed(by: blocks[i], in: lines) {
                let words = blocks[i].code.split(separator: " ").map(String.init)
                if words.count >= 2, words[0] == "$", words[1] == "pref" { entry.command = Array(words.dropFirst(2)) } else {
                    Issue.record("errors.md:\(blocks[i].fence.lowerBound + 1): an sh block here is one '$ pref …' command")
                }
                entry.last = blocks[i]
                i += 1
            }
            if i < blocks.count, blocks[i].language == "text", entry.last.isFollowed(by: blocks[i], in: lines) {
                entry.expected = blocks[i]
                i += 1
            }
            out.append(entry)
        }
        return out
    }

    /// Runs one entry in a directory of its own: (exit status, stderr without trailing blank lines).
    static func run(_ entry: Entry) throws -> (status: Int32, stderr: String) {
        try ScratchDirectory.with("pref-errors-doc") { dir in
            let folder = URL(fileURLWithPath: dir)
            try (entry.script.code + "\n").write(to: folder.appendingPathComponent("example.pref"), atomically: true, encoding: .utf8)
            for file in entry.files {
                try (file.code + "\n").write(to: folder.appendingPathComponent(file.attributes["file"] ?? ""), atomically: true, encoding: .utf8)
            }
            let p = Process()
            p.executableURL = TestBinaries.pref
            p.arguments = entry.command
            p.currentDirectoryURL = folder
            var env = ProcessInfo.processInfo.environment
            env["PREF_RUNS"] = folder.appendingPathComponent("runs").path
            p.environment = env
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            p.standardInput = FileHandle.nullDevice
            try p.run()
            let data = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            var text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: dir + "/", with: "")
            while text.hasSuffix("\n") { text.removeLast() }
            return (p.terminationStatus, text)
        }
    }

    @Test func everyExampleFailsExactlyAsDocumented() throws {
        let text = try String(contentsOf: Self.page, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let entries = Self.entries(MarkdownCodeBlock.parse(text), lines: lines)
        #expect(entries.count >= 50, "docs/errors.md has \(entries.count) examples")
        #expect(entries.contains { !$0.files.isEmpty }, "no entry reads a data file")
        #expect(entries.contains { $0.command != ["run", "example.pref"] }, "no entry shows a command-line error")
        let record = ProcessInfo.processInfo.environment["PREF_RECORD_ERRORS"] == "1"
        var outputs = [String]()
        for e in entries {
            let (status, output) = try Self.run(e)
            #expect(status != 0, "runs without error:\n\(e.script.code)")
            #expect(!output.isEmpty, "prints nothing on stderr:\n\(e.script.code)")
            outputs.append(output)
            if !record {
                #expect(output == e.expected?.code, "docs/errors.md:\(e.script.fence.lowerBound + 1) is stale; pref prints:\n\(output)")
            }
        }
        guard record else { return }
        // Rewrite from the bottom so earlier line numbers stay valid.
        var page = lines
        for (e, output) in zip(entries, outputs).reversed() {
            let block = ["```text"] + output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + ["```"]
            if let old = e.expected { page.replaceSubrange(old.fence, with: block) } else {
                page.insert(contentsOf: [""] + block, at: e.last.fence.upperBound + 1)
            }
        }
        try page.joined(separator: "\n").write(to: Self.page, atomically: true, encoding: .utf8)
        Issue.record("recorded docs/errors.md; review the diff and run again without PREF_RECORD_ERRORS")
    }
}
