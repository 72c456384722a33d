import Foundation
import Testing
@testable import PrefRuntime

/// examples/quickstart.pref, the script `Scripts/demo` runs first, shows what its header claims
/// even in quick mode: DPO wins against the reference, the reward model agrees with gold on most
/// held-out pairs, and best-of-n's gold reward rises with n.
@Suite("quickstart example") struct QuickstartExampleTests {
    func numbers(after prefix: String, in out: String) -> [Double] {
        guard let line = out.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return [] }
        return line.split(whereSeparator: { " ,→".contains($0) }).compactMap { Double($0) }
    }

    @Test func dpoRewardModelAndBestOfNShowTheirShapes() throws {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let path = ExamplesTests.directory.appendingPathComponent("quickstart.pref").path
        let recorded = ScriptRunner(session: session).runNotebook(path: path, overrides: ["quick=true"])
        #expect(recorded.status == 0, "\(err)")
        let recorder = try #require(recorded.recorder)
        out = recorder.outputs.joined().map { output -> String in
            if case .text(let t) = output { return t } else { return "" }
        }.joined()

        let dpo = numbers(after: "DPO:", in: out)  // win rate, gold before, gold after, KL
        #expect(dpo.count == 4, "\(out)")
        if dpo.count == 4 {
            #expect(dpo[0] > 0.6)
            #expect(dpo[2] > dpo[1])
            #expect(dpo[3] > 0)
        }
        let rm = numbers(after: "reward model:", in: out)  // accuracy, agreement, ECE
        #expect(rm.count == 3, "\(out)")
        if rm.count == 3 { #expect(rm[1] > 0.7) }

        // The best-of-n table: gold rises with n.
        let tables = recorder.outputs.joined().compactMap { output -> Table? in
            if case .table(let t) = output { return t } else { return nil }
        }
        let bon = try #require(tables.first { $0.columns.contains("gold") && $0.columns.contains("n") })
        let column = try #require(bon.columns.firstIndex(of: "gold"))
        let golds = bon.rows.compactMap { row -> Double? in
            if case .number(let x) = row[column] { return x } else { return nil }
        }
        #expect(golds.count == 5)
        #expect(zip(golds, golds.dropFirst()).allSatisfy { $0 < $1 }, "\(golds)")
    }
}
