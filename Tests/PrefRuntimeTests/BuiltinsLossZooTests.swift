import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `inspect` of the zoo's builtins against the formula sheet, worked out here in f64 from
/// spec/losses.md on a two-pair logps file with lengths.
@Suite("builtins: the loss zoo") struct BuiltinsLossZooTests {
    static let pc = [-10.0, -20.5], pr = [-14.0, -19], rc = [-11.0, -21], rr = [-12.5, -20]
    static let lc = [4.0, 5], lr = [7.0, 2]

    static func session() throws -> (Session, String) {
        try load((0..<2).map { i in
            "{\"policy_chosen_logps\": \(pc[i]), \"policy_rejected_logps\": \(pr[i]), \"ref_chosen_logps\": \(rc[i]), "
                + "\"ref_rejected_logps\": \(rr[i]), \"chosen_length\": \(lc[i]), \"rejected_length\": \(lr[i])}\n"
        }.joined())
    }

    /// A session with `d` loaded from these JSONL rows (kind logps), and the file's path.
    static func load(_ rows: String) throws -> (Session, String) {
        let path = NSTemporaryDirectory() + "pref-losses-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).jsonl"
        try rows.write(toFile: path, atomically: true, encoding: .utf8)
        let s = Pref.session()
        _ = try Pref.eval("let d = load(\"\(path)\", kind: \"logps\")\n", in: s)
        return (s, path)
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
    static func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }

