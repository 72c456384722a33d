import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// Every example runs in the suite, small (`--set quick=true`), and passes `pref check`.
@Suite("examples") struct ExamplesTests {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples")
    }

    static var examples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".pref") }.sorted()
    }

    @Test(arguments: ExamplesTests.examples)
    func runsQuickly(_ name: String) {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let code = ScriptRunner(session: session).run(path: ExamplesTests.directory.appendingPathComponent(name).path, overrides: ["quick=true"])
        #expect(code == 0, "\(name) failed:\n\(err)")
        #expect(!out.isEmpty)
    }

    @Test(arguments: ExamplesTests.examples)
    func passesCheck(_ name: String) {
        var err = ""
        let session = Session(output: { _ in }, errorOutput: { err += $0 })
        #expect(ScriptRunner(session: session).check(path: ExamplesTests.directory.appendingPathComponent(name).path) == 0, "\(err)")
    }

    /// `pref fmt --check` passes on every example and Stdlib module.
    @Test func examplesAndStdlibAreFormatted() throws {
        let stdlib = ExamplesTests.directory.deletingLastPathComponent().appendingPathComponent("Stdlib")
        let files = ExamplesTests.examples.map { ExamplesTests.directory.appendingPathComponent($0) }
            + (try FileManager.default.contentsOfDirectory(atPath: stdlib.path)).filter { $0.hasSuffix(".pref") }.map { stdlib.appendingPathComponent($0) }
        #expect(files.count >= 3)
        for url in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(try format(text, path: url.lastPathComponent) == text, "\(url.lastPathComponent) is not formatted: run pref fmt")
        }
    }

    @Test func languageTourFitsItsLogisticRegression() throws {
        var out = ""
        let session = Session(output: { out += $0 }, errorOutput: { _ in })
        let code = ScriptRunner(session: session).run(path: ExamplesTests.directory.appendingPathComponent("language_tour.pref").path, overrides: ["quick=true"])
        #expect(code == 0)
        // The printed losses fall, and the final training accuracy is high.
        let losses = out.split(separator: "\n").filter { $0.hasPrefix("step") }.compactMap { Double($0.split(separator: " ").last ?? "") }
        #expect(losses.count == 5)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $0 > $1 }, "\(losses)")
        let accuracy = out.split(separator: "\n").last.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        #expect(accuracy > 0.95)
    }

    /// The arena leaderboard: a ten-row ranked table, the ranking close to the truth the battles
    /// were drawn from, most intervals covering it, and half-win ties shrinking the abilities.
    @Test func leaderboardRecoversTheArena() throws {
        var out = ""
        let session = Session(output: { out += $0 }, errorOutput: { _ in })
        let code = ScriptRunner(session: session).run(path: ExamplesTests.directory.appendingPathComponent("leaderboard.pref").path, overrides: ["quick=true"])
        #expect(code == 0)
        let lines = out.split(separator: "\n").map(String.init)
        func numbers(_ prefix: String) -> [Double] {
            let line = lines.first { $0.hasPrefix(prefix) } ?? ""
            return line.dropFirst(prefix.count).split(whereSeparator: { !"0123456789.".contains($0) }).compactMap { Double($0) }
        }
        #expect(lines.filter { $0.hasPrefix("│ ") && $0.contains(" │ ") }.count >= 11, "header and ten ranked rows")
        let pairs = numbers("pairs ranked as the truth ranks them:")
        #expect(pairs.count == 2 && pairs[1] == 45 && pairs[0] >= 40, "\(pairs)")
        let covered = numbers("intervals covering the truth:")
        #expect(covered.count == 2 && covered[1] == 10 && covered[0] >= 7, "\(covered)")
        let shrink = numbers("ties:")
        #expect(shrink.count >= 3 && shrink[2] > 0.6 && shrink[2] < 0.95, "\(shrink)")
    }

    /// examples/constrained_rlhf.pref (spec §1.5), small: the joint proxy point moves away from
    /// the independent one, along r1, once ρ is high (0.9 against 0 and 0.5); fixed weights overoptimise (the
    /// evaluation score peaks, then falls) while μ and ξ end within 2% of the joint optimum's
    /// evaluation score at lower KL; the threshold ablation ×0.9/×1.0/×1.1 is best at ×1.0;
    /// NM-PPO tries thresholds and ends above the fixed weights' peak.
    @Test func constrainedRLHFShowsItsShapes() throws {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let code = ScriptRunner(session: session).run(path: ExamplesTests.directory.appendingPathComponent("constrained_rlhf.pref").path, overrides: ["quick=true"])
        #expect(code == 0, "\(err)")
        let lines = out.split(separator: "\n").map(String.init)
        func numbers(_ prefix: String) -> [Double] {
            guard let line = lines.first(where: { $0.hasPrefix(prefix) }) else { return [] }
            return line.dropFirst(prefix.count).split(whereSeparator: { " ,()%:".contains($0) }).compactMap { Double($0) }
        }
        let shifts = ["0", "0.5", "0.9"].map { numbers("rho \($0):").last ?? 0 }
        // In the Gaussian large-K limit the least-KL tilts give joint = independent while P·w* lies
        // inside the cone of the sweep's weights (ρ = 0 and 0.5 here) and a shift along r1 once it
        // leaves it (ρ = 0.9); the finite candidate sets add a floor of ~0.2 at every ρ (design.md).
        #expect(shifts[2] > shifts[0] + 0.05 && shifts[2] > shifts[1] + 0.05, "the shift does not grow with ρ: \(shifts)")
        let high = numbers("rho 0.9:")          // independent (r1, r2), joint (r1, r2), shift
        #expect(high.count == 5 && high[2] - high[0] > 0.25 && abs(high[3] - high[1]) < 0.1,
                "at ρ = 0.9 the joint point should move along r1 only: \(high)")
        let best = try #require(numbers("joint optimum eval").first)
        let fixed = numbers("fixed:")            // peak, step, final, kl
        #expect(fixed.count == 4)
        #expect(fixed[0] > fixed[2] + 0.05, "fixed weights do not overoptimise: \(fixed)")
        for name in ["mu", "xi"] {
            let r = numbers("\(name):")          // eval, gap, kl
            #expect(r.count == 3)
            #expect(abs(r[0] - best) <= 0.02 * abs(best), "\(name) ends at \(r[0]), the joint optimum is \(best)")
            #expect(r[2] < fixed[3], "\(name)'s KL \(r[2]) is not below the fixed weights' \(fixed[3])")
        }
        let ablation = ["0.9", "1", "1.1"].map { numbers("ablation x\($0):").first ?? .nan }
        #expect(ablation[1] > ablation[0] && ablation[1] > ablation[2], "the ablation is not best at ×1.0: \(ablation)")
        let nm = numbers("nm:")                  // θ1, θ2, eval, evaluations
        #expect(nm.count == 4 && nm[3] >= 3)
        #expect(nm.count == 4 && nm[2] > fixed[0], "NM-PPO ends at \(nm), below the fixed weights' peak \(fixed[0])")
    }
}
