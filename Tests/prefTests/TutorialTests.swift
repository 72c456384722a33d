import Foundation
import Testing
import _PrefTestSupport

/// docs/tutorial.md and the README run as written: every `pref` block of a page in order as one
/// session (so later blocks see earlier names), every `sh` block's `pref …` commands (the tutorial
/// only: the README's are the setup scripts), and every output shown under a block is what that
/// block prints. Blocks with `file=NAME` are written to the working directory first.
/// `PREF_RECORD_TUTORIAL=1` rewrites the output blocks from what the code prints (then review the
/// diff).
@Suite("tutorial and README") struct TutorialTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let marker = "\u{1}block "

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ arguments: [String], in directory: URL) throws -> Outcome {
        let p = Process()
        p.executableURL = TestBinaries.pref
        p.arguments = arguments
        p.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PREF_RUNS")
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Trailing spaces and blank lines are not part of an output.
    func normalized(_ s: String) -> String {
        var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    @Test(arguments: ["docs/tutorial.md", "README.md"])
    func everyCodeBlockRunsAndPrintsWhatThePageShows(_ name: String) throws {
        let page = TutorialTests.root.appendingPathComponent(name)
        let runsShell = name != "README.md"
        let text = try String(contentsOf: page, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let blocks = MarkdownCodeBlock.parse(text)
        #expect(blocks.count >= 3)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pref-tutorial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        for block in blocks {
            if let file = block.attributes["file"] {
                try (block.code + "\n").write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
            }
        }
        for block in blocks where block.attributes["file"] == nil && !["pref", "sh", "text"].contains(block.language) {
            Issue.record("\(name):\(block.fence.lowerBound + 1): a code block without file= must be pref, sh or text, not '\(block.language)'")
        }

        // What each block printed, by block index.
        var printed = [Int: String]()
        let session = blocks.indices.filter { blocks[$0].language == "pref" && blocks[$0].attributes["file"] == nil }
        var script = ""
        for i in session { script += "print(\"\\u{1}block \(i)\")\n" + blocks[i].code + "\n" }
        try script.write(to: dir.appendingPathComponent("tutorial-session.pref"), atomically: true, encoding: .utf8)
        let outcome = try run(["run", "--no-record", "tutorial-session.pref"], in: dir)
        #expect(outcome.status == 0, "\(name): the pref blocks failed:\n\(outcome.stderr)")
        var current: Int?
        for line in outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(TutorialTests.marker), let i = Int(line.dropFirst(TutorialTests.marker.count)) {
                current = i
                printed[i] = ""
            } else if let i = current {
                printed[i, default: ""] += line + "\n"
            }
        }

        for (i, block) in blocks.enumerated() where runsShell && block.language == "sh" {
            var output = ""
            for command in block.code.split(separator: "\n") where !command.hasPrefix("#") && !command.allSatisfy(\.isWhitespace) {
                let words = command.split(separator: " ").map(String.init)
                guard words.first == "pref" else {
                    Issue.record("\(name):\(block.fence.lowerBound + 1): only pref commands run here: \(command)")
                    continue
                }
                let result = try run(Array(words.dropFirst()), in: dir)
                #expect(result.status == 0, "\(command) failed:\n\(result.stderr)")
                output += result.stdout
                if let at = words.firstIndex(of: "--report"), at + 1 < words.count {
                    let report = (try? String(contentsOf: dir.appendingPathComponent(words[at + 1]), encoding: .utf8)) ?? ""
                    #expect(report.contains("<svg"), "\(command) wrote no report with a plot")
                }
            }
            printed[i] = output
        }

        var expected = [Int: Int]()  // code block → its output block
        for i in blocks.indices.dropLast() where blocks[i].language != "text" && blocks[i + 1].language == "text"
            && blocks[i].isFollowed(by: blocks[i + 1], in: lines) {
            expected[i] = i + 1
        }
        if ProcessInfo.processInfo.environment["PREF_RECORD_TUTORIAL"] != nil {
            try record(page, lines: lines, blocks: blocks, printed: printed, expected: expected)
            return
        }
        for i in session {
            let out = normalized(printed[i] ?? "")
            if let e = expected[i] {
                #expect(out == normalized(blocks[e].code), "\(name):\(blocks[i].fence.lowerBound + 1): the block prints\n\(out)")
            } else {
                #expect(out.isEmpty, "\(name):\(blocks[i].fence.lowerBound + 1): the block prints output the page does not show:\n\(out)")
            }
        }
        for (i, block) in blocks.enumerated() where runsShell && block.language == "sh" {
            if let e = expected[i] {
                #expect(normalized(printed[i] ?? "") == normalized(blocks[e].code), "\(name):\(block.fence.lowerBound + 1): the commands print\n\(printed[i] ?? "")")
            }
        }
    }

    /// Rewrites the page with each session block's output under it (and each shown `sh` output).
    func record(_ page: URL, lines: [String], blocks: [MarkdownCodeBlock], printed: [Int: String], expected: [Int: Int]) throws {
        var out = [String]()
        var next = 0  // next line of `lines` to copy
        for (i, block) in blocks.enumerated() {
            guard block.language != "text" || !expected.values.contains(i) else { continue }
            let isSession = block.language == "pref" && block.attributes["file"] == nil
            guard isSession || (block.language == "sh" && expected[i] != nil && printed[i] != nil) else { continue }
            out += lines[next...block.fence.upperBound]
            next = block.fence.upperBound + 1
            if let e = expected[i] { next = blocks[e].fence.upperBound + 1 }
            let text = normalized(printed[i] ?? "")
            if !text.isEmpty || expected[i] != nil { out += ["```text", text, "```"] }
        }
        out += lines[next...]
        try out.joined(separator: "\n").write(to: page, atomically: true, encoding: .utf8)
        Issue.record("recorded \(page.lastPathComponent); review the diff and run again without PREF_RECORD_TUTORIAL")
    }
}
