import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// examples/ensembles.pref's claim (Coste et al.'s E3): under best-of-n a single reward model's
/// gold reward peaks and falls, while the mean, WCO and UWO ensembles keep it rising.
@Suite("ensembles example") struct EnsemblesExampleTests {
    /// (n = 1, peak, last) per reward name, from lines "name: gold a at n = 1, peak p at n = …, f at n = …".
    static func curves(_ out: String) -> [String: (first: Double, peak: Double, last: Double)] {
        var result = [String: (Double, Double, Double)]()
        for line in out.split(separator: "\n") where line.contains(": gold ") {
            let name = String(line.prefix { $0 != ":" })
            let numbers = line.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
            // gold a, n = 1, peak p, n = N, f, n = N_last
            guard numbers.count == 6 else { continue }
            result[name] = (numbers[0], numbers[2], numbers[4])
        }
        return result
    }

    @Test func singleOveroptimisesEnsemblesKeepRising() throws {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let path = ExamplesTests.directory.appendingPathComponent("ensembles.pref").path
        #expect(ScriptRunner(session: session).run(path: path, overrides: ["quick=true"]) == 0, "\(err)")
        let c = Self.curves(out)
        let single = try #require(c["single"], "\(out)")
        #expect(single.last < single.peak - 0.05, "single: \(single)")
        for name in ["mean", "wco", "uwo"] {
            let e = try #require(c[name], "\(out)")
            #expect(e.last == e.peak, "\(name) peaks before the largest n: \(e)")
            #expect(e.last > single.last + 0.5, "\(name) \(e) vs single \(single)")
            #expect(e.peak > single.peak, "\(name) \(e) vs single \(single)")
        }
        let falling = out.split(separator: "\n").first { $0.hasPrefix("single members whose gold falls") }
            .flatMap { line in line.split(separator: ":").last?.split(separator: " ").first.flatMap { Int($0) } }
        #expect((falling ?? 0) >= 3, "\(out)")
    }
}
