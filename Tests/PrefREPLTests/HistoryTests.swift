import Foundation
import Testing
@testable import PrefREPL

/// A fresh directory per test, so parallel tests never share a history file.
private func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("pref-history-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("LineHistory")
struct HistoryTests {
    @Test func addKeepsOrderAndDropsConsecutiveDuplicates() {
        let history = LineHistory(capacity: 10)
        for line in ["a", "b", "b", "a", "a", "c"] { history.add(line) }
        // Only *consecutive* repeats go: the second "a" after "b" stays.
        #expect(history.entries == ["a", "b", "a", "c"])
        #expect(history.count == 4)
    }

    @Test func blankLinesAndTrailingNewlinesAreNotRecorded() {
        let history = LineHistory(capacity: 10)
        for line in ["", "   ", "\t", "\n", "x = 1\n", "x = 1"] { history.add(line) }
        #expect(history.entries == ["x = 1"])
    }

    @Test func capacityDropsTheOldest() {
        let history = LineHistory(capacity: 3)
        for line in ["1", "2", "3", "4", "5"] { history.add(line) }
        #expect(history.capacity == 3)
        #expect(history.entries == ["3", "4", "5"])
    }

    @Test func clearRemovesEverything() {
        let history = LineHistory(capacity: 5)
        history.add("a")
        history.clear()
        #expect(history.entries.isEmpty)
        #expect(history.count == 0)
    }

    @Test func saveThenLoadRoundTrips() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("history").path
        let lines = [
            "let x = [1, 2, 3]", "a\tb", #"path\to\file \n"#, "héllo λ", "  indented  ",
            "fn f(x) {\n  x * 2\n}",  // a multi-line input stays one entry
        ]
        let original = LineHistory(capacity: 100)
        for line in lines { original.add(line) }
        try original.save(to: path)

        let contents = try String(contentsOfFile: path, encoding: .utf8)
        #expect(contents.hasPrefix("_HiStOrY_V2_\n"))
        #expect(contents.split(separator: "\n").count == lines.count + 1)  // one line per entry

        let restored = LineHistory(capacity: 100)
        try restored.load(from: path)
        #expect(restored.entries == lines)
    }

    @Test func loadKeepsTheNewestWithinCapacity() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("history").path
        let big = LineHistory(capacity: 10)
        for index in 1...6 { big.add("line \(index)") }
        try big.save(to: path)

        let small = LineHistory(capacity: 2)
        try small.load(from: path)
        #expect(small.entries == ["line 5", "line 6"])
    }

    @Test func missingOrEmptyFileLoadsAsEmpty() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let history = LineHistory(capacity: 10)
        try history.load(from: directory.appendingPathComponent("absent").path)
        let empty = directory.appendingPathComponent("empty").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        try history.load(from: empty)
        #expect(history.entries.isEmpty)
    }

    @Test func loadingAForeignFileThrows() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("readline_history").path
        try "ls -l\ncd /tmp\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: HistoryFileError.self) {
            try LineHistory(capacity: 10).load(from: path)
        }
        #expect(error?.operation == .load)
        #expect(error?.description.contains(path) == true)
    }

    @Test func savingIntoAMissingDirectoryThrowsNamingThePath() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("no/such/dir/history").path
        let history = LineHistory(capacity: 10)
        history.add("x")
        let error = #expect(throws: HistoryFileError.self) { try history.save(to: path) }
        #expect(error?.path == path)
        #expect(error?.description == "cannot save history to \(path): No such file or directory")
    }

    @Test func defaultPathRules() {
        #expect(LineHistory.defaultPath(environment: ["HOME": "/home/ada"]) == "/home/ada/.pref_history")
        #expect(LineHistory.defaultPath(environment: ["HOME": "/"]) == "/.pref_history")
        #expect(LineHistory.defaultPath(environment: [
            "HOME": "/home/ada", "PREF_HISTORY": "/tmp/h",
        ]) == "/tmp/h")
        // Set but empty turns history files off, even with a home directory.
        #expect(LineHistory.defaultPath(environment: ["HOME": "/home/ada", "PREF_HISTORY": ""]) == nil)
        #expect(LineHistory.defaultPath(environment: [:]) == nil)
        #expect(LineHistory.defaultPath(environment: ["HOME": ""]) == nil)
    }
}
