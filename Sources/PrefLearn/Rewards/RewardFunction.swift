import PrefCore

/// A reward over candidate responses (DESIGN.md §3 Models, spec §3, §9.5): r(x, y) for a batch
/// of candidates, whole-batch. Everything that scores responses conforms: learned reward
/// models, ensembles, the reward algebra, the toy world's gold reward and length. Consumers
/// (`score`, `evaluate`, `best_of_n`, RLHF) only ever see this protocol.
///
/// A reward reads what it needs from `RewardInputs` (q features, toy-world candidate ids and
/// world, lengths) and throws a `TensorError` naming what is missing, never traps.
public protocol RewardFunction: AnyObject, Sendable {
    /// r for each of the n candidates, shape [n], f64.
    func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor

    /// The logit of P(chosen ≻ rejected) for each of n pairs, [n] f64. A scalar reward's is
    /// r(chosen) − r(rejected) (Bradley–Terry, the default); a general preference model (GPM,
    /// spec §4) overrides it with its own, possibly intransitive, preference.
    func preferenceLogits(chosen: RewardInputs, rejected: RewardInputs) throws(TensorError) -> Tensor

    /// A short description for display, e.g. "linear reward model over 6 features".
    var summary: String { get }
}

extension RewardFunction {
    public func preferenceLogits(chosen: RewardInputs, rejected: RewardInputs) throws(TensorError) -> Tensor {
        try rewards(chosen).to(.f64) - rewards(rejected).to(.f64)
    }
}

/// A reward with trainable parameters whose rewards record on a tape, so a loss on them
/// (Bradley–Terry, Plackett–Luce) can be minimised by gradient descent.
public protocol TrainableReward: RewardFunction {
    /// The trainable tensors, in a fixed order.
    var parameters: [Parameter] { get }
    /// r for each candidate, [n], on `tape`; `leaves` replaces the parameters' tape leaves
    /// (nil: `tape.parameter(p)` for each).
    func rewards(_ inputs: RewardInputs, tape: Tape, leaves: [Var]?) throws(TensorError) -> Var
}

extension TrainableReward {
    /// The rewards computed on a scratch tape that does not record, as f64.
    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        let tape = Tape()
        tape.isRecording = false
        return try rewards(inputs, tape: tape, leaves: nil).value().to(.f64)
    }
}

/// The candidates a reward scores: n rows of quality features q ([n, d]) and, when known, the
/// toy world they come from with their candidate ids (which give lengths, ψ and the gold
/// reward exactly) and their lengths ℓ.
public struct RewardInputs: Sendable {
    /// q, [n, d].
    public let features: Tensor
    /// Toy-world candidate ids (prompt-major: id = p·K + k), n of them, when known.
    public let ids: [Int]?
    /// The world the ids index.
    public let world: ToyWorld?
    /// ℓ per candidate, when known (from the world through the ids otherwise).
    public let explicitLengths: [Double]?
    /// True when the features are the world's own q of the ids (made from the world, not read
    /// from data), so lookups need not check them.
    public private(set) var fromWorld = false

    /// Checks the shapes: features [n, d], n ids inside the world, n lengths.
    public init(features: Tensor, ids: [Int]? = nil, world: ToyWorld? = nil, lengths: [Double]? = nil) throws(TensorError) {
        guard features.rank == 2 else {
            throw TensorError(op: "reward", "candidate features must be [n, d], not \(features.shape)")
        }
        let n = features.shape[0]
        if let ids {
            guard ids.count == n else { throw TensorError(op: "reward", "\(ids.count) candidate ids for \(n) feature rows") }
            if let world, let bad = ids.first(where: { !(0..<world.gold.count).contains($0) }) {
                throw TensorError(op: "reward", "candidate id \(bad) is outside the world's 0..<\(world.gold.count)",
                                  hint: "use data from the world the reward was built on")
            }
        }
        if let lengths, lengths.count != n { throw TensorError(op: "reward", "\(lengths.count) lengths for \(n) feature rows") }
        self.features = features
        self.ids = ids
        self.world = world
        self.explicitLengths = lengths
    }

    /// Every candidate of a world's split, prompt-major: n = P_s·K rows.
    public init(world: ToyWorld, split: ToyWorld.Split) throws(TensorError) {
        let k = world.config.candidates, range = world.prompts(split)
        let ids = Array((range.lowerBound * k)..<(range.upperBound * k))
        try self.init(features: try world.featureTensor(ids, dtype: .f64), ids: ids, world: world)
        fromWorld = true
    }

    /// n, the number of candidates.
    public var count: Int { features.shape[0] }

    /// ℓ per candidate: the explicit lengths, else the world's through the ids.
    public func lengths(for reward: String) throws(TensorError) -> [Double] {
        if let explicitLengths { return explicitLengths }
        guard let ids, let world else {
            throw TensorError(op: reward, "needs candidate lengths: these candidates carry neither lengths nor toy-world ids",
                              hint: "score a toy world's candidates, or pass world: for data with chosen_id/rejected_id")
        }
        return ids.map { Double(world.lengths[$0]) }
    }

    /// The world and ids, or an error naming the reward that needs them.
    public func worldIds(for reward: String) throws(TensorError) -> (ToyWorld, [Int]) {
        guard let ids, let world else {
            throw TensorError(op: reward, "needs toy-world candidates: these carry no candidate ids or no world",
                              hint: "score a toy world's candidates, or pass world: for data with chosen_id/rejected_id")
        }
        return (world, ids)
    }

    /// The same candidates with features in `dtype` (a model that reads f64 converts once, not
    /// at every step; the values are the same).
    public func converted(to dtype: DType) throws(TensorError) -> RewardInputs {
        guard features.dtype != dtype else { return self }
        var out = try RewardInputs(features: features.to(dtype), ids: ids, world: world, lengths: explicitLengths)
        out.fromWorld = fromWorld
        return out
    }

    /// The rows at `indices` (e.g. a bootstrap sample).
    public func selecting(_ indices: [Int]) throws(TensorError) -> RewardInputs {
        var out = try RewardInputs(features: try features.gather(try IndexTensor(indices), axis: 0), ids: ids.map { i in indices.map { i[$0] } },
                                   world: world, lengths: explicitLengths.map { l in indices.map { l[$0] } })
        out.fromWorld = fromWorld
        return out
    }
}
