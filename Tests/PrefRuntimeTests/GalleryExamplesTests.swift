import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// The teaching gallery (issue 10, spec §9.6 E11–E16): each example runs small (quick = true)
/// and its printed numbers have the shape its paper reports.
@Suite("gallery examples") struct GalleryExamplesTests {
    /// The printed lines of `examples/<name>` run with quick = true (and `overrides`, "name=value").
    static func run(_ name: String, overrides: [String] = []) throws -> [String] {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let code = ScriptRunner(session: session).run(path: ExamplesTests.directory.appendingPathComponent(name).path, overrides: ["quick=true"] + overrides)
        guard code == 0 else { throw Pref.Mismatch("\(name) failed:\n\(err)") }
        return out.split(separator: "\n").map(String.init)
    }

    /// The numbers of the first line starting with `prefix`, after the prefix.
    static func numbers(_ lines: [String], _ prefix: String) throws -> [Double] {
        guard let line = lines.first(where: { $0.hasPrefix(prefix) }) else { throw Pref.Mismatch("no line starts with \(prefix)") }
        return numbers(in: String(line.dropFirst(prefix.count)))
    }

    /// Every decimal number in `text` (signs and exponents included).
    static func numbers(in text: String) -> [Double] {
        let regex = try? NSRegularExpression(pattern: "-?[0-9]+(\\.[0-9]+)?(e[-+]?[0-9]+)?")
        let ns = text as NSString
        return (regex?.matches(in: text, range: NSRange(location: 0, length: ns.length)) ?? []).compactMap { Double(ns.substring(with: $0.range)) }
    }

