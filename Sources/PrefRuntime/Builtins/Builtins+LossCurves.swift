import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Loss behaviour plots (issue 6 item 5): `loss_curve` and `gradient_weight`.
    static var lossCurves: [Builtin] { [LossCurves.builtin("loss_curve", weight: false), LossCurves.builtin("gradient_weight", weight: true)] }
}

/// A loss and its gradient weight as functions of the margin h, on a synthetic f64 batch with one
/// example per margin. Paired losses: h = (pc − rc) − (pr − rr), placed as pc = −1 + min(h, 0),
/// pr = −1 − max(h, 0), rc = rr = −1, lengths 1 (so every log-prob is negative and, for the
/// reference-free losses, h = pc − pr). Unpaired losses (KTO, BCO): desirable examples with
/// p = h, r = 0 and the KL reference point (and BCO's δ) at 0.
enum LossCurves {
    static let maxPoints = 10_000

    static func builtin(_ name: String, weight: Bool) -> Builtin {
        let what = weight
            ? "The gradient weight dℓ/dh of each loss at each margin h: B·∂L/∂h_i of the batch loss L (from the tape; for pointwise losses the derivative of the example's own loss), i.e. how strongly an example with that margin is pushed. "
            : "The per-example loss ℓ(h) of each loss at each margin h, evaluated on one synthetic batch in f64. "
        return Builtin(name, [
            BuiltinParameter("loss", doc: "a loss (dpo(…), kto(…), loss(…), a + b, …) or a list of losses"),
            BuiltinParameter("margins", default: .range(RangeBox(lower: -10, upper: 10, inclusive: true)),
                             doc: "a range lo..hi (sampled at `points` evenly spaced margins, both ends included), or a list or 1-D tensor of margins"),
            BuiltinParameter("points", default: .number(201), doc: "the number of margins sampled from a range (2 to 10000)"),
        ], category: "losses",
        doc: what + "Returns a table with a column `margin` and one column per loss, named by the loss's display name; "
            + "draw it with plot(t, x: \"margin\"). The margin h is (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)) for reference-based "
            + "pairwise losses (DPO is −log σ(βh)), log π(y_w) − log π(y_l) for the reference-free ones (SimPO, CPO, ORPO; completions of length 1), "
            + "and the example's log-ratio log π(y) − log π_ref(y) for unpaired losses (KTO, BCO: desirable examples, reference point 0).",
        example: "plot(\(name)([dpo(), dpo(loss_type: \"ipo\"), dpo(loss_type: \"hinge\")], margins: -10..10), x: \"margin\")") { call in
            let losses = try lossList(call)
            let h = try margins(call)
            var columns = ["margin"], values = [h]
            var seen = [String: Int]()
            for loss in losses {
                let curve: (loss: [Double], weight: [Double])
                do {
                    curve = try evaluate(loss, h, interpreter: call.interpreter)
                } catch let e as TensorError {
                    throw call.error(e.message, hint: e.hint)
                } catch let e as RuntimeError {
                    if e.file != nil { throw e }
                    throw call.error(e.message, hint: e.hint)
                }
                let base = displayName(loss)
                seen[base, default: 0] += 1
                columns.append(seen[base] == 1 ? base : "\(base) (\(seen[base] ?? 0))")
                values.append(weight ? curve.weight : curve.loss)
            }
            let rows = h.indices.map { i in values.map { Value.number($0[i]) } }
            return .native(NativeBox(TableObject(Table(columns: columns, rows: rows))))
        }
    }

    static func lossList(_ call: BuiltinCall) throws -> [LossObject] {
        func loss(_ v: Value) -> LossObject? {
            if case .native(let n) = v { return n.object as? LossObject }
            return nil
        }
        if let l = loss(call[0]) { return [l] }
        guard case .list(let list) = call[0], !list.items.isEmpty else {
            throw call.typeError(0, expected: "a loss or a non-empty list of losses")
        }
        return try list.items.map {
            guard let l = loss($0) else { throw call.error("loss: every element of the list must be a loss, got a \($0.typeName)") }
            return l
        }
    }

