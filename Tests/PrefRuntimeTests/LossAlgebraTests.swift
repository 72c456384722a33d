import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// Loss algebra (`a + b`, `w * a`, `a * w`, `a / w`) and user-defined losses (`loss(name, fn)`).
@Suite("builtins: loss algebra and user-defined losses") struct LossAlgebraTests {
    static func columns(_ t: String, _ s: Session) throws -> [[Double]] {
        try ["loss", "grad_chosen", "grad_rejected"].map { try Pref.tensor("\(t).\($0)", in: s).scalars }
    }

    @Test func weightedSumAddsBatchLossesAndColumns() throws {
        let (s, path) = try BuiltinsLossZooTests.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Pref.eval("""
            let a = inspect(dpo(beta: 0.1), d)
            let b = inspect(cpo(), d)
            let sum = inspect(dpo(beta: 0.1) + 0.5 * cpo(), d)
            let scaled = inspect(dpo(beta: 0.1) * 3 / 2, d)

            """, in: s)
        let a = try Self.columns("a", s), b = try Self.columns("b", s)
        let sum = try Self.columns("sum", s), scaled = try Self.columns("scaled", s)
        for k in 0..<3 {
            for i in 0..<2 {
                #expect(abs(sum[k][i] - (a[k][i] + 0.5 * b[k][i])) <= 1e-12 * max(1, abs(sum[k][i])))
                #expect(abs(scaled[k][i] - 1.5 * a[k][i]) <= 1e-12 * max(1, abs(scaled[k][i])))
            }
        }
        let batch = try Pref.number("sum.batch_loss", in: s), parts = try Pref.number("a.batch_loss + 0.5 * b.batch_loss", in: s)
        #expect(abs(batch - parts) <= 1e-12 * max(1, abs(batch)))
        #expect(try Pref.number("len(sum.metrics)", in: s) > 0)
    }

    @Test func compositeValues() throws {
        #expect(try Pref.repr("type(dpo() + kto())") == "\"loss\"")
        #expect(try Pref.eval("str(2 * dpo() + orpo() / 4)").displayText == "<loss 2·dpo + 0.25·orpo>")
        #expect(try Pref.number("len((dpo() + simpo() + orpo()).terms)") == 3)
        #expect(throws: (any Error).self) { try Pref.eval("2 / dpo()") }
        #expect(throws: (any Error).self) { try Pref.eval("dpo() - orpo()") }
        #expect(throws: (any Error).self) { try Pref.eval("dpo() + \"x\"") }
    }

    @Test func dpoWrittenInPrefEqualsNativeDPO() throws {
        let (s, path) = try BuiltinsLossZooTests.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Pref.eval("""
            let my_dpo = loss("my_dpo", fn(b) -log_sigmoid(0.1 * (b.chosen_logratio - b.rejected_logratio)))
            let mine = inspect(my_dpo, d)
            let native = inspect(dpo(beta: 0.1), d)

            """, in: s)
        let mine = try Self.columns("mine", s), native = try Self.columns("native", s)
        for k in 0..<3 {
            for i in 0..<2 { #expect(abs(mine[k][i] - native[k][i]) <= 1e-12, "column \(k) row \(i)") }
        }
        #expect(abs(try Pref.number("mine.batch_loss - native.batch_loss", in: s)) <= 1e-12)
        #expect(try Pref.repr("type(loss(\"x\", fn(b) b.chosen_logps))") == "\"loss\"")
    }

    @Test func userLossesSeeEveryFieldAndMixWithNativeOnes() throws {
        let (s, path) = try BuiltinsLossZooTests.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Length-normalised chosen NLL: ℓ = −pc/Lc, so ∂/∂pc = −1/Lc; margin and weight are none here.
        _ = try Pref.eval("""
            let nll = loss("nll", fn(b) -b.chosen_logps / b.chosen_length)
            let t = inspect(nll, d)
            let fields = loss("f", fn(b) b.label * 0 + b.ref_chosen_logps + b.ref_rejected_logps * 0 + b.rejected_length * 0)
            let u = inspect(dpo() + fields, d)
            let marginless = loss("m", fn(b) b.margin)

            """, in: s)
        #expect(try Pref.tensor("t.grad_chosen", in: s).scalars == [-0.25, -0.2])
        #expect(try Pref.tensor("t.loss", in: s).scalars == [2.5, 4.1])
        #expect(throws: (any Error).self) { try Pref.eval("inspect(marginless, d)", in: s) }
        #expect(throws: (any Error).self) { try Pref.eval("inspect(loss(\"s\", fn(b) sum(b.chosen_logps)), d)", in: s) }
        #expect(throws: (any Error).self) { try Pref.eval("inspect(loss(\"s\", fn(b) \"x\"), d)", in: s) }
    }
}