    /// E12 (Azar et al. 2023): DPO's loss falls all the way along the ray to the deterministic
    /// policy for every β, and training pushes π(y1) up; IPO lands on its closed form
    /// π ∝ exp([2, 1, 0]/(3τ)) and π(y1) falls smoothly with τ.
    @Test func ipoIsSmoothDPOIsDeterministic() throws {
        let lines = try Self.run("ipo_vs_dpo.pref")
        for beta in ["0.01", "0.1", "1", "10"] {
            let ray = try Self.numbers(lines, "dpo beta \(beta) loss along the ray c = [0.5, 2, 8, 32]:")
            #expect(ray.count == 4 && zip(ray, ray.dropFirst()).allSatisfy { $0 > $1 }, "β = \(beta): \(ray)")
            let p = try Self.numbers(lines, "dpo beta \(beta): pi(y1)")
            // The numbers after the prefix: π(y1), 2, π(y2), 3, π(y3).
            guard p.count == 5 else { throw Pref.Mismatch("β = \(beta): \(p)") }
            #expect(p.count == 5 && p[0] > 0.6 && p[0] > 2 * p[2] && p[2] > p[4], "β = \(beta): \(p)")
            if beta != "10" { #expect(p[0] > 0.99, "β = \(beta): \(p)") }
        }
        let taus = ["0.05", "0.1", "0.2", "0.5", "1", "2", "5"]
        let first = try taus.map { try Self.numbers(lines, "ipo tau \($0): pi(y1)") }
        guard first.allSatisfy({ $0.count == 6 }) else { throw Pref.Mismatch("\(first)") }
        let pi1 = first.map { $0[0] }
        #expect(zip(pi1, pi1.dropFirst()).allSatisfy { $0 > $1 }, "\(pi1)")
        #expect(pi1[0] > 0.99 && pi1[6] < 0.36 && pi1[6] > 1.0 / 3, "\(pi1)")
        for (tau, numbers) in zip(taus, first) {
            let t = try #require(Double(tau))
            let exact = exp(2 / (3 * t)) / (exp(2 / (3 * t)) + exp(1 / (3 * t)) + 1)
            #expect(abs(numbers[0] - exact) < 1e-4, "τ = \(tau): \(numbers) vs \(exact)")
        }
        let gap = try Self.numbers(lines, "ipo: largest gap to the closed form")
        #expect(gap.count == 1 && gap[0] < 1e-4, "\(gap)")
    }

    /// E13: the noisier the labels the lower every win rate; rDPO's falls least and cDPO's most
    /// (it collapses towards the reference); rDPO keeps the clean run's KL while DPO's shrinks.
    @Test func robustDPOKeepsItsSharpnessUnderLabelNoise() throws {
        let lines = try Self.run("noisy_labels.pref")
        // "name: win rate a at eps 0, b at eps 0.4, drop d; kl k0 -> k1": a, 0, b, 0.4, d, k0, k1.
        let dpo = try Self.numbers(lines, "dpo: win rate"), cdpo = try Self.numbers(lines, "cdpo: win rate")
        let rdpo = try Self.numbers(lines, "rdpo: win rate")
        guard [dpo, cdpo, rdpo].allSatisfy({ $0.count == 7 }) else { throw Pref.Mismatch("\(dpo) \(cdpo) \(rdpo)") }
        for r in [dpo, cdpo, rdpo] { #expect(r[3] == 0.4 && r[2] < r[0], "\(r)") }
        #expect(cdpo[4] > dpo[4] + 0.05 && cdpo[4] > rdpo[4] + 0.05, "cDPO falls the most: \(cdpo) \(dpo) \(rdpo)")
        #expect(rdpo[2] > cdpo[2] + 0.05, "\(rdpo) \(cdpo)")
        #expect(rdpo[4] < dpo[4] && rdpo[2] > dpo[2], "rDPO is the flattest: \(rdpo) vs \(dpo)")
        #expect(rdpo[6] > 0.8 * rdpo[5], "rDPO keeps its KL: \(rdpo)")
        #expect(dpo[6] < 0.7 * dpo[5] && cdpo[6] < 0.2 * cdpo[5], "DPO and cDPO shrink towards the reference: \(dpo) \(cdpo)")
    }

    /// E14, on two draws of the data. KTO: with 10% of the desirable examples kept KTO loses less
    /// win rate than DPO on the remaining pairs and is ahead of it; on the full data the two are
    /// level. BCO: the prompt shift costs win rate, UDM changes little without it and does not hurt
    /// under it; the shift distorts BCO's per-cluster sharpness and UDM undoes that, while its
    /// linear prompt classifier misestimates the third cluster's density ratio (the header's why).
    @Test(arguments: ["1", "2"]) func ktoIsRobustToDiscardingDesirableExamples(_ seed: String) throws {
        let lines = try Self.run("kto_bco.pref", overrides: ["seed=\(seed)"])
        // After the prefix: "(1000 of 1000): kto win rate a, dpo win rate b" gives 1000, 1000, a, b.
        let all = try Self.numbers(lines, "kept 100% of desirable"), tenth = try Self.numbers(lines, "kept 10% of desirable")
        #expect(all.count == 4 && tenth.count == 4, "\(all) \(tenth)")
        guard all.count == 4, tenth.count == 4 else { return }
        #expect(all[2] > 0.7 && all[3] > 0.7, "both learn from the full data: \(all)")
        #expect(abs(all[2] - all[3]) < 0.03, "level on the full data: \(all)")
        #expect(tenth[2] > tenth[3], "KTO ahead of DPO at 10%: \(tenth)")
        #expect(all[2] - tenth[2] < all[3] - tenth[3], "KTO drops less: \(all) \(tenth)")
        #expect(tenth[2] > 0.6, "\(tenth)")
        // "scenario: bco win rate a, bco+udm b, kto c": prompt shift costs BCO; UDM changes little
        // without shift and does not hurt under it.
        let plain = try Self.numbers(lines, "no shift: bco win rate"), shifted = try Self.numbers(lines, "prompt shift: bco win rate")
        #expect(plain.count == 3 && shifted.count == 3, "\(plain) \(shifted)")
        guard plain.count == 3, shifted.count == 3 else { return }
        #expect(shifted[0] < plain[0] - 0.05, "the shift costs BCO: \(shifted) vs \(plain)")
        #expect(abs(plain[1] - plain[0]) < 0.02, "UDM without shift: \(plain)")
        #expect(shifted[1] > shifted[0] - 0.01, "UDM under shift: \(shifted)")
        // Why: "scenario: density ratio by cluster, true a b c, udm estimate d e f". Without shift
        // both are near 1; under it the classifier gets cluster 0's side and size (within 50%) and
        // cluster 1's side, but puts cluster 2 (true ≈ 1) at over 1.5 times its true ratio.
        let ratioPlain = try Self.numbers(lines, "no shift: density ratio by cluster,")
        let ratio = try Self.numbers(lines, "prompt shift: density ratio by cluster,")
        guard ratioPlain.count == 6, ratio.count == 6 else { throw Pref.Mismatch("\(ratioPlain) \(ratio)") }
        #expect(ratioPlain.allSatisfy { abs($0 - 1) < 0.3 } && (0..<3).allSatisfy { abs(ratioPlain[$0] - ratioPlain[$0 + 3]) < 0.2 }, "\(ratioPlain)")
        #expect(ratio[0] > 4 && abs(ratio[3] / ratio[0] - 1) < 0.5, "cluster 0: \(ratio)")
        #expect(ratio[1] < 0.2 && ratio[4] < 0.5, "cluster 1: \(ratio)")
        #expect(abs(ratio[2] - 1) < 0.3 && ratio[5] > 1.5 * ratio[2], "cluster 2: \(ratio)")
        // "  scenario name by cluster: win rate w0 w1 w2, kl k0 k1 k2": the shift makes BCO
        // under-shoot on cluster 0 (mostly thumbs-up) and over-shoot on cluster 1 (mostly
        // thumbs-down); UDM moves both KLs back and raises cluster 0's win rate.
        let fit = try ["no shift bco", "prompt shift bco", "prompt shift bco+udm"].map { try Self.numbers(lines, "  \($0) by cluster:") }
        guard fit.allSatisfy({ $0.count == 6 }) else { throw Pref.Mismatch("\(fit)") }
        let (plainFit, shiftFit, udmFit) = (fit[0], fit[1], fit[2])
        #expect(shiftFit[3] < plainFit[3] - 0.2 && shiftFit[4] > plainFit[4] + 0.1, "the shift's distortion: \(plainFit) → \(shiftFit)")
        #expect(udmFit[3] > shiftFit[3] + 0.1 && udmFit[4] < shiftFit[4], "UDM undoes it: \(shiftFit) → \(udmFit)")
        #expect(udmFit[0] > shiftFit[0], "cluster 0's win rate: \(shiftFit) → \(udmFit)")
    }

    /// E16 (LiPO, Liu et al. 2024): the learning curve over the number of training lists, on the
    /// first four draws of the lists (means over draws, so no single draw decides). With 10 lists
    /// Plackett–Luce and all-pairs DPO beat best-vs-worst in both worlds; in the spec world the
    /// gap has mostly closed at 300 lists (the saturated ceiling) and Plackett–Luce stays within
    /// 0.01 of all-pairs; where the gold is expressible LiPO-λ ranks below all-pairs at 300 lists.
    @Test func bestVsWorstLagsWhereListsAreScarce() throws {
        let lines = try Self.run("listwise.pref", overrides: ["quick=false", "draws=4", "sizes=10 300"])
        // "world n N name: ndcg mean (min–max), win rate mean (min–max)"
        func ndcg(_ world: String, _ n: Int, _ name: String) throws -> Double {
            let v = try Self.numbers(lines, "\(world) n \(n) \(name):")
            guard v.count == 6 else { throw Pref.Mismatch("\(world) n \(n) \(name): \(v)") }
            #expect(v[1] <= v[0] && v[0] <= v[2] && v[4] <= v[3] && v[3] <= v[5], "\(world) n \(n) \(name): \(v)")
            return v[0]
        }
        for world in ["spec", "expressible"] {
            let reference = try Self.numbers(lines, "\(world) reference: ndcg")
            #expect(reference.count == 1)
            let pl = try ndcg(world, 10, "plackett_luce"), ap = try ndcg(world, 10, "all_pairs")
            let lipo = try ndcg(world, 10, "lipo"), bvw = try ndcg(world, 10, "best_vs_worst")
            for m in [pl, ap, lipo, bvw] { #expect(m > (reference.first ?? 1) + 0.05, "\(world): \(m) vs \(reference)") }
            #expect(min(pl, ap) > bvw + 0.02, "\(world) n 10: plackett_luce \(pl), all_pairs \(ap), best_vs_worst \(bvw)")
        }
        let gap10 = try ndcg("spec", 10, "all_pairs") - ndcg("spec", 10, "best_vs_worst")
        let gap300 = try ndcg("spec", 300, "all_pairs") - ndcg("spec", 300, "best_vs_worst")
        #expect(gap300 < gap10 / 2, "spec: all-pairs' lead over best-vs-worst \(gap10) at 10 lists, \(gap300) at 300")
        for n in [10, 300] {
            let pl = try ndcg("spec", n, "plackett_luce"), ap = try ndcg("spec", n, "all_pairs")
            #expect(abs(pl - ap) < 0.01, "spec n \(n): plackett_luce \(pl) vs all_pairs \(ap)")
        }
        let lipo = try ndcg("expressible", 300, "lipo"), ap = try ndcg("expressible", 300, "all_pairs")
        #expect(lipo < ap - 0.01 && ap > 0.98, "expressible n 300: lipo \(lipo) vs all_pairs \(ap)")
    }

    /// E11: DPO's points sit on the exact KL-tilted frontier π* ∝ π_ref·exp(r*/β) (gold within 0.06
    /// of it at the same KL, KL close to π*_β's), PPO's near it, and DPO's KL falls as β grows.
    @Test func dpoLiesOnTheTiltedFrontier() throws {
        let lines = try Self.run("dpo_vs_ppo.pref")
        var dpoKL = [Double]()
        for beta in ["0.1", "0.5", "2"] {
            // "beta b: optimum gold g at kl k; dpo gold g at kl k; ppo gold g at kl k"
            let n = try Self.numbers(lines, "beta \(beta):")
            #expect(n.count == 6, "\(n)")
            guard n.count == 6 else { continue }
            #expect(n[2] <= n[0] + 1e-9 && n[0] - n[2] < 0.06, "β = \(beta): dpo gold \(n[2]) vs optimum \(n[0])")
            #expect(abs(n[3] - n[1]) < 0.1 * n[1], "β = \(beta): dpo kl \(n[3]) vs optimum \(n[1])")
            dpoKL.append(n[3])
        }
        #expect(dpoKL.count == 3 && dpoKL[0] > dpoKL[1] && dpoKL[1] > dpoKL[2], "\(dpoKL)")
        let dpoGap = try Self.numbers(lines, "dpo: largest gold gap below the frontier")
        let ppoGap = try Self.numbers(lines, "ppo: largest gold gap below the frontier")
        #expect(dpoGap.count == 1 && dpoGap[0] < 0.05, "\(dpoGap)")
        #expect(ppoGap.count == 1 && ppoGap[0] < 0.1, "\(ppoGap)")
    }

    /// E18 (Yan et al.): off-policy DPO with shared output embeddings shows the three D's — the
    /// rejected mass drops fast, the chosen mass peaks then falls, mass moves to unseen responses —
    /// and +SFT, Flex-DPO and on-policy DPO keep several times more mass on the chosen responses.
    @Test func dpoShowsTheThreeDsAndTheMitigationsHelp() throws {
        let lines = try Self.run("dpo_3d.pref")
        // "name: chosen c, rejected r, unseen u, gold g at epoch e"
        func masses(_ name: String) throws -> [Double] {
            let n = try Self.numbers(lines, "\(name): chosen")
            guard n.count == 5 else { throw Pref.Mismatch("\(name): \(n)") }
            return n
        }
        let start = try Self.numbers(lines, "reference: chosen"), dpo = try masses("dpo")
        let peak = try Self.numbers(lines, "dpo chosen mass peak")
        #expect(start.count == 3 && peak.count == 1)
        #expect(dpo[1] < start[1] / 3, "drastic drop of the rejected mass: \(dpo) from \(start)")
        #expect(peak[0] > start[0] && dpo[0] < peak[0], "the chosen mass peaks, then falls: \(dpo) peak \(peak)")
        #expect(dpo[2] > start[2], "dispersion onto unseen responses: \(dpo) from \(start)")
        for name in ["dpo+sft", "flex_dpo", "on_policy"] {
            let m = try masses(name)
            #expect(m[0] > 3 * dpo[0] && m[3] > dpo[3], "\(name) \(m) vs dpo \(dpo)")
        }
        let cosine = try Self.numbers(lines, "cosine of each rejected embedding with its chosen partner:")
        #expect(cosine.count == 1 && abs(cosine[0] - 0.9) < 0.05)
    }

    /// E15, on two draws of the pairs: DPO drifts to long responses under length-biased labels and SimPO does not, because
    /// of its length normalisation; SimPO's margin helps its win rate; ORPO separates chosen and
    /// rejected log-probs more than SFT; MaPO's win rate does not depend on the reference and beats SFT
    /// on the chosen; from the mismatched reference MaPO leads DPO after one epoch, but DPO's learned
    /// log-ratio is the same from every reference and it ends ahead.
    @Test(arguments: ["1", "2"]) func simpoAvoidsLengthHackingAndOrpoSeparates(_ seed: String) throws {
        let lines = try Self.run("length_and_reference.pref", overrides: ["seed=\(seed)"])
        // "name: win rate w, gold g, mean length l"
        func run(_ name: String) throws -> (win: Double, length: Double) {
            let n = try Self.numbers(lines, "\(name): win rate")
            guard n.count == 3 else { throw Pref.Mismatch("\(name): \(n)") }
            return (n[0], n[2])
        }
        let reference = try Self.numbers(lines, "reference: mean length")
        let dpo = try run("dpo"), simpo = try run("simpo"), noNorm = try run("simpo_no_norm"), noMargin = try run("simpo_no_margin")
        #expect(reference.count == 1 && dpo.length > reference[0] + 1, "DPO drifts long: \(dpo) vs \(reference)")
        #expect(simpo.length < reference[0] && simpo.length < dpo.length - 2, "\(simpo) vs \(dpo)")
        #expect(noNorm.length > simpo.length + 2, "normalisation stops the drift: \(noNorm) vs \(simpo)")
        #expect(simpo.win > noMargin.win, "the margin helps: \(simpo) vs \(noMargin)")
        #expect(simpo.win > 0.65 && dpo.win > 0.65)
        // "name: logps chosen a -> b, rejected c -> d, separation s"
        let sft = try Self.numbers(lines, "sft: logps chosen"), orpo = try Self.numbers(lines, "orpo: logps chosen")
        #expect(sft.count == 5 && orpo.count == 5, "\(sft) \(orpo)")
        guard sft.count == 5, orpo.count == 5 else { return }
        #expect(orpo[4] > sft[4] + 0.05 && sft[4] > 0, "ORPO separates more: \(orpo) vs \(sft)")
        // "kind reference: win rate r; from it dpo a, mapo b, sft_chosen c"
        let uniform = try Self.numbers(lines, "uniform reference: win rate")
        let mismatched = try Self.numbers(lines, "mismatched reference: win rate")
        guard uniform.count == 4, mismatched.count == 4 else { throw Pref.Mismatch("\(uniform) \(mismatched)") }
        #expect(mismatched[0] < 0.3, "the first stage puts little mass on the preferred responses: \(mismatched)")
        #expect(abs(mismatched[2] - uniform[2]) < 0.02, "MaPO is not held back by the reference: \(mismatched) vs \(uniform)")
        for r in [uniform, mismatched] {
            #expect(r[2] > r[3], "MaPO beats SFT on the chosen: \(r)")
            #expect(r[1] > r[2] + 0.05, "in this world DPO stays ahead of MaPO: \(r)")
        }
        // "kind reference, name by epoch: [a, b, c]": MaPO learns faster from the mismatched
        // reference (ahead after the first epoch), not from the uniform one.
        func curve(_ kind: String, _ name: String) throws -> [Double] {
            let c = try Self.numbers(lines, "\(kind) reference, \(name) by epoch:")
            guard c.count >= 2 else { throw Pref.Mismatch("\(kind) \(name): \(c)") }
            return c
        }
        let early = try (curve("mismatched", "mapo")[0], curve("mismatched", "dpo")[0])
        #expect(early.0 > early.1 + 0.05, "MaPO ahead of DPO after one epoch from the mismatched reference: \(early)")
        let control = try (curve("uniform", "mapo")[0], curve("uniform", "dpo")[0])
        #expect(control.1 > control.0, "DPO ahead after one epoch from the uniform reference: \(control)")
        // "dpo log-ratio: largest difference between the two references d, largest log-ratio m"
        let ratio = try Self.numbers(lines, "dpo log-ratio:")
        #expect(ratio.count == 2 && ratio[0] < 1e-9 && ratio[1] > 10, "DPO learns the same log-ratio from either reference: \(ratio)")
    }

    /// E17, DOVE: at the same annotation budget, DOVE on conditional + joint pairs beats DPO on the
    /// conditional pairs alone; joint pairs alone teach the policy too.
    @Test func doveUsesTheJointPairs() throws {
        let lines = try Self.run("dove.pref")
        let dpoHalf = try Self.numbers(lines, "dpo on the conditional half: win rate")
        let dove = try Self.numbers(lines, "dove on the conditional half + joint pairs: win rate")
        let joint = try Self.numbers(lines, "dove on the joint pairs alone: win rate")
        let full = try Self.numbers(lines, "dpo on a full budget of conditional pairs: win rate")
        guard [dpoHalf, dove, joint, full].allSatisfy({ $0.count == 1 }) else { throw Pref.Mismatch("\(lines)") }
        #expect(dove[0] > dpoHalf[0] + 0.01, "\(dove) vs \(dpoHalf)")
        #expect(joint[0] > 0.6, "\(joint)")
        #expect(full[0] > dpoHalf[0], "\(full) vs \(dpoHalf)")
    }
}
