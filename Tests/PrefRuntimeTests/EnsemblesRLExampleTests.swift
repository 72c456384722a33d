import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// examples/ensembles_rl.pref's claim (Coste et al., spec §3.3, under RL): against a single
/// member the gold reward peaks and falls as KL grows; the mean, WCO and UWO ensembles peak at
/// larger KL and end with a higher gold reward at a similar final KL.
@Suite("ensembles RL example") struct EnsemblesRLExampleTests {
    struct Curve { let start, peak, peakKL, last, lastKL: Double }

    /// Lines "name: gold a at start, peak p at kl k, f at kl K".
    static func curves(_ out: String) -> [String: Curve] {
        var result = [String: Curve]()
        for line in out.split(separator: "\n") where line.contains(": gold ") {
            let name = String(line.prefix { $0 != ":" })
            let n = line.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
            guard n.count == 5 else { continue }
            result[name] = Curve(start: n[0], peak: n[1], peakKL: n[2], last: n[3], lastKL: n[4])
        }
        return result
    }

    @Test func singleOveroptimisesEnsemblesHoldUp() throws {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let path = ExamplesTests.directory.appendingPathComponent("ensembles_rl.pref").path
        #expect(ScriptRunner(session: session).run(path: path, overrides: ["quick=true"]) == 0, "\(err)")
        let c = Self.curves(out)
        let single = try #require(c["single"], "\(out)")
        #expect(single.peak > single.start + 0.5, "single does not improve at first: \(single)")
        #expect(single.last < single.peak - 0.5, "single does not overoptimise: \(single)")
        for name in ["mean", "wco", "uwo"] {
            let e = try #require(c[name], "\(out)")
            #expect(e.last > single.last + 0.5, "\(name) \(e) vs single \(single)")
            #expect(e.peakKL > single.peakKL, "\(name) peaks at KL \(e.peakKL), single at \(single.peakKL)")
            #expect(e.lastKL > 0.8 * single.lastKL, "\(name) ends at a much smaller KL: \(e.lastKL) vs \(single.lastKL)")
        }
    }
}