    static func margins(_ call: BuiltinCall) throws -> [Double] {
        let h: [Double]
        switch call[1] {
        case .range(let r):
            guard case .number(let p) = call[2], p.isFinite, p == p.rounded(), p >= 2, p <= Double(maxPoints) else {
                throw call.error("points must be a whole number from 2 to \(maxPoints), got \(call[2].displayText)")
            }
            guard r.lower.isFinite, r.upper.isFinite, r.lower < r.upper else {
                throw call.error("margins: the range must have finite ends with lo < hi, got \(r.lower)..\(r.upper)")
            }
            let n = Int(p)
            h = (0..<n).map { r.lower + (r.upper - r.lower) * Double($0) / Double(n - 1) }
        case .list(let list):
            h = try list.items.map {
                guard case .number(let x) = $0 else { throw call.error("margins must be numbers, got a \($0.typeName)") }
                return x
            }
        case .tensor(let box):
            let t = try TensorValues.tensor(box)
            guard t.shape.rank == 1 else { throw call.error("margins must be a 1-D tensor, got shape \(t.shape)") }
            h = t.scalars
        default:
            throw call.typeError(1, expected: "a range, a list or a 1-D tensor of margins")
        }
        guard !h.isEmpty else { throw call.error("margins is empty", hint: "give a range such as -10..10 or a list of numbers") }
        guard h.count <= maxPoints else { throw call.error("margins has \(h.count) points; at most \(maxPoints) are allowed") }
        guard h.allSatisfy(\.isFinite) else { throw call.error("margins must be finite numbers") }
        return h
    }

    /// The name of a loss's column: the DPO loss types ("ipo", "hinge+sft"; "dpo" for sigmoid) with
    /// a non-zero label smoothing ("robust ε=0.1"),
    /// the builtin's name otherwise, the terms for a composite.
    static func displayName(_ loss: LossObject) -> String {
        switch loss.kind {
        case .dpo(let c):
            let types = c.lossTypes.map { $0 == .sigmoid ? "dpo" : $0.rawValue }.joined(separator: "+")
            let smoothing = c.labelSmoothing == 0 ? "" : " ε=\(Value.number(c.labelSmoothing).displayText)"
            return types + smoothing + (c.referenceFree ? " (reference-free)" : "")
        case .kto(let c): return c.lossType.rawValue
        case .sum(let terms):
            return terms.map { $0.weight == 1 ? displayName($0.loss) : "\(Value.number($0.weight).displayText)·\(displayName($0.loss))" }
                .joined(separator: " + ")
        default: return loss.name
        }
    }

    /// An unpaired loss with the reference point at 0: as `evaluateUnpaired`, except that BCO's δ
    /// stays at its initial 0 instead of becoming this batch's mean reward.
    static func unpaired(_ loss: LossObject, _ batch: PreferenceBatch) throws -> LossResult {
        switch loss.kind {
        case .bco(let c):
            var moments = BCORunningMoments()
            return LossResult(try batch.bco(&moments, training: false, config: c))
        case .sum(let terms): return try LossObject.combine(terms) { try unpaired($0, batch) }
        default: return try loss.evaluateUnpaired(batch)
        }
    }

    /// The per-example losses and gradient weights at margins `h`.
    static func evaluate(_ loss: LossObject, _ h: [Double], interpreter: Interpreter) throws -> (loss: [Double], weight: [Double]) {
        let tape = Tape(), n = h.count
        func constant(_ x: Double) -> Var { tape.constant(Tensor([Double](repeating: x, count: n), dtype: .f64)) }
        let out: LossResult
        let weight: () throws -> [Double]
        if loss.isUnpaired {
            let p = tape.variable(Tensor(h, dtype: .f64))
            let batch = PreferenceBatch(policy: p, reference: constant(0), labels: constant(1),
                                        policyKL: constant(0), referenceKL: constant(0), weights: nil)
            out = try unpaired(loss, batch)
            weight = { try p.gradient()?.scalars ?? [Double](repeating: 0, count: n) }
        } else {
            let pc = tape.variable(Tensor(h.map { -1 + min($0, 0) }, dtype: .f64))
            let pr = tape.variable(Tensor(h.map { -1 - max($0, 0) }, dtype: .f64))
            let batch = PreferenceBatch(policyChosen: pc, policyRejected: pr, referenceChosen: constant(-1), referenceRejected: constant(-1),
                                        chosenLengths: constant(1), rejectedLengths: constant(1),
                                        labels: constant(1), weights: nil, margins: nil)
            out = try loss.evaluate(batch, interpreter: interpreter)
            weight = {
                let zero = [Double](repeating: 0, count: n)
                let gc = try pc.gradient()?.scalars ?? zero, gr = try pr.gradient()?.scalars ?? zero
                // dpc/dh = 1 for h ≤ 0, dpr/dh = −1 for h > 0.
                return h.indices.map { h[$0] <= 0 ? gc[$0] : -gr[$0] }
            }
        }
        try tape.backward(out.loss)
        let b = Double(n)
        // `+ 0` turns −0 into 0 (a zero weight prints as 0).
        return (try out.perExample.value().scalars.map { $0 + 0 }, try weight().map { $0 * b + 0 })
    }
}
