import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// examples/logic_losses.pref's claims (spec §8, E19): the known losses are formulas to rounding,
/// entailment orders the losses, and the DPO formula trains exactly as dpo() while its lattice
/// neighbours train too.
@Suite("logic losses example") struct LogicLossesExampleTests {
    static func numbers(_ line: Substring) -> [Double] {
        line.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) }
    }

    /// The row label of a line "label   <marker> …", nil without the marker.
    static func label(_ line: Substring, before marker: String) -> String? {
        guard let r = line.range(of: marker) else { return nil }
        return line[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
    }

    @Test func identitiesLatticeAndTraining() throws {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let path = ExamplesTests.directory.appendingPathComponent("logic_losses.pref").path
        #expect(ScriptRunner(session: session).run(path: path, overrides: ["quick=true"]) == 0, "\(err)")
        let lines = out.split(separator: "\n")
        // dpo, cpo, simpo, orpo: max |Δℓ| at rounding level.
        let gaps = lines.filter { $0.contains("max |Δℓ|") }
        #expect(gaps.count == 4, "\(out)")
        for line in gaps {
            let g = try #require(Self.numbers(line).first, "\(line)")
            #expect(g < 1e-12, "\(line)")
        }
        // The lattice: mean losses fall along win & !lose ⊨ win ⊨ lose -> win, and no entailed pair is out of order.
        func mean(_ formula: String) throws -> Double {
            let line = try #require(lines.first { Self.label($0, before: " worlds ") == formula }, "\(formula)")
            return try #require(Self.numbers(line).last)
        }
        #expect(try mean("win & !lose") > mean("win") && mean("win") > mean("lose -> win"))
        #expect(try mean("win & !lose") > mean("!lose") && mean("!lose") > mean("lose -> win"))
        let order = try #require(lines.first { $0.hasPrefix("entailment pairs") })
        #expect(Self.numbers(order) == [15, 0], "\(order)")
        // Training: the DPO formula's run is dpo()'s; every formula beats the reference (win rate 0.5).
        func run(_ name: String) throws -> [Double] {
            let line = try #require(lines.first { Self.label($0, before: " win rate ") == name }, "\(name)")
            return Self.numbers(line)
        }
        #expect(try run("dpo()") == run("win & !lose given win ^ lose"))
        for name in ["dpo()", "win & !lose", "lose -> win", "win given win | lose", "!lose"] {
            let r = try run(name)
            #expect(r.count == 3 && r[0] > 0.6, "\(name): \(r)")
        }
        // The sweep: 14 unconditioned formulas, 6 inside "win | lose", 2 inside "win ^ lose"; the
        // direction of training follows which of 10 and 01 the formula allows.
        let sweep = lines.compactMap { line -> (worlds: Set<String>, given: String, winRate: Double)? in
            guard let worlds = Self.label(line, before: " given "), let g = line.range(of: " given "),
                  let rate = line.range(of: " win rate ") else { return nil }
            let given = line[g.upperBound..<rate.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let w = Double(line[rate.upperBound...]) else { return nil }
            return (Set(worlds.split(separator: " ").map(String.init)), given, w)
        }
        #expect(sweep.count == 22, "\(out)")
        #expect(sweep.filter { $0.given == "true" }.count == 14 && sweep.filter { $0.given == "win | lose" }.count == 6)
        for row in sweep where row.worlds.contains("10") != row.worlds.contains("01") {
            if row.worlds.contains("10") { #expect(row.winRate > 0.5, "\(row)") } else { #expect(row.winRate < 0.5, "\(row)") }
        }
        #expect(lines.contains { $0 == "trained 22 formulas" })
    }
}
