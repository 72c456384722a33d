import PrefCore
import PrefLanguage
import PrefLearn

/// `ensemble` and `train_ensemble` (spec §3: Coste et al. 2024; Eisenstein et al. 2023).
extension RewardBuiltins {
    static var ensemble: Builtin {
        Builtin("ensemble", [
            BuiltinParameter("members", .list, doc: "a list of rewards"),
            BuiltinParameter("combine", default: .str("mean"), doc: "\"mean\", \"min\" (alias \"wco\"), \"max\", \"median\", \"uwo\", or a list of one weight per member"),
            BuiltinParameter("lambda", .number, default: .number(0.5), doc: "λ of uwo, finite (Coste et al.'s main setting 0.5)"),
            BuiltinParameter("standardize", default: Value.none, doc: "z-score each member over these candidates first (a toy world, w.train, a dataset or a feature tensor; Coste et al. use samples from π_ref); none: raw rewards"),
        ], category: "rewards",
        doc: "Combines rewards R_j per candidate (spec §3.1): mean (1/k)Σ R_j; min (worst-case, WCO); max; median; uwo (1/k)Σ R_j − λ·Var_j R_j "
            + "with the population variance (uncertainty-weighted); or fixed weights Σ w_j R_j. With standardize, each member is first "
            + "(R_j − μ_j)/σ_j with μ_j, σ_j its mean and population standard deviation over the given candidates.",
        example: "let w = toy_world(seed: 1)\nlet ms = train_ensemble(reward_model(features: w), w.pairs(300), n: 3, epochs: 50)\nlet e = ensemble(ms, combine: \"uwo\", lambda: 0.5, standardize: w)") { call in
            guard case .list(let l) = call[0], !l.items.isEmpty else { throw call.error("members must be a non-empty list of rewards") }
            var members = [any RewardFunction](), world: ToyWorld? = nil
            for (i, v) in l.items.enumerated() {
                guard case .native(let n) = v, let r = n.object as? RewardObject else {
                    throw call.error("member \(i) is a \(v.typeName), not a reward")
                }
                members.append(r.reward)
                world = world ?? r.world
            }
            let combination = try combination(call, 1, lambda: 2, members: members.count)
            if !call[3].isNone {
                let inputs: RewardInputs
                switch try RewardTarget.read(call, 3, world: world) {
                case .candidates(let c, _): inputs = c
                case .pairs(let c, let r):
                    inputs = try RewardInputs(features: try Tensor.concat([c.features, r.features], axis: 0),
                                              ids: c.ids.flatMap { a in r.ids.map { a + $0 } }, world: c.world ?? r.world)
                }
                // One unit of work per 8 candidate-member evaluations.
                try call.interpreter.chargeWork(inputs.count * members.count / 8)
                members = try members.map { m throws(TensorError) in try StandardizedReward(m, over: inputs) }
            }
            return RewardObject.value(try EnsembleReward(members, combination: combination), world: world)
        }
    }

    /// The combination named by argument `i` (λ from argument `lambda`).
    static func combination(_ call: BuiltinCall, _ i: Int, lambda: Int, members: Int) throws -> RewardCombination {
        switch call[i] {
        case .list(let w):
            let weights = try w.items.map { v -> Double in
                guard case .number(let x) = v, x.isFinite else { throw call.error("weights must be finite numbers, got \(v.typeName)") }
                return x
            }
            guard weights.count == members else { throw call.error("\(weights.count) weights for \(members) members") }
            return .weights(weights)
        case .string:
            switch try call.choice(i, ["mean", "min", "wco", "max", "median", "uwo"]) {
            case "min", "wco": return .min
            case "max": return .max
            case "median": return .median
            case "uwo":
                guard call.number(lambda).isFinite else { throw call.error("lambda must be finite") }
                return .uwo(lambda: call.number(lambda))
            default: return .mean
            }
        default:
            throw call.typeError(i, expected: "a combination name or a list of weights")
        }
    }

