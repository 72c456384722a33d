import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// The toy world of spec §9: `toy_world`. Its members and methods are in `ToyWorld/`.
    static var toyWorld: [Builtin] { [ToyWorldBuiltin.builtin] }
}

/// `toy_world(…)`: one keyword per knob of spec §9, each with its documented default.
enum ToyWorldBuiltin {
    /// A knob: its pref name, doc, default and how it sets the configuration.
    struct Knob {
        var parameter: BuiltinParameter
        var set: (inout ToyWorld.Config, BuiltinCall, Int) throws -> Void
        var read: (ToyWorld.Config) -> Value
    }

    static func int(_ name: String, _ path: WritableKeyPath<ToyWorld.Config, Int>, _ doc: String) -> Knob {
        Knob(parameter: BuiltinParameter(name, .int, default: .number(Double(ToyWorld.Config()[keyPath: path])), doc: doc),
             set: { c, call, i in c[keyPath: path] = try call.whole(call[i], "argument '\(name)'") },
             read: { .number(Double($0[keyPath: path])) })
    }

    static func real(_ name: String, _ path: WritableKeyPath<ToyWorld.Config, Double>, _ doc: String) -> Knob {
        Knob(parameter: BuiltinParameter(name, .number, default: .number(ToyWorld.Config()[keyPath: path]), doc: doc),
             set: { c, call, i in c[keyPath: path] = call.number(i) },
             read: { .number($0[keyPath: path]) })
    }

    static var knobs: [Knob] { [
        int("prompts", \.prompts, "P_train, training prompts; x ~ N(0, I)"),
        int("test_prompts", \.testPrompts, "P_test, held-out prompts"),
        int("candidates", \.candidates, "K candidates per prompt (1024 for best-of-n, 16–64 for direct alignment)"),
        real("noise", \.noise, "ε, the probability a label is flipped (0…0.5)"),
        real("kappa", \.kappa, "κ, weight of the cyclic term κ(u_a v_b − v_a u_b) in P(a ≻ b)"),
        real("length_bias", \.lengthBias, "b_len, the annotators' shared bonus per token b_len·ℓ"),
        int("groups", \.groups, "G annotator groups"),
        real("diversity", \.diversity, "‖Δ_g‖, how far each group's weights w* + Δ_g are from w*"),
        real("rho", \.rho, "ρ, the pairwise cosine of the component directions w_i (−1…1)"),
        int("components", \.components, "N component rewards r_i = w_i·q"),
        real("temperature", \.temperature, "τ_ann in P(a ≻ b) = σ((u(a) − u(b))/τ_ann + …)"),
        real("lambda", \.lambda, "λ in r* = w*·q − λ‖q‖² − c_ℓ(ℓ − ℓ*)²"),
        real("target_length", \.targetLength, "ℓ*, the gold's preferred length"),
        real("length_cost", \.lengthCost, "c_ℓ, the gold's cost per squared token of length gap"),
        int("prompt_dim", \.promptDim, "d_x, prompt feature dimension"),
        int("clusters", \.clusters, "prompt clusters c(x) (a fixed k-means partition)"),
        int("feature_dim", \.featureDim, "d_q, candidate feature dimension; q ~ N(A·x, I)"),
        int("max_length", \.maxLength, "lengths ℓ are uniform on 1…max_length"),
        int("vocabulary", \.vocabulary, "token view: V tokens"),
        int("step_tokens", \.stepTokens, "token view: tokens per TPO step"),
        int("sentiment_tokens", \.sentimentTokens, "token view: sentiment tokens (embeddings ±s·w*)"),
        real("sentiment_scale", \.sentimentScale, "token view: s, the sentiment embeddings' length"),
        real("token_noise", \.tokenNoise, "token view: σ in q = mean of token embeddings + σ·ε"),
        int("grades", \.grades, "graded labels: gold grades 0…grades−1 (quantiles)"),
        real("judge_noise", \.judgeNoise, "graded labels: σ in judge = gold + N(0, σ²)"),
        int("branches", \.branches, "token view: 0, or b leaves per preference tree (K/b trees per prompt; leaves are max_length tokens and siblings differ only in the last step)"),
    ] }

