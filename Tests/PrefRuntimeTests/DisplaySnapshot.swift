import Foundation
import Testing

/// Renderer snapshots: `Tests/Golden/_render/<name>.txt` holds the exact text a renderer must
/// produce (the `_` folder keeps them out of the golden script cases). `PREF_RECORD_GOLDEN=1`
/// rewrites them and fails, so every change is reviewed as a diff.
enum DisplaySnapshot {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden/_render")
    }

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = root.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["PREF_RECORD_GOLDEN"] == "1" {
            try? (actual + "\n").write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded \(name).txt: review the diff and run again", sourceLocation: sourceLocation)
            return
        }
        let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? "<missing \(name).txt>"
        #expect(actual + "\n" == expected, "snapshot \(name) differs", sourceLocation: sourceLocation)
    }

    /// Every line fits `width` columns (ANSI escapes do not count).
    static func fits(_ text: String, _ width: Int) -> Bool {
        let plain = text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        return plain.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy { $0.count <= width }
    }
}
