import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Routing labels between sources (issue 11 item 3): `route`.
    static var routing: [Builtin] { [RoutingBuiltins.route] }
}

enum RoutingBuiltins {
    /// A label source: a reward that orders each pair, a flip probability and a cost per label.
    struct Source {
        var name: String
        var reward: RewardObject
        var noise: Double
        var cost: Double
        /// true where the source prefers the pair's rejected response (the pair must be swapped).
        var swaps: [Bool] = []
    }

    static var route: Builtin {
        Builtin("route", [
            BuiltinParameter("data", .native, doc: "pairs of responses to label (their order is ignored: the sources orient them)"),
            BuiltinParameter("sources", .record, doc: "one or two sources, name → {reward:, cost:, noise: 0}: a source prefers the response its reward scores higher, then flips with probability noise"),
            BuiltinParameter("budget", .number, doc: "the total labelling cost allowed"),
            BuiltinParameter("by", default: Value.none, doc: "the predictor's features, property names as in explain (used as |f(a) − f(b)|); none: route a random subset"),
            BuiltinParameter("seed_size", .number, default: .number(100), doc: "pairs labelled by both sources to train the predictor (with by:)"),
            BuiltinParameter("seed", .number, default: .number(0), doc: "the seed of the label noise, the seed set and random routing"),
            RewardBuiltins.worldParameter,
        ], category: "rewards",
        doc: "Routes each instance to one of two label sources under a budget (\"Hybrid Preferences\", Miranda et al., 2024). The "
            + "costlier source (\"human\") is the reference; the cheap one (\"AI judge\") labels every instance the budget does not send "
            + "to the reference. With by:, a seed set of seed_size random pairs is labelled by both, and a performance predictor — a "
            + "logistic regression of [the sources disagree] on an intercept and |Δf| of the named properties, Newton-fitted as in "
            + "explain — scores the other pairs; the pairs where the cheap source is most likely wrong go to the reference until the "
            + "budget is spent (the seed pairs keep the reference label). Our reading of the paper: its predictor estimates the "
            + "reward-model gain of routing an instance to humans from instance features; here the gain is the cheap source's "
            + "predicted error. Without by:, a random subset of the same size goes to the reference. One source labels everything. "
            + "Costs: seed pairs pay both sources, routed pairs the reference, the rest the cheap source. Returns {data (pairs "
            + "oriented by their labels, annotator = source), labels (a record source → pairs it labelled), cost, seed_disagreement, "
            + "predictor (a table of the predictor's coefficients, or none)}.",
        example: "let r = route(w.pairs(2000), sources: {human: {reward: w.gold_reward, noise: 0.2, cost: 1}, "
            + "judge: {reward: w.gold_reward + 0.3 * length, cost: 0.05}}, budget: 400, by: [\"length\"])\nfit(rm, r.data, bradley_terry_loss())") { call in
            let d = try call.dataset(0)
            guard d.kind == .pairs else { throw call.error("route needs pairs; this dataset is \(d.kind.rawValue)", hint: "use w.pairs(n)") }
            let n = d.count
            guard n > 0 else { throw call.error("the data has no pairs") }
            var sources = try readSources(call)
            let budget = call.number(2)
            guard budget.isFinite && budget >= 0 else { throw call.error("budget must be a finite number ≥ 0") }
            let seedValue = call.number(5)
            guard seedValue.isFinite, seedValue >= 0, seedValue == seedValue.rounded(), seedValue < 9e15 else { throw call.error("seed must be a whole number ≥ 0") }
            let root = RandomStream(seed: UInt64(seedValue), stream: "route")
            let world = try RewardBuiltins.worldArgument(call, 6) ?? sources.lazy.compactMap(\.reward.world).first
            let (chosen, rejected) = try d.pairInputs(world: world)
            for i in sources.indices {
                let z = try (sources[i].reward.reward.rewards(chosen) - sources[i].reward.reward.rewards(rejected)).to(.f64).scalars
                if let bad = z.firstIndex(where: \.isNaN) { throw call.error("source \(sources[i].name) scores pair \(bad) as nan") }
                var rng = root.derived("labels/\(sources[i].name)")
                sources[i].swaps = z.map { x in
                    let prefersRejected = x < 0 || (x == 0 && rng.uniform() < 0.5)
                    return rng.uniform() < sources[i].noise ? !prefersRejected : prefersRejected
                }
            }
            if sources.count == 1 {
                let s = sources[0], cost = Double(n) * s.cost
                guard cost <= budget * (1 + 1e-12) else {
                    throw call.error("labelling \(n) pairs by \(s.name) costs \(Value.number(cost).displayText), over the budget \(Value.number(budget).displayText)")
                }
                return try result(call, d, swaps: s.swaps, annotators: Array(repeating: s.name, count: n), counts: [(s.name, n)], cost: cost,
                                  disagreement: .nan, predictor: .none)
            }
            sources.sort { $0.cost > $1.cost }
            let (ref, cheap) = (sources[0], sources[1])
            guard ref.cost > cheap.cost else { throw call.error("the two sources cost the same (\(Value.number(ref.cost).displayText)): nothing to route", hint: "give the reference a higher cost") }

            // The seed set, labelled by both.
            let features: [String]? = try predictorFeatures(call)
            let seedSize = features == nil ? 0 : try call.int(4)
            guard seedSize >= 0 && seedSize <= n else { throw call.error("seed_size must be between 0 and \(n), got \(seedSize)") }
            var order = Array(0..<n)
            var shuffle = root.derived("order")
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, shuffle.uniformInt(below: i + 1)) }
            let seedRows = Array(order.prefix(seedSize)), rest = Array(order.dropFirst(seedSize))
            let base = Double(seedSize) * (ref.cost + cheap.cost) + Double(rest.count) * cheap.cost
            guard base <= budget * (1 + 1e-12) else {
                throw call.error("the budget \(Value.number(budget).displayText) does not cover the seed set and the cheap source on every other pair (\(Value.number(base).displayText))",
                                 hint: "raise the budget, or label fewer pairs")
            }
            // How many more pairs the reference can take; compared as a Double first, since a tiny
            // cost gap makes the quotient overflow any integer.
            let affordable = (budget - base) / (ref.cost - cheap.cost) + 1e-9
            let k = affordable >= Double(rest.count) ? rest.count : Int(affordable.rounded(.down))
            let disagree = seedRows.map { ref.swaps[$0] != cheap.swaps[$0] ? 1.0 : 0.0 }
            let disagreement = seedSize > 0 ? disagree.reduce(0, +) / Double(seedSize) : .nan