    static var builtin: Builtin {
        let params = [BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0; none: the session seed")] + knobs.map(\.parameter) + [
            BuiltinParameter("view", .string, default: .str("candidate"), doc: "\"candidate\" (q ~ N(A·x, I)) or \"token\" (q = mean of token embeddings + noise)"),
            BuiltinParameter("utility", .string, default: .str("linear"), doc: "annotators: \"linear\" (w* + Δ_g)·q − λ_ann‖q‖² … or \"ideal_point\" −‖q − a_g‖ …"),
            BuiltinParameter("annotator_lambda", default: Value.none, doc: "λ_ann, the annotators' ‖q‖² penalty; none: lambda (0: §9.3's literal form)"),
            BuiltinParameter("shared_steps", .string, default: .str("identical"),
                             doc: "trees: siblings share the steps before the last as \"identical\" tokens or as \"paraphrased\" ones (each token or, "
                                + "with probability 1/2, its synonym: non-sentiment tokens pair up and a pair shares one embedding, so the gold is the same)"),
        ]
        return Builtin("toy_world", params, category: "toy world",
                       doc: "PrefWorld (spec §9), a synthetic preference environment with known ground truth. Each prompt has K candidates with "
                        + "features q, length ℓ and a style angle; the gold reward is r* = w*·q − λ‖q‖² − c_ℓ(ℓ − ℓ*)² with ‖w*‖ = 1. "
                        + "Annotator group g has utility u_g = (w* + Δ_g)·q − λ_ann‖q‖² + b_len·ℓ − c_ℓ(ℓ − ℓ*)² and labels "
                        + "P(a ≻ b) = σ((u(a) − u(b))/τ + κ(u_a v_b − v_a u_b)), flipped with probability ε. Components r_i = w_i·q have "
                        + "pairwise cosine ρ. Members (training split; `w.test.…` for the test split): gold, features, lengths, style, "
                        + "utilities, components, grades, tokens, steps, prompts, clusters, ids; w_star, component_weights, group_offsets, config. "
                        + "Methods returning datasets: pairs, joint, unpaired, ranked, trees, ratings, comparisons, logps; and logprobs, psi, lookup. "
                        + "Deterministic under the seed.",
                       example: "let w = toy_world(seed: 1, noise: 0.25)\nlet d = w.pairs(3000)\nmean(w.gold)") { call in
            var c = ToyWorld.Config()
            if let seed = try call.optionalInt(0) {
                guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
                c.seed = UInt64(seed)
            } else {
                c.seed = call.session?.seed ?? 0
            }
            for (k, knob) in knobs.enumerated() { try knob.set(&c, call, k + 1) }
            let base = knobs.count + 1
            c.view = ToyWorld.View(rawValue: try call.choice(base, ToyWorld.View.allCases.map(\.rawValue))) ?? .candidate
            c.utility = ToyWorld.UtilityForm(rawValue: try call.choice(base + 1, ToyWorld.UtilityForm.allCases.map(\.rawValue))) ?? .linear
            if !call[base + 2].isNone {
                guard case .number(let x) = call[base + 2] else { throw call.typeError(base + 2, expected: "a number or none") }
                c.annotatorLambda = x
            }
            c.sharedSteps = ToyWorld.SharedSteps(rawValue: try call.choice(base + 3, ToyWorld.SharedSteps.allCases.map(\.rawValue))) ?? .identical
            // One unit of work per eight candidates (a default world of 19,200 candidates costs as
            // much as a few thousand loop iterations), so a step budget bounds a script that builds
            // worlds in a loop or a recursion (a fuzz case recursed into toy_world 1000 deep).
            try call.interpreter.chargeWork(c.totalPrompts * c.candidates / 8)
            return .native(NativeBox(ToyWorldObject(try ToyWorld(c))))
        }
    }

    /// The configuration as a record of its pref keywords.
    static func configRecord(_ c: ToyWorld.Config) -> Value {
        var fields: [(String, Value)] = [("seed", .number(Double(c.seed)))]
        fields += knobs.map { ($0.parameter.name, $0.read(c)) }
        fields += [("view", .str(c.view.rawValue)), ("utility", .str(c.utility.rawValue)),
                   ("annotator_lambda", .number(c.effectiveAnnotatorLambda)), ("shared_steps", .str(c.sharedSteps.rawValue))]
        return .record(RecordBox(fields))
    }
}
