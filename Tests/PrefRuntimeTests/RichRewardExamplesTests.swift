import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// The shapes the richer reward models' examples claim, on their quick runs:
/// `gpm_cycles.pref` (E6) and `pal_pluralistic.pref` (E8).
@Suite("rich reward examples") struct RichRewardExamplesTests {
    static func run(_ name: String) -> (Int32, String, String) {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let code = ScriptRunner(session: session).run(path: ExamplesTests.directory.appendingPathComponent(name).path, overrides: ["quick=true"])
        return (code, out, err)
    }

    /// The numbers of a printed line after each "label " (e.g. "GPM(k=2) 0.917").
    static func number(after label: String, in line: Substring) -> Double? {
        guard let r = line.range(of: label + " ") else { return nil }
        return Double(line[r.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" })
    }

    static func line(_ out: String, _ prefix: String) -> Substring? {
        out.split(separator: "\n").first { $0.hasPrefix(prefix) }
    }

    @Test func gpmCyclesBradleyTerryAtChanceGpmNearBayes() throws {
        let (code, out, err) = Self.run("gpm_cycles.pref")
        #expect(code == 0, "\(err)")
        // The pure 3-cycle: BT's probabilities collapse to 1/2, GPM's exceed 0.95.
        let cycle = try #require(Self.line(out, "3-cycle:"))
        #expect(try #require(Self.number(after: "=", in: cycle)) < 0.05, "\(cycle)")
        #expect(try #require(Self.number(after: "min P =", in: cycle)) > 0.95, "\(cycle)")
        // Cyclic-only labels: BT within 0.07 of chance, GPM within 0.05 of the Bayes accuracy.
        let pure = try #require(Self.line(out, "cyclic only"))
        let bt = try #require(Self.number(after: "Bradley-Terry", in: pure))
        let gpm = try #require(Self.number(after: "GPM(k=2)", in: pure))
        let bayes = try #require(Self.number(after: "Bayes", in: pure))
        #expect(Swift.abs(bt - 0.5) < 0.07, "\(pure)")
        #expect(gpm > bayes - 0.05 && gpm > bt + 0.3, "\(pure)")
    }

    @Test func palElbowAndFewShot() throws {
        let (code, out, err) = Self.run("pal_pluralistic.pref")
        #expect(code == 0, "\(err)")
        // The elbow: K = 3 gains over K = 1, and more prototypes gain (almost) nothing more.
        let gains = try #require(Self.line(out, "gain from K=1 to 3:"))
        let early = try #require(Self.number(after: "to 3:", in: gains))
        let late = try #require(Self.number(after: "to 5:", in: gains))
        #expect(early > 0.03 && late < early / 2, "\(gains)")
        // Few-shot: PAL beats per-user and homogeneous Bradley–Terry and stays below the oracle.
        let shot = try #require(Self.line(out, "with "))
        let pal = try #require(Self.number(after: "PAL", in: shot))
        let perUser = try #require(Self.number(after: "per-user BT", in: shot))
        let homogeneous = try #require(Self.number(after: "homogeneous BT", in: shot))
        let oracle = try #require(Self.number(after: "oracle", in: shot))
        #expect(pal > perUser + 0.05 && pal > homogeneous && pal <= oracle + 0.02, "\(shot)")
    }
}
