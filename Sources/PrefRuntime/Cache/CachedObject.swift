import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// A runtime object in the cell cache: what rebuilds it exactly. Objects are stored once per
/// entry and referred to by index (`CachedValue.object`), so two names for one object (a run's
/// `model` and the policy it trained) are still one object after a restore.
enum CachedObject: Codable {
    /// A toy world is its config (it is rebuilt from it deterministically) and how many unseeded
    /// generator calls it made.
    case toyWorld(config: ToyWorld.Config, calls: Int)
    /// A candidate policy over a toy world: the world's config, the policy's shape and its
    /// parameters, and those of the policy as built (`initial`, nil when it is the policy itself).
    case policy(world: ToyWorld.Config, kind: String, hidden: Int, dtype: String, frozen: Bool, parameters: [CachedValue], initial: [CachedValue]?)
    /// A reward model (reward_model): its shape, seeds and the worlds it and its value know
    /// (rebuilt from their configs), and its trained parameters.
    case rewardModel(kind: String, view: String, inputDim: Int, hidden: Int, seed: UInt64, basisSeed: UInt64?,
                     modelWorld: ToyWorld.Config?, valueWorld: ToyWorld.Config?, parameters: [CachedValue])
    case loss(CachedLoss)
    /// A dataset: its rows, where they came from, and its feature tensors by name.
    /// (Pairs, the common kind, are stored by column in `pairs`; `rows` is then nil.)
    case dataset(rows: Dataset.Rows?, pairs: CachedPairs?, provenance: Provenance, featureNames: [String], features: [CachedValue])
    case run(history: CachedValue, evals: CachedValue, model: CachedValue, loss: CachedValue?, label: String,
             extraKeys: [String], extraValues: [CachedValue], elapsed: UInt64, interrupted: Bool)
}

/// A loss's kind and hyperparameters (a user-defined loss holds a function, and a loss from
/// logic a compiled formula: neither is stored).
indirect enum CachedLoss: Codable {
    case dpo(DPOConfig)
    case kto(KTOConfig)
    case bco(BCOConfig)
    case orpo(beta: Double)
    case cpo(CPOConfig, name: String)
    /// The margin as ("data" | "require" | "constant", m).
    case bradleyTerry(centerRewardsCoefficient: Double?, marginKind: String, margin: Double)
    case eurus
    case klToReference
    case gpo(GPOConfig)
    case mapo(MaPOConfig)
    case listwise(ListwiseConfig)
    case dove(beta: Double)
    case tpo(TPOConfig)
    case sparsePO(SparsePOConfig)
    case sum(weights: [Double], losses: [CachedLoss])

    init(_ loss: LossObject) throws(CachedValue.Unserialisable) {
        switch loss.kind {
        case .dpo(let c): self = .dpo(c)
        case .kto(let c): self = .kto(c)
        case .bco(let c): self = .bco(c)
        case .orpo(let b): self = .orpo(beta: b)
        case .cpo(let c, let name): self = .cpo(c, name: name)
        case .bradleyTerry(let c, let m):
            switch m {
            case .data: self = .bradleyTerry(centerRewardsCoefficient: c, marginKind: "data", margin: 0)
            case .requireData: self = .bradleyTerry(centerRewardsCoefficient: c, marginKind: "require", margin: 0)
            case .constant(let x): self = .bradleyTerry(centerRewardsCoefficient: c, marginKind: "constant", margin: x)
            }
        case .eurus: self = .eurus
        case .klToReference: self = .klToReference
        case .scoped: throw CachedValue.Unserialisable(typeName: "scoped loss")
        case .gpo(let c): self = .gpo(c)
        case .mapo(let c): self = .mapo(c)
        case .listwise(let c): self = .listwise(c)
        case .dove(let b): self = .dove(beta: b)
        case .tpo(let c): self = .tpo(c)
        case .sparsePO(let c): self = .sparsePO(c)
        case .custom: throw CachedValue.Unserialisable(typeName: "user-defined loss")
        case .logic: throw CachedValue.Unserialisable(typeName: "loss from logic")
        case .sum(let terms):
            self = .sum(weights: terms.map(\.weight), losses: try terms.map { t throws(CachedValue.Unserialisable) in try CachedLoss(t.loss) })
        }
    }

    var object: LossObject {
        switch self {
        case .dpo(let c): LossObject(.dpo(c))
        case .kto(let c): LossObject(.kto(c))
        case .bco(let c): LossObject(.bco(c))
        case .orpo(let b): LossObject(.orpo(beta: b))
        case .cpo(let c, let name): LossObject(.cpo(c, name: name))
        case .bradleyTerry(let c, let kind, let m):
            LossObject(.bradleyTerry(centerRewardsCoefficient: c, margin: kind == "constant" ? .constant(m) : kind == "require" ? .requireData : .data))
        case .eurus: LossObject(.eurus)
        case .klToReference: LossObject(.klToReference)
        case .gpo(let c): LossObject(.gpo(c))
        case .mapo(let c): LossObject(.mapo(c))
        case .listwise(let c): LossObject(.listwise(c))
        case .dove(let b): LossObject(.dove(beta: b))
        case .tpo(let c): LossObject(.tpo(c))
        case .sparsePO(let c): LossObject(.sparsePO(c))
        case .sum(let weights, let losses): LossObject(.sum(zip(weights, losses).map { (weight: $0, loss: $1.object) }))
        }
    }
}

