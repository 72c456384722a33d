import Foundation
import Testing
@testable import PrefRuntime

/// examples/overoptimization.pref (spec algorithms.md §2.4) run small: the printed numbers
/// show Gao et al.'s shape — the proxy only rises, a linear proxy's gold peaks inside the range
/// and falls, and larger or better-trained proxies peak later and higher.
@Suite("overoptimization example") struct OveroptimizationExampleTests {
    struct Line {
        var values: [String: String]
        func number(_ key: String) -> Double { Double(values[key] ?? "") ?? .nan }
    }

    /// "bon linear: d_at_max 1.097 gold_max 0.909 …" → method, label, key-value pairs.
    static func lines(_ out: String) -> [String: Line] {
        var result = [String: Line]()
        for line in out.split(separator: "\n") where line.hasPrefix("bon ") || line.hasPrefix("rl ") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count > 2 else { continue }
            var values = [String: String]()
            for i in stride(from: 2, to: words.count - 1, by: 2) { values[words[i]] = words[i + 1] }
            result["\(words[0]) \(words[1].dropLast())"] = Line(values: values)
        }
        return result
    }

    @Test func quickRunShowsTheHump() throws {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let path = ExamplesTests.directory.appendingPathComponent("overoptimization.pref").path
        #expect(ScriptRunner(session: session).run(path: path, overrides: ["quick=true"]) == 0, "\(err)")
        let l = Self.lines(out)
        #expect(l.count == 8, "\(out)")
        for method in ["bon", "rl"] {
            let labels = ["linear", "h4_n300", "h16", "h64"]
            for label in labels { #expect(l["\(method) \(label)"]?.values["proxy_rising"] == "true", "\(method) \(label)") }
            let linear = try #require(l["\(method) linear"])
            // The gold peaks inside the range and falls after, while the proxy keeps rising.
            #expect(linear.number("gold_last") < linear.number("gold_max") - 0.02)
            #expect(linear.number("d_at_max") < linear.number("d_last"))
            // Larger or better-trained proxies: later and higher peaks.
            let peaks = labels.map { l["\(method) \($0)"]?.number("d_at_max") ?? .nan }
            let golds = labels.map { l["\(method) \($0)"]?.number("gold_max") ?? .nan }
            #expect(peaks[0] < peaks[1] && peaks[1] < peaks[2], "\(method) peaks \(peaks)")
            #expect(golds[0] < golds[1] && golds[1] < golds[2], "\(method) golds \(golds)")
        }
        // The quadratic form fits best-of-n closely (spec §2.4: R² > 0.99).
        for label in ["linear", "h4_n300", "h16", "h64"] { #expect((l["bon \(label)"]?.number("r2") ?? 0) > 0.99) }
    }
}
