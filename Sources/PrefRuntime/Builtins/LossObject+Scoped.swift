import PrefCore
import PrefLanguage
import PrefLearn

/// Scoped feedback (issue 11 item 5): `l.on(scope)` restricts a loss to the examples whose
/// prompt is in scope, and `kl_to_reference()` is the exact KL(π‖π_ref) of each example's prompt,
/// so `dpo().on(in_scope) + λ * kl_to_reference().on(out_of_scope)` is C3PO's objective (Stephan
/// et al. 2024, "RLVF: Learning from Verbal Feedback without Overgeneralization", eq. 4: DPO on
/// in-scope prompts plus a term keeping out-of-scope behaviour at the reference). C3PO's
/// out-of-scope term is SFT on the reference model's own completions, a sampled estimate of the
/// cross-entropy to π_ref; a candidate policy sums over its candidates, so we use the exact
/// KL(π‖π_ref) instead (our reading: the same fixed point, no sampling noise).
extension LossObject {
    /// `l.on(scope)`.
    var scopeMethod: Builtin {
        Builtin("on", [BuiltinParameter("scope", doc: "a function of a [B] tensor of prompt indices returning B bools (or 0/1), or a list / tensor of the prompt indices in scope")],
                category: "losses",
                doc: "The loss restricted to a scope (scoped feedback, C3PO, Stephan et al. 2024): the mean of the loss over the examples whose prompt "
                    + "is in scope, Σ_i m_i ℓ_i / max(1, Σ_i m_i) with m_i ∈ {0, 1}; examples out of scope contribute nothing. Only a candidate "
                    + "policy's training batches know each example's prompt, so scoped losses train candidate policies with fit and iterate.",
                example: "let w = toy_world(seed: 1, candidates: 8)\nlet pi = candidate_policy(w)\n"
                    + "let l = dpo().on(fn(x) x < 100) + 0.5 * kl_to_reference().on(fn(x) x >= 100)\nfit(pi, w.pairs(256), l, lr: 0.05).steps") { call in
            switch call[0] {
            case .function, .builtin, .list, .tensor: break
            default: throw call.typeError(0, expected: "a function of prompt indices or a list of prompt indices", hint: "e.g. l.on(fn(x) w.lookup(x * K).clusters == 0)")
            }
            if case .scoped = self.kind { throw call.error("the loss is scoped already", hint: "combine the scopes in one function") }
            return .native(NativeBox(LossObject(.scoped(self, scope: call[0]))))
        }
    }

    /// Whether some term reads `promptKL` (the task computes it only then).
    var needsPromptKL: Bool {
        switch kind {
        case .klToReference: true
        case .sum(let terms): terms.contains { $0.loss.needsPromptKL }
        case .scoped(let inner, _): inner.needsPromptKL
        default: false
        }
    }

    static let candidateOnlyHint = "fit (or iterate) a candidate policy on pairs of its world with this loss"

    /// Σ_i m_i ℓ_i / max(1, Σ m_i) as per-example losses B·m_i ℓ_i / max(1, Σ m) (whose mean it is).
    /// `evaluate` computes the inner loss on the batch (paired or unpaired).
    static func scoped(_ inner: LossObject, _ scope: Value, _ batch: PreferenceBatch, _ interpreter: Interpreter,
                       evaluate: (LossObject) throws -> LossResult) throws -> LossResult {
        guard let prompts = batch.prompts, let tape = batch.tape, prompts.count == batch.count else {
            throw RuntimeError("\(inner.name).on(…) needs the prompt of each example, which only a candidate policy's training batches carry",
                               hint: candidateOnlyHint)
        }
        let mask = try scopeMask(scope, prompts, interpreter)
        let inside = mask.reduce(0, +), b = Double(prompts.count)
        let e = try evaluate(inner)
        let m = tape.constant(try Tensor(mask.map { $0 * b / max(inside, 1) }, shape: [prompts.count], dtype: e.perExample.dtype))
        let perExample = try e.perExample * m
        var metrics = e.metrics
        metrics["scope/fraction"] = inside / b
        return LossResult(perExample: perExample, loss: try perExample.mean(), metrics: metrics)
    }

    /// m_i for each prompt: the scope function's bools (or 0/1), or membership in a list of prompts.
    static func scopeMask(_ scope: Value, _ prompts: [Int], _ interpreter: Interpreter) throws -> [Double] {
        switch scope {
        case .list, .tensor:
            let t = try TensorLiteral.tensor(scope, dtype: .f64, op: "on")
            let members = try Set(t.scalars.map { x -> Int in
                guard let i = Int(exactly: x), i >= 0 else {
                    throw RuntimeError("on(): the scope lists \(Value.format(number: x)), not a prompt index", hint: "list whole prompt indices ≥ 0")
                }
                return i
            })
            return prompts.map { members.contains($0) ? 1 : 0 }
        default:
            let arg = TensorValues.wrap(try Tensor(prompts.map(Double.init), shape: [prompts.count], dtype: .f64))
            let v = try interpreter.call(scope, [arg])
            let t: Tensor
            do { t = try TensorLiteral.tensor(v, dtype: .f64, op: "on") } catch {
                throw RuntimeError("on(): the scope function must return bools or 0/1 for each prompt, got \(v.typeName)",
                                   hint: "e.g. fn(x) w.lookup(x * K).clusters == 0")
            }
            guard t.count == prompts.count else {
                throw RuntimeError("on(): the scope function returned \(t.count) values for \(prompts.count) prompts", hint: "return one bool per prompt index")
            }
            let mask = t.scalars
            if let bad = mask.first(where: { $0 != 0 && $0 != 1 }) {
                throw RuntimeError("on(): the scope function returned \(Value.format(number: bad)); a scope is bools or 0/1", hint: "compare, e.g. clusters == 0")
            }
            return mask
        }
    }

    /// kl_to_reference(): per-example KL(π(·|x_i) ‖ π_ref(·|x_i)).
    static func klToReference(_ batch: PreferenceBatch) throws -> LossResult {
        guard let kl = batch.promptKL else {
            throw RuntimeError("kl_to_reference needs the exact KL of each example's prompt, which only a candidate policy's training batches carry",
                               hint: candidateOnlyHint)
        }
        let loss = try kl.mean()
        return LossResult(perExample: kl, loss: loss, metrics: ["kl": try loss.value().to(.f64).scalars[0]])
    }
}
