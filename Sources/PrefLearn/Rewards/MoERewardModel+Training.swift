import PrefCore

/// The three training phases of `MoERewardModel` (DMoERM, spec §5.3), each full-batch Adam.
extension MoERewardModel {
    /// Pairs of toy-world candidates (ids index `world`).
    public struct Pairs: Sendable {
        public var chosen: [Int]
        public var rejected: [Int]
        public init(chosen: [Int], rejected: [Int]) throws(TensorError) {
            guard chosen.count == rejected.count, !chosen.isEmpty else {
                throw TensorError(op: "moe_reward", "pairs need ≥ 1 rows with as many chosen as rejected ids")
            }
            self.chosen = chosen
            self.rejected = rejected
        }
    }

    /// Runs phase 1 on the overall pairs' prompts, phase 2 on `capabilityData` (one pairs set per
    /// capability, or none), and phase 3 on `overall`.
    public func fit(overall: Pairs, capabilityData: [Pairs], options: RichRewardFit.Options) throws(TensorError) {
        guard capabilityData.isEmpty || capabilityData.count == capabilities else {
            throw TensorError(op: "moe_reward", "\(capabilityData.count) capability datasets for \(capabilities) capability experts",
                              hint: "give one pairs dataset per capability, or none")
        }
        try validate(overall)
        for c in capabilityData { try validate(c) }
        routerHistory = try fitRouter(overall.chosen, options: options)
        if !capabilityData.isEmpty { expertHistory = try fitExperts(capabilityData, options: options) }
        combinerHistory = try fitCombiners(overall, expertsFrozen: !capabilityData.isEmpty, options: options)
    }

    func validate(_ pairs: Pairs) throws(TensorError) {
        let m = world.gold.count
        if let bad = (pairs.chosen + pairs.rejected).first(where: { !(0..<m).contains($0) }) {
            throw TensorError(op: "moe_reward", "candidate id \(bad) is outside the world's 0..<\(m)", hint: "use data from the same world")
        }
    }

    /// Trains `indices` of the parameters, the others entering as constants.
    func fitSubset(_ indices: [Int], _ options: RichRewardFit.Options, _ loss: (Tape, [Var]) throws(TensorError) -> Var) throws(TensorError) -> [Double] {
        try RichRewardFit.run(indices.map { parameters[$0] }, options, op: "moe_reward") { tape, leaves throws(TensorError) in
            var all = parameters.map { tape.constant($0.value) }
            for (k, i) in indices.enumerated() { all[i] = leaves[k] }
            return try loss(tape, all)
        }
    }

    /// Phase 1: −mean log softmax(x W_r + b_r)_{c(x)}.
    func fitRouter(_ ids: [Int], options: RichRewardFit.Options) throws(TensorError) -> [Double] {
        let labels = taskLabels(ids)
        return try fitSubset(Array(Self.routerRange), options) { tape, p throws(TensorError) in
            try (routerLogits(ids, tape: tape, p).logSoftmax(axis: 1) * mask(labels, tape: tape)).sum(axis: 1).mean() * -1
        }
    }

    /// Phase 2: Σ_c −mean logσ(e_{τ,c}(y_w) − e_{τ,c}(y_l)) over capability c's pairs.
    func fitExperts(_ data: [Pairs], options: RichRewardFit.Options) throws(TensorError) -> [Double] {
        let q = try data.map { d throws(TensorError) in
            (try world.featureTensor(d.chosen, dtype: .f64), try world.featureTensor(d.rejected, dtype: .f64), taskLabels(d.chosen))
        }
        return try fitSubset(Array(Self.expertRange), options) { tape, p throws(TensorError) in
            var total: Var? = nil
            for (c, (qc, qr, labels)) in q.enumerated() {
                let margin = try expert(c, tape.constant(qc), labels: labels, tape: tape, p) - expert(c, tape.constant(qr), labels: labels, tape: tape, p)
                let l = try margin.logSigmoid().mean() * -1
                if let sum = total { total = try sum + l } else { total = l }
            }
            guard let total else { throw TensorError(op: "moe_reward", "no capability data") }
            return total
        }
    }

    /// Phase 3: −mean logσ(r(x, y_w) − r(x, y_l)) on the combiners (and the experts unless frozen).
    func fitCombiners(_ pairs: Pairs, expertsFrozen: Bool, options: RichRewardFit.Options) throws(TensorError) -> [Double] {
        let qc = try world.featureTensor(pairs.chosen, dtype: .f64), qr = try world.featureTensor(pairs.rejected, dtype: .f64)
        let labels = taskLabels(pairs.chosen)
        let trained = (expertsFrozen ? [] : Array(Self.expertRange)) + Array(4..<parameters.count)
        return try fitSubset(trained, options) { tape, p throws(TensorError) in
            let margin = try rewards(tape.constant(qc), labels: labels, tape: tape, p) - rewards(tape.constant(qr), labels: labels, tape: tape, p)
            return try margin.logSigmoid().mean() * -1
        }
    }
}