            var routed: [Int], predictor = Value.none
            if let features {
                func pair() -> (chosen: RewardInputs, rejected: RewardInputs) { (chosen, rejected) }
                let columns = try features.map { name in try AttributionBuiltins.property(name, d, pair, world: world, call).map(Swift.abs) }
                let p = features.count + 1
                func row(_ i: Int) -> [Double] { [1] + columns.map { $0[i] } }
                guard seedSize > p else { throw call.error("seed_size \(seedSize) is too small for a predictor with \(p) coefficients", hint: "use seed_size ≥ \(p + 1)") }
                let fit: PreferenceAttribution
                do throws(PreferenceAttribution.Failure) {
                    fit = try PreferenceAttribution.fit(differences: seedRows.flatMap(row), outcomes: disagree, features: p)
                } catch {
                    throw call.error("the predictor cannot be fitted on the seed set (the sources \(disagree.contains(1) ? "disagree wherever the features say so" : "never disagree") there)",
                                     hint: "use a larger seed_size or other features")
                }
                let score = rest.map { i in zip(row(i), fit.coefficients).reduce(0) { $0 + $1.0 * $1.1 } }
                routed = rest.indices.sorted { score[$0] > score[$1] || (score[$0] == score[$1] && $0 < $1) }.prefix(k).map { rest[$0] }
                predictor = .native(NativeBox(TableObject(Table(columns: ["feature", "coef", "se"], rows: (0..<p).map { j in
                    [.str(j == 0 ? "intercept" : "|Δ\(features[j - 1])|"), .number(fit.coefficients[j]), .number(fit.standardErrors[j])]
                }))))
            } else {
                routed = Array(rest.prefix(k))   // `rest` is already in random order
            }
            var useReference = [Bool](repeating: false, count: n)
            for i in seedRows + routed { useReference[i] = true }
            let swaps = (0..<n).map { useReference[$0] ? ref.swaps[$0] : cheap.swaps[$0] }
            let annotators = (0..<n).map { useReference[$0] ? ref.name : cheap.name }
            let cost = base + Double(routed.count) * (ref.cost - cheap.cost)
            return try result(call, d, swaps: swaps, annotators: annotators, counts: [(ref.name, seedSize + routed.count), (cheap.name, n - seedSize - routed.count)],
                              cost: cost, disagreement: disagreement, predictor: predictor)
        }
    }

    private static func result(_ call: BuiltinCall, _ d: Dataset, swaps: [Bool], annotators: [String], counts: [(String, Int)],
                               cost: Double, disagreement: Double, predictor: Value) throws -> Value {
        let oriented: Dataset
        do throws(DataError) { oriented = try d.orientingPairs(swap: swaps, annotators: annotators) } catch { throw call.dataError(error) }
        return .record(RecordBox([
            ("data", DatasetObject.value(oriented)), ("labels", .record(RecordBox(counts.map { ($0.0, .number(Double($0.1))) }))),
            ("cost", .number(cost)), ("seed_disagreement", .number(disagreement)), ("predictor", predictor),
        ]))
    }

    private static func readSources(_ call: BuiltinCall) throws -> [Source] {
        guard case .record(let rec) = call[1], (1...2).contains(rec.count) else {
            throw call.error("sources: must be a record of one or two sources", hint: "{human: {reward: w.gold_reward, cost: 1}, judge: {reward: r, cost: 0.1}}")
        }
        return try zip(rec.keys, rec.values).map { name, v in
            guard case .record(let s) = v else { throw call.error("source \(name) is a \(v.typeName), not a record {reward:, cost:, noise:}") }
            guard case .native(let box)? = s["reward"], let reward = box.object as? RewardObject else {
                throw call.error("source \(name) needs a reward: (a reward that orders each pair)")
            }
            guard case .number(let cost)? = s["cost"], cost.isFinite, cost >= 0 else { throw call.error("source \(name) needs a cost: ≥ 0") }
            var noise = 0.0
            if let v = s["noise"] {
                guard case .number(let x) = v, x >= 0, x <= 1 else { throw call.error("source \(name): noise must be a probability in [0, 1]") }
                noise = x
            }
            if let extra = s.keys.first(where: { !["reward", "cost", "noise"].contains($0) }) {
                throw call.error("source \(name) has an unknown field '\(extra)'", hint: "fields: reward, cost, noise")
            }
            return Source(name: name, reward: reward, noise: noise, cost: cost)
        }
    }

    private static func predictorFeatures(_ call: BuiltinCall) throws -> [String]? {
        switch call[3] {
        case .none: return nil
        case .list(let l) where !l.items.isEmpty:
            return try l.items.map { v in
                guard case .string(let s) = v else { throw call.error("by: lists property names; \(v.displayText) is a \(v.typeName)") }
                return s.value
            }
        default: throw call.typeError(3, expected: "none or a list of property names")
        }
    }
}
