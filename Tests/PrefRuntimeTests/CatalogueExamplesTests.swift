import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// The shapes claimed by the catalogue examples E4 (herding.pref), E7 (gpo_selfplay.pref),
/// E9 (more_calibration.pref) and E10 (moe_reward.pref), read from their printed numbers on the
/// quick runs.
@Suite("catalogue examples") struct CatalogueExamplesTests {
    static func run(_ name: String) -> (code: Int32, out: String, err: String) {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let code = ScriptRunner(session: session).run(path: ExamplesTests.directory.appendingPathComponent(name).path, overrides: ["quick=true"])
        return (code, out, err)
    }

    /// The first line starting with `prefix`.
    static func line(_ out: String, _ prefix: String) -> Substring? {
        out.split(separator: "\n").first { $0.hasPrefix(prefix) }
    }

    /// The number right after `label` in `line` (e.g. "ECE 0.0123").
    static func number(after label: String, in line: Substring) -> Double? {
        guard let r = line.range(of: label) else { return nil }
        let rest = line[r.upperBound...].drop { $0 == " " }
        return Double(rest.prefix { $0.isNumber || ".-+e".contains($0) })
    }

    /// Best-of-n summaries "name: gold a at n = 1, peak p at n = m, f at n = N…".
    struct Curve { var first, peak, peakN, last: Double }
    static func curve(_ out: String, _ name: String) -> Curve? {
        guard let l = line(out, name + ": gold"),
              let first = number(after: ": gold", in: l), let peak = number(after: "peak", in: l),
              let at = l.range(of: "peak").flatMap({ number(after: "at n =", in: l[$0.upperBound...]) }),
              let last = l.range(of: ", ", options: .backwards).flatMap({ Double(l[$0.upperBound...].prefix { $0 != " " }) })
        else { return nil }
        return Curve(first: first, peak: peak, peakN: at, last: last)
    }

    /// E9: calibration on the shared preference worsens with annotator diversity, and MORE's
    /// min-norm weighting is at least as well calibrated as uniform mixing once pools differ.
    @Test func moreCalibration() throws {
        let (code, out, err) = Self.run("more_calibration.pref")
        #expect(code == 0, "\(err)")
        let rows = out.split(separator: "\n").filter { $0.hasPrefix("diversity ") }
        #expect(rows.count == 2, "\(out)")
        let values = try rows.map { row in
            (uniform: try #require(Self.number(after: "uniform ECE", in: row)), more: try #require(Self.number(after: "MORE ECE", in: row)),
             accuracy: try #require(Self.number(after: "accuracy", in: row)))
        }
        let (flat, diverse) = (values[0], values[1])
        #expect(diverse.uniform > 2 * flat.uniform, "diversity should hurt calibration: \(values)")
        #expect(diverse.more > 2 * flat.more, "\(values)")
        #expect(diverse.accuracy < flat.accuracy, "\(values)")
        #expect(diverse.more < diverse.uniform, "MORE's ECE should be below uniform mixing's: \(values)")
    }

    /// E7: GPO's last iterate cycles, its time-average reaches the von Neumann winner, the KL
    /// anchor makes the last iterate converge, and Bradley–Terry RLHF collapses onto one response.
    @Test func gpoSelfPlay() throws {
        let (code, out, err) = Self.run("gpo_selfplay.pref")
        #expect(code == 0, "\(err)")
        let scores = try #require(Self.line(out, "GPM scores"))
        let s = scores.split(separator: "[").last?.split(whereSeparator: { ", ]".contains($0) }).compactMap { Double($0) } ?? []
        #expect(s.count == 3 && s.allSatisfy { $0 > 0.3 }, "the GPM should learn a ≻ b ≻ c ≻ a: \(scores)")
        let last = try #require(Self.line(out, "GPO last iterate:"))
        #expect(try #require(Self.number(after: "max |π - 1/3| =", in: last)) > 0.2, "\(last)")
        #expect(try #require(Self.number(after: "last 500 steps:", in: last)) == 3, "\(last)")
        let average = try #require(Self.line(out, "GPO time-average:"))
        #expect(try #require(Self.number(after: "max |π̄ - 1/3| =", in: average)) < 0.02, "\(average)")
        #expect(try #require(Self.number(after: "exploitability", in: average)) < 0.03, "\(average)")
        let anchored = try #require(Self.line(out, "GPO with KL anchor:"))
        #expect(try #require(Self.number(after: "max |π - 1/3| =", in: anchored)) < 0.01, "\(anchored)")
        #expect(try #require(Self.number(after: "moved it by", in: anchored)) < 1e-9, "\(anchored)")
        let bt = try #require(Self.line(out, "BT-RLHF final:"))
        #expect(try #require(Self.number(after: "max π =", in: bt)) > 0.99, "\(bt)")
        let centred = try #require(Self.line(out, "max |E_π ŝ(y ≻ π)|"))
        #expect(try #require(Self.number(after: "iterates:", in: centred)) < 1e-9, "\(centred)")
    }

    /// E10: DMoERM agrees with the task gold more often than a single reward model, and best-of-n
    /// against it reaches a higher gold (the linear gold gives no peak to delay; see the header).
    @Test func moeReward() throws {
        let (code, out, err) = Self.run("moe_reward.pref")
        #expect(code == 0, "\(err)")
        let agreement = try #require(Self.line(out, "gold agreement:"))
        let single = try #require(Self.number(after: "single", in: agreement))
        let moe = try #require(Self.number(after: "DMoERM", in: agreement))
        #expect(moe > single + 0.05, "\(agreement)")
        let a = try #require(Self.curve(out, "single")), b = try #require(Self.curve(out, "DMoERM"))
        #expect(a.first == b.first, "n = 1 is the base policy for both")
        #expect(b.peak > a.peak + 0.2 && b.last > a.last + 0.2, "\(a) vs \(b)")
    }

    /// E4: under a shared length bias the chosen response's length drifts upward whatever the
    /// reward; the single model's gold peaks and falls; the finetune-like ensemble (shared basis)
    /// is no better than one member; the pretrain-like ensemble (own bases) peaks later and higher.
    @Test func herding() throws {
        let (code, out, err) = Self.run("herding.pref")
        #expect(code == 0, "\(err)")
        var curves = [String: Curve]()
        for name in ["single", "finetune-like", "pretrain-like"] {
            let l = try #require(Self.line(out, name + ": gold"), "\(out)")
            let from = try #require(Self.number(after: "length", in: l)), to = try #require(Self.number(after: "->", in: l))
            #expect(to > from + 2, "\(name)'s length should drift upward: \(l)")
            let curve: Curve = try #require(Self.curve(out, name))
            curves[name] = curve
        }
        let single = try #require(curves["single"]), finetune = try #require(curves["finetune-like"])
        let pretrain = try #require(curves["pretrain-like"])
        #expect(single.last < single.peak - 0.1, "\(single)")
        #expect(abs(finetune.peak - single.peak) < 0.1, "finetune-like members share the basis: \(finetune) vs \(single)")
        #expect(pretrain.peak > single.peak + 0.3 && pretrain.peakN > single.peakN, "\(pretrain) vs \(single)")
        #expect(pretrain.last > finetune.last + 0.3, "\(pretrain) vs \(finetune)")
        let gold = try #require(Self.line(out, "the gold's own best-of"))
        #expect(abs(try #require(Self.number(after: "mean length", in: gold)) - 4) < 0.3, "\(gold)")
    }
}
