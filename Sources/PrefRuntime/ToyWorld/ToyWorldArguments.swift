import PrefCore
import PrefLanguage
import PrefLearn

/// Reading the toy world methods' arguments: labellers, splits, policies and candidate ids.
extension ToyWorldMethods {
    static func labeller(_ call: BuiltinCall, _ i: Int, _ w: ToyWorld) throws -> ToyWorld.Labeller {
        switch call[i] {
        case .none: return .randomGroup
        case .number:
            let g = try call.whole(call[i], "group")
            guard (0..<w.config.groups).contains(g) else {
                throw call.error("group \(g) does not exist", hint: "groups are 0 to \(w.config.groups - 1)")
            }
            return .group(g)
        case .string(let s) where s.value == "cluster": return .cluster
        case .string(let s) where s.value == "gold": return .gold
        default:
            throw call.typeError(i, expected: "a group number, \"cluster\", \"gold\" or none")
        }
    }

    static func splitArg(_ call: BuiltinCall, _ i: Int) throws -> ToyWorld.Split {
        ToyWorld.Split(rawValue: try call.choice(i, ToyWorld.Split.allCases.map(\.rawValue))) ?? .train
    }

    /// "uniform"; θ as a list or 1-D tensor (log-linear); logits as a 2-D tensor [P, K].
    static func policy(_ call: BuiltinCall, _ i: Int, _ w: ToyWorld) throws -> ToyWorld.Policy {
        switch call[i] {
        case .string(let s):
            guard s.value == "uniform" else { throw call.error("unknown policy \(Value.quote(s.value))", hint: "give \"uniform\", θ or a [P, K] tensor of logits") }
            return .uniform
        case .none:
            return .uniform
        case .list, .tensor:
            let t = try TensorArgs.value(try call.operand(i, dtype: .f64))
            return t.rank == 2 ? .logits(t.scalars) : .logLinear(t.scalars)
        default:
            throw call.typeError(i, expected: "\"uniform\", a list of numbers (θ) or a tensor")
        }
    }

    static func lookup(_ call: BuiltinCall, _ w: ToyWorld) throws -> Value {
        let t = try TensorArgs.value(try call.operand(0, dtype: .f64))
        let m = w.gold.count
        var ids = [Int]()
        ids.reserveCapacity(t.count)
        for x in t.scalars {
            guard x == x.rounded(), x >= 0, x < Double(m) else {
                throw call.error("candidate id \(Value.format(number: x)) is not a whole number in 0…\(m - 1)")
            }
            ids.append(Int(x))
        }
        let c = w.config, n = ids.count, d = c.featureDim, k = c.candidates
        func tensor(_ v: [Double], _ dims: [Int]) throws -> Value { TensorValues.wrap(try Tensor(v, shape: Shape(dims))) }
        return .record(RecordBox([
            ("gold", try tensor(ids.map { w.gold[$0] }, [n])),
            ("lengths", try tensor(ids.map { Double(w.lengths[$0]) }, [n])),
            ("prompts", try tensor(ids.map { Double($0 / k) }, [n])),
            ("clusters", try tensor(ids.map { Double(w.clusters[$0 / k]) }, [n])),
            ("features", try tensor(ids.flatMap { w.features[($0 * d)..<(($0 + 1) * d)] }, [n, d])),
            ("utilities", try tensor((0..<c.groups).flatMap { g in ids.map { w.utilities[g * m + $0] } }, [c.groups, n])),
            ("components", try tensor((0..<c.components).flatMap { i in ids.map { w.componentRewards[i * m + $0] } }, [c.components, n])),
        ]))
    }
}
