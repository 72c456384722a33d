import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// examples/p2c.pref (issue 11 item 7): with 24 labels in 30 dimensions, adding the Bradley–Terry
/// loss of 600 preference pairs on the same scores raises the test accuracy well above the
/// labels-only classifier's.
@Suite("P2C example") struct P2CExampleTests {
    @Test func preferencePairsImproveTheScarceLabelClassifier() throws {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let path = ExamplesTests.directory.appendingPathComponent("p2c.pref").path
        #expect(ScriptRunner(session: session).run(path: path, overrides: ["quick=true"]) == 0, "\(err)")
        func accuracy(_ lambda: String) -> Double? {
            out.split(separator: "\n").first { $0.hasPrefix("lambda \(lambda): test accuracy ") }
                .flatMap { $0.split(separator: " ").dropFirst(4).first.flatMap { Double($0) } }
        }
        let alone = try #require(accuracy("0"), "\(out)"), helped = try #require(accuracy("1"), "\(out)")
        #expect(alone > 0.6 && alone < 0.9, "24 labels alone generalise only partly: \(alone)")
        #expect(helped > alone + 0.1, "\(out)")
        #expect(helped > 0.9, "\(out)")
    }
}
