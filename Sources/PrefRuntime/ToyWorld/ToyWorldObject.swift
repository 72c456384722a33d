#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore
import PrefLanguage
import PrefLearn

/// A toy world as a pref value (`type(w)` is "toy_world"): exact quantities as tensor members,
/// generators as methods (`ToyWorldMethods`). Its unseeded generator calls draw from the
/// world's own counter of streams, so successive calls differ and a rerun repeats them.
public final class ToyWorldObject: NativeObject, @unchecked Sendable {
    public let world: ToyWorld
    /// The number of unseeded generator calls so far (a world belongs to one interpreter).
    var calls = 0

    public init(_ world: ToyWorld) { self.world = world }

    public var typeName: String { "toy_world" }

    public var displayText: String {
        let c = world.config
        var text = "<toy_world seed \(c.seed): \(c.prompts) train + \(c.testPrompts) test prompts × \(c.candidates) candidates, "
        text += "\(c.view.rawValue) view, \(c.groups) group\(c.groups == 1 ? "" : "s")"
        if c.noise > 0 { text += ", noise \(Value.format(number: c.noise))" }
        if c.kappa != 0 { text += ", kappa \(Value.format(number: c.kappa))" }
        if c.lengthBias != 0 { text += ", length_bias \(Value.format(number: c.lengthBias))" }
        return text + ">"
    }

    /// The stream of one generator call: `seed` names its own stream (order-independent);
    /// without one, the world's k-th stream.
    func stream(_ method: String, seed: Int?) -> RandomStream {
        let root = RandomStream(seed: world.config.seed, stream: "toy_world/rows")
        if let seed { return root.derived("\(method)/seed \(seed)") }
        calls += 1
        return root.derived("call \(calls)")
    }

    public func member(_ name: String) -> Value? {
        if let m = ToyWorldMethods.bound(name, to: self) { return m }
        if let t = ToySplitObject.quantity(name, world, .train) { return t }
        let g = world.geometry, c = world.config
        func matrix(_ v: [Double], _ rows: Int) -> Value {
            TensorValues.wrap((try? Tensor(v, shape: [rows, v.count / Swift.max(rows, 1)])) ?? Tensor(v))
        }
        switch name {
        case "train": return .native(NativeBox(ToySplitObject(world, .train)))
        case "test": return .native(NativeBox(ToySplitObject(world, .test)))
        case "w_star": return TensorValues.wrap(Tensor(g.goldWeights))
        case "component_weights": return matrix(g.componentWeights, c.components)
        case "group_offsets": return matrix(g.groupOffsets, c.groups)
        case "prompt_map": return matrix(g.promptMap, c.featureDim)
        case "token_embeddings": return matrix(g.tokenEmbeddings, c.vocabulary)
        case "grade_thresholds": return TensorValues.wrap(Tensor(world.gradeThresholds))
        case "candidates": return .number(Double(c.candidates))
        case "groups": return .number(Double(c.groups))
        case "config": return ToyWorldBuiltin.configRecord(c)
        case "gold_reward": return RewardObject.value(GoldReward(world), world: world)
        case "component_rewards":
            return .list(ListBox((0..<c.components).compactMap { i in (try? ComponentReward(world, index: i)).map { RewardObject.value($0, world: world) } }))
        default: return nil
        }
    }

    public var memberNames: [String] {
        ["train", "test", "w_star", "component_weights", "group_offsets", "prompt_map", "token_embeddings",
         "grade_thresholds", "candidates", "groups", "config", "gold_reward", "component_rewards"] + ToySplitObject.names + ToyWorldMethods.names
    }
}

/// The exact quantities of one split (`w.train`, `w.test`; the world's own members are the
/// training split's): tensors over the split's prompts P_s and candidates K.
public final class ToySplitObject: NativeObject, @unchecked Sendable {
    let world: ToyWorld
    let split: ToyWorld.Split

    init(_ world: ToyWorld, _ split: ToyWorld.Split) {
        self.world = world
        self.split = split
    }

    public var typeName: String { "toy_split" }
    public var displayText: String { "<toy_world \(split.rawValue) split: \(world.prompts(split).count) prompts × \(world.config.candidates) candidates>" }
    public func member(_ name: String) -> Value? { Self.quantity(name, world, split) }
    public var memberNames: [String] { Self.names }

    static let names = ["gold", "features", "lengths", "style", "utilities", "components", "grades", "tokens", "steps",
                        "prompts", "clusters", "ids", "first_id"]

    /// One exact quantity as a tensor (f32; ids f64): per candidate [P_s, K, …], per prompt [P_s, …].
    static func quantity(_ name: String, _ w: ToyWorld, _ split: ToyWorld.Split) -> Value? {
        let c = w.config, range = w.prompts(split), k = c.candidates, ps = range.count
        let first = range.lowerBound * k, last = range.upperBound * k
        func wrap(_ v: [Double], _ dims: [Int], dtype: DType = .f32) -> Value {
            TensorValues.wrap((try? Tensor(v, shape: Shape(dims), dtype: dtype)) ?? Tensor(v))
        }
        func stacked(_ v: [Double], _ n: Int) -> [Double] {
            (0..<n).flatMap { i in v[(i * w.gold.count + first)..<(i * w.gold.count + last)] }
        }
        switch name {
        case "gold": return wrap(Array(w.gold[first..<last]), [ps, k])
        case "features": return wrap(Array(w.features[(first * c.featureDim)..<(last * c.featureDim)]), [ps, k, c.featureDim])
        case "lengths": return wrap(w.lengths[first..<last].map(Double.init), [ps, k])
        case "style": return wrap(w.styleAngles[first..<last].flatMap { [cos($0), sin($0)] }, [ps, k, 2])
        case "utilities": return wrap(stacked(w.utilities, c.groups), [c.groups, ps, k])
        case "components": return wrap(stacked(w.componentRewards, c.components), [c.components, ps, k])
        case "grades": return wrap(w.gold[first..<last].map { Double(w.grade($0)) }, [ps, k])
        case "tokens":
            guard !w.tokens.isEmpty else { return Value.none }
            return wrap(w.tokens[(first * c.maxLength)..<(last * c.maxLength)].map(Double.init), [ps, k, c.maxLength])
        case "steps":
            // The TPO step of each token position, ⌊t / step_tokens⌋, −1 past the length.
            guard !w.tokens.isEmpty else { return Value.none }
            let steps = (first..<last).flatMap { i in (0..<c.maxLength).map { t in t < w.lengths[i] ? Double(w.step(ofPosition: t)) : -1 } }
            return wrap(steps, [ps, k, c.maxLength])
        case "prompts": return wrap(Array(w.promptFeatures[(range.lowerBound * c.promptDim)..<(range.upperBound * c.promptDim)]), [ps, c.promptDim])
        case "clusters": return wrap(w.clusters[range].map(Double.init), [ps])
        case "ids": return wrap((first..<last).map(Double.init), [ps, k], dtype: .f64)
        case "first_id": return .number(Double(first))
        default: return nil
        }
    }
}
