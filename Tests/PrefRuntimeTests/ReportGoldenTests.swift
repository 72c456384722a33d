import Foundation
import Testing
@testable import PrefRuntime

/// Golden reports and manifest: a small cell script with a table and a plot, run and recorded,
/// each file compared byte for byte with `Tests/Golden/_reports/` after what changes from run to
/// run (times, durations, paths, hashes, the pref version, the machine) is normalised.
/// `PREF_RECORD_GOLDEN=1` rewrites the goldens and fails, so every change is reviewed as a diff.
@Suite("notebook: golden reports") struct ReportGoldenTests {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Golden/_reports")
    }

    func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = ReportGoldenTests.root.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PREF_RECORD_GOLDEN"] == "1" {
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded \(name): review the diff and run again", sourceLocation: sourceLocation)
            return
        }
        let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? "<missing \(name)>"
        #expect(actual == expected, "golden \(name) differs", sourceLocation: sourceLocation)
    }

    /// What differs between runs, replaced by placeholders.
    func normalised(_ text: String, dir: String) -> String {
        // JSON on Linux writes "/" as "\/".
        var t = text.replacingOccurrences(of: dir, with: "<dir>").replacingOccurrences(of: dir.replacingOccurrences(of: "/", with: "\\/"), with: "<dir>").replacingOccurrences(of: PrefVersion.string, with: "<version>")
        for (pattern, placeholder) in [(#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"#, "<time>"), (#"[0-9a-f]{64}"#, "<sha256>"),
                                       (#""(seconds|wall_seconds)" : [0-9.e-]+"#, "\"$1\" : <seconds>")] {
            t = t.replacingOccurrences(of: pattern, with: placeholder, options: .regularExpression)
        }
        return t
    }

    @Test func reportsAndManifestMatchTheirGoldens() throws {
        let dir = NSTemporaryDirectory() + "pref-golden-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/report.pref"
        try FileManager.default.copyItem(atPath: ReportGoldenTests.root.appendingPathComponent("report.pref").path, toPath: script)
        var out = ""
        let session = Session(seed: 3, output: { out += $0 }, errorOutput: { out += $0 })
        let recording = RunRecording(root: dir + "/runs", directory: dir + "/run")
        session.runLog = recording.log
        let result = ScriptRunner(session: session).runNotebook(path: script)
        #expect(result.status == 0, "\(out)")
        let settings = RunRecording.Settings(script: script, seed: 3, overrides: [], report: dir + "/out.html")
        let recorder = try #require(result.recorder)
        for name in ["out.html", "out.md", "out.ipynb"] {
            try Report(recorder: recorder, status: result.status, settings: RunRecording.settingsLine(settings)).write(to: dir + "/" + name)
        }
        _ = try recording.finish(result, status: result.status, settings: settings, session: session)
        check(out, "terminal.txt")
        for name in ["out.html", "out.md", "out-1.svg", "out.ipynb"] {
            check(normalised(try String(contentsOfFile: dir + "/" + name, encoding: .utf8), dir: dir), name)
        }
        // The manifest, pretty-printed with sorted keys; the machine's BLAS and git state vary.
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/run/manifest.json"))
        var manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let blas = try #require(manifest["blas"] as? [String: Any])
        #expect(blas["core"] is String && (blas["threads"] as? Int ?? 0) >= 1)
        manifest["blas"] = "<machine>"
        if manifest["git"] != nil { manifest["git"] = "<git>" }
        let pretty = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        check(normalised(String(decoding: pretty, as: UTF8.self), dir: dir) + "\n", "manifest.json")
        #expect(try String(contentsOfFile: dir + "/run/report.html", encoding: .utf8) == String(contentsOfFile: dir + "/out.html", encoding: .utf8))
        #expect(try String(contentsOfFile: dir + "/run/metrics.jsonl", encoding: .utf8) == "")
    }
}
