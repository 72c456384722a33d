import PrefCore
import PrefLanguage
import PrefLearn

/// The arguments of `rlhf` shared by candidate and token policies, read and checked.
struct RLHFSettings {
    var config: PolicyGradientConfig
    let steps: Int
    let lr: Double
    let optimizerName: String
    let seed: UInt64
    let split: ToyWorld.Split

    init(_ call: BuiltinCall) throws {
        var c = PolicyGradientConfig()
        c.algorithm = PolicyGradientAlgorithm(rawValue: try call.choice(3, PolicyGradientAlgorithm.allCases.map(\.rawValue))) ?? .reinforce
        c.beta = try RLHFRun.number(call, 2, "kl", positive: false)
        c.samples = try call.whole(call[4], "samples")
        guard (1...100_000).contains(c.samples) else { throw call.error("samples must be 1…100000, got \(c.samples)") }
        steps = try call.whole(call[5], "steps")
        guard (1...10_000_000).contains(steps) else { throw call.error("steps must be 1…10000000, got \(steps)") }
        lr = try RLHFRun.number(call, 6, "lr", positive: true)
        let s = try call.optionalInt(7) ?? Int(call.session?.seed ?? 0)
        guard s >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(s)") }
        seed = UInt64(s)
        guard case .bool(let exact) = call[8] else { throw call.typeError(8, expected: "a bool") }
        c.exact = exact
        if case .none = call[9] {
            c.klEstimator = c.algorithm == .grpo ? .k3 : .k1
        } else {
            c.klEstimator = KLEstimator(rawValue: try call.choice(9, KLEstimator.allCases.map(\.rawValue))) ?? .k1
        }
        c.clip = try RLHFRun.number(call, 10, "clip", positive: true)
        c.epochs = try call.whole(call[11], "epochs")
        guard (1...10_000).contains(c.epochs) else { throw call.error("epochs must be 1…10000, got \(c.epochs)") }
        c.entropy = try RLHFRun.number(call, 12, "entropy", positive: false)
        optimizerName = try call.choice(13, ["sgd", "adam", "adamw"])
        split = ToyWorld.Split(rawValue: try call.choice(15, ["train", "test"])) ?? .train
        config = c
    }
}
