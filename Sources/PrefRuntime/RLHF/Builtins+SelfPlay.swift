import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    static var selfPlay: [Builtin] { [SelfPlayBuiltins.selfPlay] }
}

/// `self_play(policy, preference, …)`: GPO / SPPO self-play on one prompt's K responses; the
/// update lives in PrefLearn/RLHF/SelfPlay.swift.
enum SelfPlayBuiltins {
    static var selfPlay: Builtin {
        Builtin("self_play", [
            BuiltinParameter("policy", doc: "π_0: K probabilities (a [K] tensor or list; normalised)"),
            BuiltinParameter("preference", doc: "the K×K skew-symmetric score matrix S[i, j] = s(y_i ≻ y_j) (e.g. a GPM's gpm_score over all pairs, or r_i − r_j for a Bradley–Terry reward)"),
            BuiltinParameter("eta", .number, default: .number(0.5), doc: "η, the step size, > 0"),
            BuiltinParameter("steps", .int, default: .number(100), doc: "T, the number of updates, 1…1000000"),
            BuiltinParameter("kl", .number, default: .number(0), doc: "β, the KL anchor to the reference, ≥ 0 with η·β ≤ 1; 0: §4.3's plain update"),
            BuiltinParameter("reference", default: Value.none, doc: "π_ref for the KL anchor (K probabilities); none: the policy π_0"),
            BuiltinParameter("samples", default: Value.none, doc: "M: estimate ŝ(y ≻ π_t) from M opponents drawn from π_t; none: exact"),
            BuiltinParameter("seed", default: Value.none, doc: "seed of the opponents' draws (sampled); none: the session seed"),
        ], category: "rlhf",
        doc: "General-preference self-play (GPO, Zhang et al., ICML 2025, spec §4.3; SPPO, Wu et al. 2024) on one prompt's K responses: "
            + "π_{t+1}(y) ∝ π_t(y)^{1−ηβ} π_ref(y)^{ηβ} exp(η ŝ(y ≻ π_t)) with ŝ(y ≻ π_t) = Σ_{y'} π_t(y') s(y ≻ y') (exact) or the mean "
            + "score against M draws y_m ~ π_t. β = 0 is the multiplicative-weights update whose last iterate cycles on a preference cycle "
            + "while its time-average approaches the von Neumann winner; with s = r(y) − r(y') it is reward RLHF. Because s is skew-symmetric, "
            + "E_{y∼π} ŝ(y ≻ π) = 0 exactly. Returns a record: policies and averages ([T+1, K]: π_t and the running mean of π_0…π_t), "
            + "gaps and average_gaps ([T+1]: the exploitability max_y s(y ≻ π), 0 at a von Neumann winner), mean_scores ([T+1]: E_{y∼π_t} ŝ), "
            + "final and average ([K]).",
        example: "let cycle = tensor([[0, 1, -1], [-1, 0, 1], [1, -1, 0]])\nlet run = self_play([0.6, 0.3, 0.1], cycle, eta: 0.5, steps: 200)\nrun.average") { call in
            let initial = try probabilities(call, 0, "policy")
            let k = initial.count
            let s = try TensorLiteral.tensor(call[1], dtype: .f64, op: "self_play")
            guard s.shape.dims == [k, k] else {
                throw call.error("preference must be a \(k)×\(k) matrix for \(k) responses, got shape \(s.shape)")
            }
            var options = SelfPlay.Options()
            options.eta = call.number(2)
            options.steps = try call.whole(call[3], "steps")
            options.kl = call.number(4)
            let reference = call[5].isNone ? nil : try probabilities(call, 5, "reference")
            options.samples = try call.optionalInt(6)
            let seed = try call.optionalInt(7) ?? Int(call.session?.seed ?? 0)
            guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
            options.seed = UInt64(seed)
            // Each step is K² multiply-adds (K·M when sampled), charged like interpreted steps; in
            // Double, as steps and samples are not validated yet (SelfPlay.run does).
            let work = Double(Swift.max(options.steps, 0)) * Swift.max(1, Double(k) * Double(options.samples ?? k) / 100)
            try call.interpreter.chargeWork(Int(Swift.min(work, 1e15)))
            let run = try SelfPlay.run(initial: initial, preference: s.scalars, reference: reference, options: options)
            func matrix(_ rows: [[Double]]) throws -> Value {
                TensorValues.wrap(try Tensor(rows.flatMap { $0 }, shape: [rows.count, k], dtype: .f64))
            }
            func vector(_ v: [Double]) throws -> Value { TensorValues.wrap(try Tensor(v, shape: [v.count], dtype: .f64)) }
            return .record(RecordBox([
                ("policies", try matrix(run.policies)), ("averages", try matrix(run.averages)),
                ("gaps", try vector(run.gaps)), ("average_gaps", try vector(run.averageGaps)),
                ("mean_scores", try vector(run.meanScores)),
                ("final", try vector(run.policies.last ?? initial)), ("average", try vector(run.averages.last ?? initial)),
            ]))
        }
    }

    /// K ≥ 2 probabilities from a [K] tensor or list (validated further by SelfPlay).
    static func probabilities(_ call: BuiltinCall, _ i: Int, _ what: String) throws -> [Double] {
        let t = try TensorLiteral.tensor(call[i], dtype: .f64, op: "self_play")
        guard t.shape.rank == 1, t.shape.count >= 2 else {
            throw call.error("\(what) must be K ≥ 2 probabilities (a [K] tensor or list), got shape \(t.shape)")
        }
        return t.scalars
    }
}