/// Encodes the values of one cache entry, numbering each object the first time it is met.
final class CacheEncoder {
    private(set) var objects: [CachedObject] = []
    private var index: [ObjectIdentifier: Int] = [:]

    func encode(_ value: Value) throws(CachedValue.Unserialisable) -> CachedValue {
        guard case .native(let n) = value, !(n.object is TableObject), !(n.object is PlotObject) else {
            return try CachedValue.encode(value, objects: self)
        }
        if let i = index[ObjectIdentifier(n.object)] { return .object(i) }
        let object = try encodeObject(n.object)
        // Numbered after its parts, which never refer back to it.
        objects.append(object)
        index[ObjectIdentifier(n.object)] = objects.count - 1
        return .object(objects.count - 1)
    }

    private func encodeObject(_ object: any NativeObject) throws(CachedValue.Unserialisable) -> CachedObject {
        switch object {
        case let w as ToyWorldObject:
            return .toyWorld(config: w.world.config, calls: w.calls)
        case let p as PolicyObject:
            guard let world = p.world else { throw CachedValue.Unserialisable(typeName: "policy over given features") }
            guard p.policy.goal == nil else { throw CachedValue.Unserialisable(typeName: "goal-conditioned policy") }
            let values = { (policy: CandidatePolicy) -> [CachedValue] in
                policy.parameters.map { .tensor(dtype: $0.value.dtype.rawValue, shape: $0.value.shape.dims, bytes: CachedValue.bytes($0.value)) }
            }
            let policy = p.policy
            return .policy(world: world.config, kind: policy.kind.rawValue, hidden: policy.hidden, dtype: policy.source.dtype.rawValue,
                           frozen: policy.isFrozen, parameters: values(policy), initial: p.initial === policy ? nil : values(p.initial))
        case let r as RewardObject:
            guard let m = r.reward as? RewardModel else { throw CachedValue.Unserialisable(typeName: "reward (\(r.kind))") }
            return .rewardModel(kind: m.kind.rawValue, view: m.view.rawValue, inputDim: m.inputDim, hidden: m.hidden, seed: m.seed,
                                basisSeed: m.basisSeed, modelWorld: m.world?.config, valueWorld: r.world?.config,
                                parameters: m.parameters.map { .tensor(dtype: $0.value.dtype.rawValue, shape: $0.value.shape.dims, bytes: CachedValue.bytes($0.value)) })
        case let l as LossObject:
            return .loss(try CachedLoss(l))
        case let d as DatasetObject:
            let f = d.dataset.features
            var rows: Dataset.Rows? = d.dataset.rows, pairs: CachedPairs?
            if case .pairs(let p) = d.dataset.rows {
                pairs = CachedPairs(p)
                rows = nil
            }
            return .dataset(rows: rows, pairs: pairs, provenance: d.dataset.provenance, featureNames: f.names,
                            features: f.tensors.map { .tensor(dtype: $0.dtype.rawValue, shape: $0.shape.dims, bytes: CachedValue.bytes($0)) })
        case let r as RunObject:
            return .run(history: try encode(.native(NativeBox(TableObject(r.history)))), evals: try encode(.native(NativeBox(TableObject(r.evals)))),
                        model: try encode(r.model), loss: try r.loss.map { l throws(CachedValue.Unserialisable) in try encode(.native(NativeBox(l))) },
                        label: r.label, extraKeys: r.extras.map(\.0), extraValues: try r.extras.map { e throws(CachedValue.Unserialisable) in try encode(e.1) },
                        elapsed: r.elapsed.bitPattern, interrupted: r.interrupted)
        default:
            throw CachedValue.Unserialisable(typeName: object.typeName)
        }
    }
}