    static var trainEnsemble: Builtin {
        Builtin("train_ensemble", [
            BuiltinParameter("model", doc: "an untrained reward model (reward_model(…)): the architecture of every member"),
            BuiltinParameter("data", doc: "pairs (Bradley–Terry) or ranked lists (Plackett–Luce) with response features"),
            BuiltinParameter("n", .int, default: .number(5), doc: "members, 1…100"),
            BuiltinParameter("epochs", .int, default: .number(300), doc: "full-batch Adam epochs per member, 1…100000"),
            BuiltinParameter("lr", .number, default: .number(0.05), doc: "Adam's learning rate, finite and > 0"),
            BuiltinParameter("bootstrap", .bool, default: .bool(false), doc: "each member trains on its own resample (with replacement) of the rows"),
            BuiltinParameter("loss", default: Value.none, doc: "bradley_terry_loss(…) (its centring) for pairs; none: plain Bradley–Terry, or Plackett–Luce for ranked data"),
            BuiltinParameter("world", default: Value.none, doc: "the toy world the data's ids name; none: the model's"),
            BuiltinParameter("bases", .bool, default: .bool(false), doc: "member j gets its own frozen basis b + j (b the model's basis seed; \"pretrain-like\" members, Eisenstein et al. 2023); false: members share the model's basis (\"finetune-like\")"),
        ], category: "rewards",
        doc: "Trains n reward models that differ by seed (member j starts from seed s + j, s the model's seed) and, with bootstrap, by "
            + "their resample of the data (Coste et al. 2024: k = 5 members on the same data), and with bases by their frozen random-feature "
            + "basis (a model built with reward_model(kind: \"mlp\", basis: b)). Each is trained full-batch with Adam "
            + "(spec §9.5) on the Bradley–Terry loss (pairs, with the rows' margins) or Plackett–Luce (ranked). Returns the list of members.",
        example: "let w = toy_world(seed: 1)\nlet ms = train_ensemble(reward_model(features: w), w.pairs(300), n: 3, epochs: 50)\nlen(ms)") { call in
            let template = try reward(call, 0)
            guard let model = template.reward as? RewardModel else { throw call.error("model must be a reward model from reward_model(…)") }
            let n = try call.whole(call[2], "n")
            guard (1...100).contains(n) else { throw call.error("n must be 1…100, got \(n)") }
            let options = try trainingOptions(call, epochs: 3, lr: 4)
            let world = try worldArgument(call, 7) ?? template.world
            let (center, margin) = try bradleyTerryOptions(call, 6)
            let data = try call.dataset(1)
            // One unit of work per example-epoch of every member, charged up front.
            try call.interpreter.chargeWork(n * options.epochs * data.count)
            var members = [Value]()
            for j in 0..<n {
                var basis: UInt64? = nil
                if call.bool(8) {
                    guard let b = model.basisSeed else {
                        throw call.error("bases: true needs a model with a frozen basis", hint: "reward_model(kind: \"mlp\", basis: 1, …)")
                    }
                    basis = b &+ UInt64(j)
                }
                let member = try model.reinitialized(seed: model.seed &+ UInt64(j), basisSeed: basis)
                var rows = data
                if call.bool(5) {
                    var rng = RandomStream(seed: model.seed, stream: "train_ensemble/bootstrap/\(j)")
                    rows = try data.selecting((0..<data.count).map { _ in rng.uniformInt(below: data.count) })
                }
                _ = try RewardModelTrainer.fit(member, try examples(rows, world: world, objective: .bradleyTerry(center: center), margin: margin, call), options: options)
                members.append(RewardObject.value(member, world: template.world))
            }
            return .list(ListBox(members))
        }
    }

    /// Epochs and learning rate, checked.
    static func trainingOptions(_ call: BuiltinCall, epochs: Int, lr: Int) throws -> RewardModelTrainer.Options {
        let e = try call.whole(call[epochs], "epochs")
        guard (1...100_000).contains(e) else { throw call.error("epochs must be 1…100000, got \(e)") }
        guard case .number(let rate) = call[lr], rate.isFinite, rate > 0 else { throw call.error("lr must be a finite number > 0") }
        return RewardModelTrainer.Options(epochs: e, learningRate: rate)
    }

    /// The centring coefficient and margin of a `bradley_terry_loss` argument (none: off, the data's margins).
    static func bradleyTerryOptions(_ call: BuiltinCall, _ i: Int) throws -> (center: Double?, margin: BradleyTerryMargin) {
        if call[i].isNone { return (nil, .data) }
        guard case .native(let n) = call[i], let loss = n.object as? LossObject, case .bradleyTerry(let c, let m) = loss.kind else {
            throw call.typeError(i, expected: "none or bradley_terry_loss(…)", hint: "reward models train on the Bradley–Terry loss")
        }
        return (c, m)
    }

    /// The training examples of a dataset: pairs (Bradley–Terry) or ranked lists (Plackett–Luce).
    static func examples(_ data: Dataset, world: ToyWorld?, objective: RewardModelTrainer.PairObjective, margin: BradleyTerryMargin = .data, beta: Double = 1,
                         _ call: BuiltinCall) throws -> RewardModelTrainer.Examples {
        guard data.count > 0 else { throw call.error("the data has no rows") }
        switch data.rows {
        case .pairs, .logps:
            let (c, r) = try data.pairInputs(world: world)
            let margins: [Double]?
            do throws(TensorError) {
                margins = try margin.resolve(data.pairMargins, count: c.count)
            } catch {
                throw call.error(error.message, hint: error.hint)
            }
            return .pairs(chosen: c, rejected: r, margins: margins, objective: objective)
        case .ranked(let rows):
            let inputs = try data.rewardInputs("responses", world: world)
            let labels = rows.map { row in row.scores ?? (row.ranks ?? []).map { -Double($0) } }
            guard labels.allSatisfy({ $0.count == inputs.count / data.count }) else { throw call.error("every list needs a score or rank per response") }
            return .ranked(inputs, lists: data.count, labels: labels, beta: beta)
        default:
            throw call.error("reward models train on pairs or ranked data; this is \(data.kind.rawValue)")
        }
    }
}
