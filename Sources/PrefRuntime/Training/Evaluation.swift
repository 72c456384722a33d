import Foundation
import PrefCore
import PrefLearn

/// `evaluate(model, data)`: exact metrics of a candidate policy on pairs of its world, against
/// the policy as built (its reference). With h = (pc − rc) − (pr − rr) per pair:
/// accuracy = mean[h > 0], log_loss = mean −log σ(βh), margin = mean βh; kl = mean over the
/// pairs' prompts of KL(π‖π_ref); gold = E_π[r*], gold_ref = E_π_ref[r*], win_rate =
/// P(r*(y) > r*(y′)) + ½P(=) for y ~ π, y′ ~ π_ref; likelihoods (spec §7, 3D properties):
/// mean log π of chosen and rejected, and log π of the candidates no pair of the prompt shows
/// (`logps/unseen`), each with its change from the reference; and the total probability per
/// prompt of the candidates chosen in some pair (`mass/chosen`), of those only ever rejected
/// (`mass/rejected`) and of the rest (`mass/unseen`): the three curves of spec §7.
enum Evaluation {
    /// `goals` (from `PolicyObject.goals`) condition a goal policy and its reference on one
    /// fixed goal per prompt.
    static func metrics(_ o: PolicyObject, ids: [[Int]], beta: Double, goals: (Int) throws -> [Double]?) throws -> [(String, Double)] {
        let p = o.policy, ref = o.initial, k = p.source.candidates
        let prompts = Array(Set(ids.map { $0[0] / k })).sorted()
        let g = try goals(prompts.count)
        let lp = try p.evaluate { t throws(TensorError) in try p.logProbs(prompts: prompts, goals: g, tape: t) }.to(.f64).scalars
        let lr = try ref.evaluate { t throws(TensorError) in try ref.logProbs(prompts: prompts, goals: g, tape: t) }.to(.f64).scalars
        var row = [Int: Int]()
        for (i, x) in prompts.enumerated() { row[x] = i }
        func at(_ v: [Double], _ id: Int) -> Double { v[row[id / k]! * k + id % k] }
        var acc = 0.0, logLoss = 0.0, margin = 0.0, pc = 0.0, pr = 0.0, rc = 0.0, rr = 0.0
        var seen = [Int: Set<Int>](), chosenSet = [Int: Set<Int>]()
        for pair in ids {
            let h = (at(lp, pair[0]) - at(lr, pair[0])) - (at(lp, pair[1]) - at(lr, pair[1]))
            acc += h > 0 ? 1 : 0
            let z = beta * h
            logLoss += max(-z, 0) + log1p(exp(-abs(z)))
            margin += z
            pc += at(lp, pair[0]); pr += at(lp, pair[1]); rc += at(lr, pair[0]); rr += at(lr, pair[1])
            seen[pair[0] / k, default: []].formUnion([pair[0] % k, pair[1] % k])
            chosenSet[pair[0] / k, default: []].insert(pair[0] % k)
        }
        let n = Double(ids.count), np = Double(prompts.count)
        var kl = 0.0, unseen = 0.0, unseenRef = 0.0, unseenPrompts = 0.0
        var massChosen = 0.0, massRejected = 0.0, massUnseen = 0.0
        for (i, x) in prompts.enumerated() {
            var mass = 0.0, massRef = 0.0
            for j in 0..<k {
                let a = lp[i * k + j], b = lr[i * k + j]
                kl += exp(a) * (a - b)
                if !(seen[x]?.contains(j) ?? false) { mass += exp(a); massRef += exp(b) }
                else if chosenSet[x]?.contains(j) ?? false { massChosen += exp(a) } else { massRejected += exp(a) }
            }
            massUnseen += mass
            if massRef > 0 { unseen += log(mass); unseenRef += log(massRef); unseenPrompts += 1 }
        }
        var out: [(String, Double)] = [
            ("accuracy", acc / n), ("log_loss", logLoss / n), ("margin", margin / n), ("kl", kl / np),
            ("logps/chosen", pc / n), ("logps/rejected", pr / n),
            ("logps/chosen_change", (pc - rc) / n), ("logps/rejected_change", (pr - rr) / n),
            ("mass/chosen", massChosen / np), ("mass/rejected", massRejected / np), ("mass/unseen", massUnseen / np),
        ]
        if unseenPrompts > 0 {
            out += [("logps/unseen", unseen / unseenPrompts), ("logps/unseen_change", (unseen - unseenRef) / unseenPrompts)]
        }
        if let gold = p.source.gold?.scalars {
            var g = 0.0, gr = 0.0, win = 0.0
            for (i, x) in prompts.enumerated() {
                for a in 0..<k {
                    let pa = exp(lp[i * k + a])
                    g += pa * gold[x * k + a]
                    gr += exp(lr[i * k + a]) * gold[x * k + a]
                    for b in 0..<k {
                        let d = gold[x * k + a] - gold[x * k + b]
                        win += pa * exp(lr[i * k + b]) * (d > 0 ? 1 : d == 0 ? 0.5 : 0)
                    }
                }
            }
            out += [("gold", g / np), ("gold_ref", gr / np), ("win_rate", win / np)]
        }
        out.append(("pairs", n))
        return out
    }
}
