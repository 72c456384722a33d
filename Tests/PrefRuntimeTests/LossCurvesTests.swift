import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `loss_curve` and `gradient_weight` against closed forms of the formula sheet and `inspect`.
@Suite("builtins: loss curves") struct LossCurvesTests {
    static let h = [-8.0, -2.5, -0.3, 0, 0.7, 3, 9.5]
    static let margins = "[" + h.map { "\($0)" }.joined(separator: ", ") + "]"

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// The table the source evaluates to.
    static func table(_ source: String, in session: Session? = nil) throws -> Table {
        let v = try Pref.eval(source, in: session)
        guard case .native(let n) = v, let t = n.object as? TableObject else { throw Pref.Mismatch("expected a table, got \(v.reprText)") }
        return t.table
    }

    static func column(_ t: Table, _ name: String) throws -> [Double] {
        guard let c = t.column(name) else { throw Pref.Mismatch("no column \(name) in \(t.columns)") }
        return try c.map {
            guard case .number(let x) = $0 else { throw Pref.Mismatch("not a number: \($0.reprText)") }
            return x
        }
    }

    static func expectClose(_ got: [Double], _ want: [Double], _ what: String, tolerance: Double = 1e-12) {
        #expect(got.count == want.count, "\(what)")
        for (g, w) in zip(got, want) { #expect(abs(g - w) <= tolerance * max(1, abs(w)), "\(what): \(g) vs \(w)") }
    }

    @Test func dpoCurveAndGradientWeightAreTheSheets() throws {
        let beta = 0.3
        let curve = try Self.table("loss_curve(dpo(beta: 0.3), margins: \(Self.margins))")
        #expect(curve.columns == ["margin", "dpo"])
        Self.expectClose(try Self.column(curve, "margin"), Self.h, "margin")
        Self.expectClose(try Self.column(curve, "dpo"), Self.h.map { log1p(exp(-beta * $0)) }, "dpo loss")
        let weight = try Self.table("gradient_weight(dpo(beta: 0.3), margins: \(Self.margins))")
        Self.expectClose(try Self.column(weight, "dpo"), Self.h.map { -beta * Self.sigmoid(-beta * $0) }, "dpo weight")
    }

    @Test func ipoAndHingeCurves() throws {
        let beta = 0.2
        let t = try Self.table("loss_curve([dpo(beta: 0.2, loss_type: \"ipo\"), dpo(beta: 0.2, loss_type: \"hinge\")], margins: \(Self.margins))")
        #expect(t.columns == ["margin", "ipo", "hinge"])
        Self.expectClose(try Self.column(t, "ipo"), Self.h.map { ($0 - 1 / (2 * beta)) * ($0 - 1 / (2 * beta)) }, "ipo")
        Self.expectClose(try Self.column(t, "hinge"), Self.h.map { max(0, 1 - beta * $0) }, "hinge")
        let w = try Self.table("gradient_weight([dpo(beta: 0.2, loss_type: \"ipo\"), dpo(beta: 0.2, loss_type: \"hinge\")], margins: \(Self.margins))")
        Self.expectClose(try Self.column(w, "ipo"), Self.h.map { 2 * ($0 - 1 / (2 * beta)) }, "ipo weight")
        Self.expectClose(try Self.column(w, "hinge"), [-beta, -beta, -beta, -beta, -beta, -beta, 0], "hinge weight")
    }

    @Test func rangesSampleEvenlyAndDuplicateNamesAreNumbered() throws {
        let t = try Self.table("loss_curve([dpo(), dpo(beta: 1)], margins: -2..2, points: 5)")
        #expect(t.columns == ["margin", "dpo", "dpo (2)"])
        Self.expectClose(try Self.column(t, "margin"), [-2, -1, 0, 1, 2], "range")
        let k = try Self.table("gradient_weight(kto(beta: 0.5), margins: [-1, 0, 2])")
        #expect(k.columns == ["margin", "kto"])
        // Desirable KTO examples with z0 = 0: ℓ = 1 − σ(β h) (λ_D = 1), dℓ/dh = −β σ(βh) σ(−βh).
        Self.expectClose(try Self.column(k, "kto"), [-1.0, 0, 2].map { -0.5 * Self.sigmoid(0.5 * $0) * Self.sigmoid(-0.5 * $0) }, "kto weight")
    }

    /// BCO's δ is 0 on any grid (not the mean reward of the margins): ℓ = −log σ(βh) for desirable examples.
    @Test func bcoReferencePointIsZero() throws {
        let t = try Self.table("loss_curve(bco(beta: 0.5), margins: [-1, 0, 2, 6])")
        Self.expectClose(try Self.column(t, "bco"), [-1.0, 0, 2, 6].map { log1p(exp(-0.5 * $0)) }, "bco")
    }

    /// The curves are `inspect` on the equivalent logps rows pc = −1 + min(h, 0), pr = −1 − max(h, 0), refs −1.
    @Test func agreesWithInspect() throws {
        let rows = Self.h.map { h in
            "{\"policy_chosen_logps\": \(-1 + min(h, 0)), \"policy_rejected_logps\": \(-1 - max(h, 0)), \"ref_chosen_logps\": -1, "
                + "\"ref_rejected_logps\": -1, \"chosen_length\": 1, \"rejected_length\": 1}\n"
        }.joined()
        let (s, path) = try BuiltinsLossZooTests.load(rows)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for loss in ["dpo(loss_type: \"robust\", label_smoothing: 0.1)", "dpo(loss_type: \"exo_pair\", label_smoothing: 0.001)", "simpo()", "orpo()", "dpo() + 0.5 * cpo()"] {
            _ = try Pref.eval("let i = inspect(\(loss), d)\n", in: s)
            let curve = try Self.table("loss_curve(\(loss), margins: \(Self.margins))", in: s)
            let weight = try Self.table("gradient_weight(\(loss), margins: \(Self.margins))", in: s)
            let name = curve.columns[1]
            Self.expectClose(try Self.column(curve, name), try Pref.tensor("i.loss", in: s).scalars, "\(loss) loss", tolerance: 1e-10)
            let gc = try Pref.tensor("i.grad_chosen", in: s).scalars, gr = try Pref.tensor("i.grad_rejected", in: s).scalars
            let want = Self.h.indices.map { Self.h[$0] <= 0 ? gc[$0] : -gr[$0] }
            Self.expectClose(try Self.column(weight, name), want, "\(loss) weight", tolerance: 1e-10)
        }
    }

    @Test func badMarginsAreErrors() {
        let cases = [
            ("loss_curve(dpo(), margins: [])", "margins is empty"),
            ("loss_curve(dpo(), margins: [1, \"a\"])", "margins must be numbers"),
            ("loss_curve(dpo(), margins: 0..1, points: 100000)", "points must be a whole number"),
            ("loss_curve(dpo(), margins: \"x\")", "margins"),
            ("loss_curve(dpo(), margins: 3..1)", "lo < hi"),
            ("loss_curve([], margins: 0..1)", "a loss or a non-empty list"),
            ("gradient_weight([dpo(), 3])", "every element of the list must be a loss"),
            ("gradient_weight(dpo(), margins: zeros([2, 2]))", "1-D tensor"),
            ("loss_curve(dpo() + kto())", "needs"),
        ]
        for (source, message) in cases {
            let e = Pref.failure(source)
            #expect(e?.message.contains(message) == true, "\(source): \(e?.message ?? "no error")")
        }
        let big = Pref.failure("loss_curve(dpo(), margins: zeros([20000]))")
        #expect(big?.message.contains("at most 10000") == true, "\(big?.message ?? "no error")")
    }
}
