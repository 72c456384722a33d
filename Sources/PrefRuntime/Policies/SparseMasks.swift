import PrefCore
import PrefLanguage
import PrefLearn

/// SparsePO's mask network in the runtime. The network belongs to the token policy object: the
/// masks are a function of its reference's (the policy as built) hidden states, they are read after training
/// (`tp.masks(data)`), and a later `fit` with the same mask kind keeps training them. A fit with
/// another kind makes a fresh network (seed 0, stream "sparse_po/masks": deterministic).
enum SparseMasks {
    /// The mask kind `loss` asks for: that of its sparse_po terms (none without any).
    static func kind(of loss: LossObject) throws -> SparseMaskKind {
        var kinds = Set<SparseMaskKind>()
        for (_, term) in loss.terms {
            if case .sparsePO(let c) = term.kind { kinds.insert(c.mask) }
        }
        guard kinds.count <= 1 else {
            throw RuntimeError("the loss's sparse_po terms ask for different masks (\(kinds.map(\.rawValue).sorted().joined(separator: ", ")))",
                               hint: "give every sparse_po term the same mask: argument")
        }
        return kinds.first ?? .none
    }

    /// The fixed mask tokens `loss` asks for (sparse_po(mask_tokens:)), checked against the
    /// policy's V + 1 outputs (V is EOS); nil when no term fixes its masks.
    static func fixedTokens(of loss: LossObject, vocabulary v: Int) throws -> [Int]? {
        var lists = [[Int]?]()
        for (_, term) in loss.terms {
            if case .sparsePO(let c) = term.kind { lists.append(c.maskTokens) }
        }
        guard let first = lists.first else { return nil }
        guard lists.allSatisfy({ $0 == first }) else {
            throw RuntimeError("the loss's sparse_po terms fix different mask tokens", hint: "give every sparse_po term the same mask_tokens")
        }
        if let bad = first?.first(where: { !(0...v).contains($0) }) {
            throw RuntimeError("sparse_po(mask_tokens:): token \(bad) is not one of the policy's outputs 0…\(v) (\(v) is the end of sequence)",
                               hint: "mask_tokens are token ids of the world's vocabulary (toy_world(vocabulary: \(v)))")
        }
        return first
    }

    /// The network a fit of `o` with `loss` trains, made and kept on `o` when new; nil for m = 1.
    static func network(for o: TokenPolicyObject, loss: LossObject) throws -> SparseMaskNetwork? {
        let kind = try kind(of: loss)
        guard kind != .none else { return nil }
        if let net = o.maskNetwork, net.kind == kind, net.hidden == o.policy.hidden { return net }
        let net = try SparseMaskNetwork(kind: kind, hidden: o.policy.hidden, seed: 0, dtype: o.policy.dtype)
        o.maskNetwork = net
        return net
    }
}

extension TokenPolicyMethods {
    static func masks(_ o: TokenPolicyObject) -> Builtin {
        Builtin("masks", [data], category: "policies",
                doc: "SparsePO's learned token masks on the pairs' chosen and rejected sequences (after fit(tp, pairs, sparse_po(mask: "
                    + "\"common\" | \"independent\"))): a record {reward: [2B, T+1] m^u, kl: [2B, T+1] m^d (= reward for a common mask), "
                    + "tokens: [2B, T+1] the token read at each position (V for EOS, −1 on padding), rows 0..<B chosen and B..<2B rejected; "
                    + "reward_by_token, kl_by_token: [V+1] the mean mask of each token id over the data's real positions (0 where "
                    + "count_by_token is 0), count_by_token: [V+1]}.") { call in
            guard let net = o.maskNetwork else {
                throw call.error("the policy has no mask network", hint: "train it first: fit(tp, pairs, sparse_po(mask: \"common\"))")
            }
            let pairs = try TokenPairs(try call.dataset(0), policy: o, call: call)
            guard pairs.count > 0 else { throw call.error("the data has no pairs") }
            let p = o.policy, batch = try pairs.batch(vocabulary: p.vocabulary)
            let layers = try o.initial.readingLayerValues(batch)
            let m = try p.evaluate { t throws(TensorError) in
                try net.masks(layers.map { t.constant($0) }, leaves: try net.leaves(t))
            }.to(.f64).scalars
            let k = net.kind.outputs, n = batch.positions, v1 = p.vocabulary + 1
            let targets = batch.targets.values.map(Int.init)
            var reward = [Double](repeating: 0, count: n), kl = reward, tokens = [Double](repeating: -1, count: n)
            var sumU = [Double](repeating: 0, count: v1), sumD = sumU, count = sumU
            for i in 0..<n where batch.maskValues[i] != 0 {
                let token = targets[i]
                reward[i] = m[i * k]
                kl[i] = m[i * k + k - 1]
                tokens[i] = Double(token)
                sumU[token] += reward[i]
                sumD[token] += kl[i]
                count[token] += 1
            }
            let shape: Shape = [batch.count, batch.width]
            func mean(_ s: [Double]) -> Value { TensorValues.wrap(Tensor(zip(s, count).map { $1 > 0 ? $0 / $1 : 0 }, dtype: .f64)) }
            return .record(RecordBox([
                ("reward", TensorValues.wrap(try Tensor(reward, shape: shape, dtype: .f64))),
                ("kl", TensorValues.wrap(try Tensor(kl, shape: shape, dtype: .f64))),
                ("tokens", TensorValues.wrap(try Tensor(tokens, shape: shape, dtype: .f64))),
                ("reward_by_token", mean(sumU)), ("kl_by_token", mean(sumD)),
                ("count_by_token", TensorValues.wrap(Tensor(count, dtype: .f64))),
            ]))
        }
    }
}
