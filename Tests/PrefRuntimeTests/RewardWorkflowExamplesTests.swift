import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// The claims of issue 11's data/reward-side examples: dissect.pref and learn_from_edits.pref in
/// quick mode; rm_benchmarks.pref and routing.pref at full size (their quick modes are smoke runs
/// small enough for the fuzz corpus's 2 s limit; full size is about 5 and 9 s of CPU in debug).
@Suite("reward workflow examples") struct RewardWorkflowExamplesTests {
    static func run(_ name: String, quick: Bool = true) -> String {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let path = ExamplesTests.directory.appendingPathComponent(name).path
        #expect(ScriptRunner(session: session).run(path: path, overrides: ["quick=\(quick)"]) == 0, "\(err)")
        return out
    }

    static func lines(_ out: String, prefix: String) -> [Substring] { out.split(separator: "\n").filter { $0.hasPrefix(prefix) } }

    /// The numbers of a line, in order ("[-0.036, 0.019]" gives -0.036 and 0.019).
    static func numbers(_ line: Substring) -> [Double] {
        line.split(whereSeparator: { " [],:=".contains($0) }).compactMap { Double($0) }
    }

    @Test func dissectRecoversTheWeightsAndFindsTheLengthBias() throws {
        let out = Self.run("dissect.pref")
        // "human: 9 of 9 true weights inside their 95% intervals"
        let human = try #require(Self.lines(out, prefix: "human:").first, "\(out)")
        #expect(Self.numbers(human) == [9, 9], "\(human)")
        let judge = try #require(Self.lines(out, prefix: "judge:").first)
        #expect((Self.numbers(judge).first ?? 0) >= 8, "\(judge)")
        // "length coefficient, human: c [lo, hi], p = …": the human's interval covers 0, the
        // judge's excludes it and covers the bias 0.3.
        let h = Self.numbers(try #require(Self.lines(out, prefix: "length coefficient, human").first))
        let j = Self.numbers(try #require(Self.lines(out, prefix: "length coefficient, judge").first))
        #expect(h[1] < 0 && 0 < h[2], "\(h)")
        #expect(j[1] > 0.15 && j[1] < 0.3 && 0.3 < j[2], "\(j)")
        // Judge ratings and annotator rankings of the same responses disagree on some pairs, not most.
        let c = Self.numbers(try #require(Self.lines(out, prefix: "ratings vs rankings").first))
        #expect(c.count == 4 && c[0] > 50 && c[3] > 0.05 && c[3] < 0.5 && abs(c[3] - (c[1] + c[2]) / c[0]) < 1e-3, "\(c)")
    }

    @Test func editsRecoverTheUsersPreference() throws {
        let out = Self.run("learn_from_edits.pref")
        let population = Self.numbers(try #require(Self.lines(out, prefix: "cosine(v, w*)").first))
        #expect(abs(population.last ?? 1) < 0.3, "\(population)")
        // "n responses shown, m edited: cosine(learned, v) = c"
        let rows = Self.lines(out, prefix: "").filter { $0.contains("responses shown") }.map(Self.numbers)
        #expect(rows.count == 3, "\(out)")
        let cosines = rows.compactMap(\.last)
        #expect(cosines.last! > 0.95 && cosines.last! > cosines.first!, "\(cosines)")
        #expect(rows.allSatisfy { $0[1] > 0 && $0[1] < $0[0] }, "some responses are left unchanged: \(rows)")
    }

    @Test func benchmarksRankAlikeExceptTheBiasedOne() throws {
        let out = Self.run("rm_benchmarks.pref", quick: false)
        func tau(_ a: String, _ b: String) -> Double {
            Self.lines(out, prefix: "\(a) vs \(b):").first.flatMap { Self.numbers($0).first } ?? .nan
        }
        let alike = tau("gold", "annotators"), biasedTau = tau("gold", "length_biased")
        #expect(alike > 0.9, "\(out)")
        #expect(biasedTau < alike - 0.3, "\(biasedTau) vs \(alike)")
        // The length-hacking model is last on gold but first on the length-biased benchmark.
        let gold = try #require(Self.lines(out, prefix: "gold: {").first), biased = try #require(Self.lines(out, prefix: "length_biased: {").first)
        func scores(_ line: Substring) -> [String: Double] {
            var d = [String: Double]()
            for part in line.drop(while: { $0 != "{" }).dropFirst().dropLast().split(separator: ",") {
                let kv = part.split(separator: ":")
                if kv.count == 2, let v = Double(kv[1].trimmingCharacters(in: .whitespaces)) { d[kv[0].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))] = v }
            }
            return d
        }
        let g = scores(gold), b = scores(biased)
        #expect(g.count == 5 && b.count == 5, "\(g) \(b)")
        #expect(b["mlp16-psi-biased"] == b.values.max(), "\(b)")
        #expect(g["mlp16-psi-biased"]! < g["mlp16-1000"]!, "\(g)")
        // Eurus: mean chosen reward > 0 > mean rejected reward.
        let eurus = Self.numbers(try #require(Self.lines(out, prefix: "mlp16-1000-eurus:").first))
        #expect(eurus.count >= 2 && eurus[eurus.count - 2] > 0 && eurus[eurus.count - 1] < 0, "\(eurus)")
    }

    @Test func routedMixtureBeatsEitherSource() throws {
        let out = Self.run("routing.pref", quick: false)
        // "name: n pairs ({…}) for cost c, labels agree with gold a, reward model gold agreement g"
        func result(_ name: String) throws -> (cost: Double, labels: Double, model: Double) {
            let line = try #require(Self.lines(out, prefix: "\(name):").first, "\(out)")
            let tail = line.split(separator: "for cost").last.map(Self.numbers) ?? []
            try #require(tail.count == 3, "\(line)")
            return (tail[0], tail[1], tail[2])
        }
        let human = try result("human only"), judge = try result("judge only")
        let random = try result("random mix"), routed = try result("routed")
        for r in [human, random, routed] { #expect(r.cost <= 300 && r.cost > 290, "same budget: \(r)") }
        #expect(routed.labels > random.labels && routed.labels > judge.labels, "labels: \(routed) vs \(random), \(judge)")
        #expect(routed.model > human.model && routed.model > judge.model, "reward model: \(routed) vs \(human), \(judge)")
        #expect(routed.model >= random.model, "\(routed) vs random \(random)")
    }
}