    /// Checks `inspect(<loss>, d)` against expected per-example loss and B·∂L/∂p columns.
    static func check(_ loss: String, _ s: Session, loss l: [Double], gc: [Double], gr: [Double],
                      rewards: ([Double], [Double])? = nil) throws {
        _ = try Pref.eval("let t = inspect(\(loss), d)\n", in: s)
        func close(_ expr: String, _ want: [Double]) throws {
            let got = try Pref.tensor(expr, in: s).scalars
            #expect(got.count == want.count)
            for (g, w) in zip(got, want) { #expect(abs(g - w) <= 1e-10 * max(1, abs(w)), "\(loss) \(expr): \(g) vs \(w)") }
        }
        try close("t.loss", l)
        try close("t.grad_chosen", gc)
        try close("t.grad_rejected", gr)
        if let rewards {
            try close("t.reward_chosen", rewards.0)
            try close("t.reward_rejected", rewards.1)
        }
        let batch = try Pref.number("t.batch_loss", in: s)
        #expect(abs(batch - l.reduce(0, +) / 2) <= 1e-12 * max(1, abs(batch)))
    }

    @Test func cpoSigmoidWithNLL() throws {
        let (s, path) = try Self.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let nll = -(Self.pc[0] + Self.pc[1]) / (Self.lc[0] + Self.lc[1])
        let x = (0..<2).map { 0.1 * (Self.pc[$0] - Self.pr[$0]) }
        try Self.check("cpo()", s, loss: x.map { Self.softplus(-$0) + nll },
                       gc: x.map { -0.1 * Self.sigmoid(-$0) - 2 / 9 }, gr: x.map { 0.1 * Self.sigmoid(-$0) },
                       rewards: (Self.pc.map { 0.1 * $0 }, Self.pr.map { 0.1 * $0 }))
        #expect(abs(try Pref.number("t.metrics[\"nll_loss\"]", in: s) - nll) <= 1e-12)
    }

    @Test func simpoAndAlphapo() throws {
        let (s, path) = try Self.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let qw = (0..<2).map { Self.pc[$0] / Self.lc[$0] }, ql = (0..<2).map { Self.pr[$0] / Self.lr[$0] }
        // SimPO: z = β(qw − ql) − γ, ℓ = softplus(−z), ∂/∂pc = −σ(−z)·β/Lc.
        let z = (0..<2).map { 2 * (qw[$0] - ql[$0]) - 0.5 }
        try Self.check("simpo(beta: 2)", s, loss: z.map { Self.softplus(-$0) },
                       gc: (0..<2).map { -Self.sigmoid(-z[$0]) * 2 / Self.lc[$0] }, gr: (0..<2).map { Self.sigmoid(-z[$0]) * 2 / Self.lr[$0] })
        // AlphaPO: ρ(q) = (1 − e^{−αq})/α, ρ′(q) = e^{−αq}.
        let a = 0.25
        func rho(_ q: Double) -> Double { (1 - exp(-a * q)) / a }
        let za = (0..<2).map { 2 * (rho(qw[$0]) - rho(ql[$0])) - 0.5 }
        try Self.check("alphapo(beta: 2, alpha: 0.25)", s, loss: za.map { Self.softplus(-$0) },
                       gc: (0..<2).map { -Self.sigmoid(-za[$0]) * 2 * exp(-a * qw[$0]) / Self.lc[$0] },
                       gr: (0..<2).map { Self.sigmoid(-za[$0]) * 2 * exp(-a * ql[$0]) / Self.lr[$0] },
                       rewards: (qw.map { 2 * rho($0) }, ql.map { 2 * rho($0) }))
    }

    @Test func orpo() throws {
        let (s, path) = try Self.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let aw = (0..<2).map { Self.pc[$0] / Self.lc[$0] }, al = (0..<2).map { Self.pr[$0] / Self.lr[$0] }
        func odds(_ a: Double) -> Double { a - log(1 - exp(a)) }
        let lo: [Double] = (0..<2).map { odds(aw[$0]) - odds(al[$0]) }
        let nll: Double = -(Self.pc[0] + Self.pc[1]) / 9
        func gradC(_ i: Int) -> Double { -0.1 * Self.sigmoid(-lo[i]) / ((1 - exp(aw[i])) * Self.lc[i]) - 2.0 / 9 }
        func gradR(_ i: Int) -> Double { 0.1 * Self.sigmoid(-lo[i]) / ((1 - exp(al[i])) * Self.lr[i]) }
        try Self.check("orpo()", s, loss: lo.map { nll + 0.1 * Self.softplus(-$0) },
                       gc: [gradC(0), gradC(1)], gr: [gradR(0), gradR(1)],
                       rewards: (aw.map { 0.1 * $0 }, al.map { 0.1 * $0 }))
    }

    @Test func bradleyTerryWithCentring() throws {
        let (s, path) = try Self.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let d = (0..<2).map { Self.pc[$0] - Self.pr[$0] }, m = (0..<2).map { Self.pc[$0] + Self.pr[$0] }
        try Self.check("bradley_terry_loss(center_rewards_coefficient: 0.01)", s,
                       loss: (0..<2).map { Self.softplus(-d[$0]) + 0.01 * m[$0] * m[$0] },
                       gc: (0..<2).map { -Self.sigmoid(-d[$0]) + 0.02 * m[$0] }, gr: (0..<2).map { Self.sigmoid(-d[$0]) + 0.02 * m[$0] })
    }

    @Test func lossValuesAndErrors() throws {
        #expect(try Pref.repr("type(kto())") == "\"loss\"")
        #expect(try Pref.repr("kto(loss_type: \"apo_zero_unpaired\").loss_type") == "\"apo_zero_unpaired\"")
        #expect(try Pref.repr("simpo().beta") == "0.1")
        for bad in ["kto(loss_type: \"nope\")", "kto(beta: 0)", "bco(beta: -1)", "orpo(beta: 0)", "cpo(label_smoothing: 0.7)",
                    "cpo(loss_type: \"nope\")", "bradley_terry_loss(center_rewards_coefficient: -1)", "dpo() + 1", "dpo() / 0"] {
            #expect(throws: (any Error).self, "\(bad)") { try Pref.eval(bad) }
        }
    }

    @Test func missingLengthsAndUnpairedLossesAreErrors() throws {
        let path = try BuiltinsLossesTests.dataPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = Pref.session()
        _ = try Pref.eval("let d = load(\"\(path)\", kind: \"logps\")\n", in: s)
        #expect(throws: (any Error).self) { try Pref.eval("inspect(orpo(), d)", in: s) }
        #expect(throws: (any Error).self) { try Pref.eval("inspect(kto(), d)", in: s) }
    }
}
