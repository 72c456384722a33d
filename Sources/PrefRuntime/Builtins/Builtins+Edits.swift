import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Preference pairs from user edits (issue 11 item 8): `from_edits`.
    static var edits: [Builtin] { [fromEdits] }

    static var fromEdits: Builtin {
        Builtin("from_edits", [
            BuiltinParameter("originals", doc: "the agent's responses: a list of texts or an [n, d] tensor of response features"),
            BuiltinParameter("edited", doc: "the user's edits of them, in the same form and order"),
            BuiltinParameter("prompts", default: Value.none, doc: "a list of n prompt texts, or an [n, d_x] tensor kept as the `prompt` feature; none: no prompts"),
        ], category: "data",
        doc: "Preference pairs from user edits (PRELUDE / CIPHER, Gao et al., 2024, \"Aligning LLM Agents by Learning Latent Preference "
            + "from User Edits\"): the user's edit of a response is preferred to the response, so each (original, edited) gives the pair "
            + "edited ≻ original. A response the user left unchanged expresses no preference and makes no pair (the paper's zero-cost "
            + "case); the result's count shows how many were edited. Text rows become chosen/rejected texts; feature rows become the "
            + "`chosen` (edited) and `rejected` (original) features, ready for reward_model and fit.",
        example: "let pairs = from_edits(shown, edited)\nfit(reward_model(features: 6), pairs, bradley_terry_loss())") { call in
            var promptTexts: [PrefText]?, promptFeatures: Tensor?
            func count() -> Int? {
                switch call[0] {
                case .list(let l): l.items.count
                case .tensor(let b): (try? TensorValues.shape(b))?.dims.first
                default: nil
                }
            }
            guard let n = count() else { throw call.typeError(0, expected: "a list of texts or an [n, d] tensor") }
            switch call[2] {
            case .none: break
            case .list(let l):
                guard l.items.count == n else { throw call.error("prompts: has \(l.items.count) items for \(n) responses") }
                promptTexts = try l.items.enumerated().map { i, v in
                    guard case .string(let s) = v else { throw call.error("prompt \(i) is a \(v.typeName), not a string") }
                    return .plain(s.value)
                }
            case .tensor(let b):
                let t = try TensorValues.tensor(b)
                guard t.rank == 2, t.shape[0] == n else { throw call.error("prompts: has shape \(t.shape) for \(n) responses", hint: "[\(n), d_x]") }
                promptFeatures = t
            default: throw call.typeError(2, expected: "none, a list of prompt texts or an [n, d_x] tensor")
            }
            func prompt(_ i: Int) -> PrefText { promptTexts?[i] ?? .empty }
            switch (call[0], call[1]) {
            case (.list(let a), .list(let b)):
                guard b.items.count == n else { throw call.error("\(n) originals but \(b.items.count) edits", hint: "one edit per response, in order") }
                var rows = [PairRow]()
                for i in 0..<n {
                    guard case .string(let o) = a.items[i] else { throw call.error("original \(i) is a \(a.items[i].typeName), not a string") }
                    guard case .string(let e) = b.items[i] else { throw call.error("edit \(i) is a \(b.items[i].typeName), not a string") }
                    if o.value != e.value { rows.append(PairRow(prompt: prompt(i), chosen: .plain(e.value), rejected: .plain(o.value))) }
                }
                return DatasetObject.value(Dataset(pairs: rows))
            case (.tensor(let a), .tensor(let b)):
                let o = try TensorValues.tensor(a).to(.f64), e = try TensorValues.tensor(b).to(.f64)
                guard o.rank == 2 else { throw call.error("originals must be [n, d], not \(o.shape)") }
                guard e.shape == o.shape else { throw call.error("edits have shape \(e.shape) but originals \(o.shape)", hint: "one edited feature row per response") }
                let d = o.shape[1], ov = o.scalars, ev = e.scalars
                if let bad = (ov + ev).firstIndex(where: { !$0.isFinite }) {
                    throw call.error("\(bad < ov.count ? "original" : "edit") \((bad % ov.count) / Swift.max(d, 1)) has a non-finite feature")
                }
                let kept = (0..<n).filter { i in (0..<d).contains { ov[i * d + $0] != ev[i * d + $0] } }
                guard !kept.isEmpty else { return DatasetObject.value(Dataset(empty: .pairs)) }
                let rows = kept.map { i in PairRow(prompt: prompt(i), chosen: .plain("edit \(i)"), rejected: .plain("response \(i)")) }
                let index = try IndexTensor(kept)
                var features = FeatureSet([("chosen", try e.gather(index)), ("rejected", try o.gather(index))])
                if let promptFeatures { features["prompt"] = try promptFeatures.to(.f64).gather(index) }
                return DatasetObject.value(Dataset(.pairs(rows), features: features))
            default:
                throw call.error("originals and edited must both be lists of texts or both [n, d] tensors, not a \(call[0].typeName) and a \(call[1].typeName)")
            }
        }
    }
}