/// Decodes the values of one cache entry, making each object once.
final class CacheDecoder {
    private let objects: [CachedObject]
    private var made: [Int: Value] = [:]
    private let worlds: WorldMemo

    /// Toy worlds rebuilt so far in a run, by config: every policy over one world, in every
    /// entry, shares its rebuild.
    final class WorldMemo {
        var worlds: [(ToyWorld.Config, ToyWorld)] = []
    }

    init(objects: [CachedObject], worlds: WorldMemo = WorldMemo()) {
        self.objects = objects
        self.worlds = worlds
    }

    func decode(_ value: CachedValue) throws(CachedValue.Corrupt) -> Value {
        try value.decode(objects: self)
    }

    func object(_ i: Int) throws(CachedValue.Corrupt) -> Value {
        if let v = made[i] { return v }
        guard objects.indices.contains(i) else { throw CachedValue.Corrupt(message: "an object reference is out of range") }
        let v = try make(objects[i])
        made[i] = v
        return v
    }

    private func make(_ object: CachedObject) throws(CachedValue.Corrupt) -> Value {
        switch object {
        case .toyWorld(let config, let calls):
            let o = ToyWorldObject(try world(config))
            o.calls = calls
            return .native(NativeBox(o))
        case .policy(let config, let kindName, let hidden, let dtypeName, let frozen, let parameters, let initial):
            guard let kind = CandidatePolicy.Kind(rawValue: kindName), let dtype = DType(rawValue: dtypeName) else {
                throw CachedValue.Corrupt(message: "a policy's kind or dtype is unknown")
            }
            let w = try world(config)
            func build(_ values: [CachedValue]) throws(CachedValue.Corrupt) -> CandidatePolicy {
                let policy: CandidatePolicy
                do {
                    policy = try CandidatePolicy(kind, source: try w.candidateFeatures(dtype: dtype), hidden: max(hidden, 1), seed: 0)
                } catch {
                    throw CachedValue.Corrupt(message: "the policy cannot be rebuilt: \(error)")
                }
                guard values.count == policy.parameters.count else { throw CachedValue.Corrupt(message: "a policy's parameters do not match") }
                for (p, v) in zip(policy.parameters, values) {
                    guard case .tensor(let box) = try v.decode(objects: self), case .constant(let t) = box.content,
                          t.shape == p.value.shape, t.dtype == p.value.dtype else {
                        throw CachedValue.Corrupt(message: "a policy's parameter \(p.name) does not match its shape")
                    }
                    p.value = t
                }
                return policy
            }
            let built = try build(parameters)
            let policy = frozen ? built.frozen() : built
            let start = try initial.map { v throws(CachedValue.Corrupt) in try build(v).frozen() } ?? policy
            return .native(NativeBox(PolicyObject(policy, world: w, initial: start)))
        case .rewardModel(let kindName, let viewName, let inputDim, let hidden, let seed, let basisSeed, let modelWorld, let valueWorld, let parameters):
            guard let kind = RewardModel.Kind(rawValue: kindName), let view = RewardModel.View(rawValue: viewName) else {
                throw CachedValue.Corrupt(message: "a reward model's kind or view is unknown")
            }
            let model: RewardModel
            do {
                model = try RewardModel(kind, view: view, inputDim: inputDim, hidden: max(hidden, 1), seed: seed,
                                        world: try modelWorld.map { c throws(CachedValue.Corrupt) in try world(c) }, basisSeed: basisSeed)
            } catch let e as CachedValue.Corrupt {
                throw e
            } catch {
                throw CachedValue.Corrupt(message: "the reward model cannot be rebuilt: \(error)")
            }
            guard parameters.count == model.parameters.count else { throw CachedValue.Corrupt(message: "a reward model's parameters do not match") }
            for (p, v) in zip(model.parameters, parameters) {
                guard case .tensor(let box) = try v.decode(objects: self), case .constant(let t) = box.content,
                      t.shape == p.value.shape, t.dtype == p.value.dtype else {
                    throw CachedValue.Corrupt(message: "a reward model's parameter \(p.name) does not match its shape")
                }
                p.value = t
            }
            return RewardObject.value(model, world: try valueWorld.map { c throws(CachedValue.Corrupt) in try world(c) })
        case .loss(let l):
            return .native(NativeBox(l.object))
        case .dataset(let stored, let pairs, let provenance, let names, let features):
            guard let rows = stored ?? pairs?.rows.map(Dataset.Rows.pairs), names.count == features.count else { throw CachedValue.Corrupt(message: "a dataset's features do not match their names") }
            var tensors = [(String, Tensor)]()
            for (name, f) in zip(names, features) {
                guard case .tensor(let box) = try decode(f), case .constant(let t) = box.content else {
                    throw CachedValue.Corrupt(message: "a dataset's feature \(name) is not a tensor")
                }
                tensors.append((name, t))
            }
            return .native(NativeBox(DatasetObject(Dataset(rows, provenance: provenance, features: FeatureSet(tensors)))))
        case .run(let history, let evals, let model, let loss, let label, let extraKeys, let extraValues, let elapsed, let interrupted):
            func table(_ v: CachedValue) throws(CachedValue.Corrupt) -> Table {
                guard case .native(let n) = try decode(v), let t = n.object as? TableObject else { throw CachedValue.Corrupt(message: "a run's history is not a table") }
                return t.table
            }
            var lossObject: LossObject?
            if let loss {
                guard case .native(let n) = try decode(loss), let l = n.object as? LossObject else { throw CachedValue.Corrupt(message: "a run's loss is not a loss") }
                lossObject = l
            }
            guard extraKeys.count == extraValues.count else { throw CachedValue.Corrupt(message: "a run's extras do not match") }
            let extras = Array(zip(extraKeys, try extraValues.map { v throws(CachedValue.Corrupt) in try decode(v) }))
            return .native(NativeBox(RunObject(history: try table(history), evals: try table(evals), model: try decode(model), loss: lossObject,
                                               label: label, extras: extras, elapsed: Double(bitPattern: elapsed), interrupted: interrupted)))
        }
    }

    private func world(_ config: ToyWorld.Config) throws(CachedValue.Corrupt) -> ToyWorld {
        if let w = worlds.worlds.first(where: { $0.0 == config }) { return w.1 }
        do {
            let w = try ToyWorld(config)
            worlds.worlds.append((config, w))
            return w
        } catch {
            throw CachedValue.Corrupt(message: "the toy world cannot be rebuilt: \(error)")
        }
    }
}
