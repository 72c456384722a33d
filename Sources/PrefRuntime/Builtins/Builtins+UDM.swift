import PrefCore
import PrefLanguage
import PrefLearn

/// BCO's UDM made inspectable: the density-ratio weights `bco(udm: true)` trains with, so an
/// example can set them beside the true prompt density ratio its data was drawn with.
extension BuiltinLibrary {
    static var udm: [Builtin] { [udmWeightsBuiltin] }

    static var udmWeightsBuiltin: Builtin {
        Builtin("udm_weights", [
            BuiltinParameter("data", doc: "an unpaired dataset with a `prompt` feature (the prompt embeddings), e.g. w.unpaired(n)"),
            BuiltinParameter("min_density_ratio", .number, default: .number(0.5), doc: "the lower clip of the weight (TRL default 0.5)"),
            BuiltinParameter("max_density_ratio", .number, default: .number(10), doc: "the upper clip of the weight (TRL default 10)"),
        ], category: "losses",
        doc: "UDM's per-example weights (Jung et al., 2024, TRL BCOTrainer `_get_udm_weight`), as bco(udm: true) computes them: a "
            + "class-balanced L2 logistic regression (scikit-learn's, C = 1) fitted on the prompt features of up to 1024 desirable and "
            + "1024 undesirable rows (the first ones) gives p = P(+|x); an undesirable row's weight is clip(p/(1 − p + 1e-8), "
            + "min_density_ratio, max_density_ratio), an estimate of the density ratio P(x|+)/P(x|−), and a desirable row's is 1. "
            + "Returns a [n] f64 tensor.",
        example: "let w = toy_world(seed: 1, candidates: 8)\nudm_weights(w.unpaired(64))") { call in
            let d = try call.dataset(0)
            guard case .unpaired(let rows) = d.rows else {
                throw call.error("needs an unpaired dataset (thumbs-up and thumbs-down rows), got \(d.kind.rawValue)", hint: "use w.unpaired(n)")
            }
            guard let prompts = d.features["prompt"], prompts.shape.rank == 2, prompts.shape[0] == rows.count, prompts.shape[1] >= 1 else {
                throw call.error("the data has no prompt feature of shape [\(rows.count), d]", hint: "UDM classifies prompt embeddings; use w.unpaired(n)")
            }
            let config = try LossBuiltins.densityRatioBounds(call, min: 1, max: 2)
            let features = prompts.to(.f64).scalars, labels = rows.map(\.label)
            do throws(TensorError) {
                let w = try PrefLearn.udmWeights(promptFeatures: features, dim: prompts.shape[1], desirable: labels, config: config)
                return .tensor(TensorBox(Tensor(w, dtype: .f64)))
            } catch {
                throw call.error("udm_weights: \(error.message)", hint: "UDM compares the prompts of desirable and undesirable examples")
            }
        }
    }
}

extension LossBuiltins {
    /// BCOConfig's density-ratio clip from arguments `min` and `max`: finite, 0 ≤ min ≤ max.
    static func densityRatioBounds(_ call: BuiltinCall, min i: Int, max j: Int) throws -> BCOConfig {
        let lo = try hyper(call, i, positive: false), hi = try hyper(call, j)
        guard lo <= hi else {
            throw call.error("min_density_ratio (\(Value.number(lo).displayText)) must be ≤ max_density_ratio (\(Value.number(hi).displayText))")
        }
        return BCOConfig(minDensityRatio: lo, maxDensityRatio: hi)
    }
}
