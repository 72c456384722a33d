import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `bradley_terry_loss(margin:, center:)` against losses.md §6 on a two-pair logps file, worked
/// out here in f64: ℓ = softplus(−(s_w − s_l − m)) + c·(s_w + s_l)², ∂ℓ/∂s_w = −σ(−(s_w − s_l − m)) + 2c(s_w + s_l),
/// ∂ℓ/∂s_l = σ(−(s_w − s_l − m)) + 2c(s_w + s_l).
@Suite("builtins: Bradley–Terry margin and center") struct BradleyTerryMarginTests {
    typealias Zoo = BuiltinsLossZooTests
    static let dataMargin = [0.75, -0.25]

    /// The zoo's two pairs, with or without a margin column.
    static func session(margins: Bool) throws -> (Session, String) {
        try Zoo.load((0..<2).map { i in
            "{\"policy_chosen_logps\": \(Zoo.pc[i]), \"policy_rejected_logps\": \(Zoo.pr[i]), \"ref_chosen_logps\": \(Zoo.rc[i]), "
                + "\"ref_rejected_logps\": \(Zoo.rr[i])" + (margins ? ", \"margin\": \(dataMargin[i])" : "") + "}\n"
        }.joined())
    }

    static func expect(_ loss: String, _ s: Session, margin m: [Double], center c: Double) throws {
        let d = (0..<2).map { Zoo.pc[$0] - Zoo.pr[$0] - m[$0] }, sum = (0..<2).map { Zoo.pc[$0] + Zoo.pr[$0] }
        try Zoo.check(loss, s, loss: (0..<2).map { Zoo.softplus(-d[$0]) + c * sum[$0] * sum[$0] },
                      gc: (0..<2).map { -Zoo.sigmoid(-d[$0]) + 2 * c * sum[$0] }, gr: (0..<2).map { Zoo.sigmoid(-d[$0]) + 2 * c * sum[$0] })
    }

    @Test func constantMarginOverridesTheColumn() throws {
        for withColumn in [false, true] {
            let (s, path) = try Self.session(margins: withColumn)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Self.expect("bradley_terry_loss(margin: 1.5)", s, margin: [1.5, 1.5], center: 0)
            try Self.expect("bradley_terry_loss(margin: -2, center: 0.01)", s, margin: [-2, -2], center: 0.01)
            try Self.expect("bradley_terry_loss(margin: 0)", s, margin: [0, 0], center: 0)
        }
    }

    @Test func dataMarginsAndTheAlias() throws {
        let (s, path) = try Self.session(margins: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.expect("bradley_terry_loss()", s, margin: Self.dataMargin, center: 0)
        try Self.expect("bradley_terry_loss(margin: \"data\", center: 0.02)", s, margin: Self.dataMargin, center: 0.02)
        try Self.expect("bradley_terry_loss(center_rewards_coefficient: 0.02)", s, margin: Self.dataMargin, center: 0.02)
        #expect(try Pref.repr("bradley_terry_loss(margin: 0.5, center: 0.01).margin") == "0.5")
        #expect(try Pref.repr("bradley_terry_loss(center_rewards_coefficient: 0.01).center") == "0.01")
        #expect(try Pref.repr("bradley_terry_loss(margin: \"data\").margin") == "\"data\"")
    }

    @Test func badArgumentsAreLocatedErrors() throws {
        let (s, path) = try Self.session(margins: false)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // margin: "data" on data without the column is an error, not a silent 0.
        #expect(throws: (any Error).self) { try Pref.eval("inspect(bradley_terry_loss(margin: \"data\"), d)", in: s) }
        for bad in ["bradley_terry_loss(margin: \"score\")", "bradley_terry_loss(margin: 1 / 0)", "bradley_terry_loss(center: -0.1)",
                    "bradley_terry_loss(center: 0.1, center_rewards_coefficient: 0.2)"] {
            #expect(throws: (any Error).self, "\(bad)") { try Pref.eval(bad) }
        }
        #expect(try Pref.repr("bradley_terry_loss(center: 0.1, center_rewards_coefficient: 0.1).center") == "0.1")
    }
}
