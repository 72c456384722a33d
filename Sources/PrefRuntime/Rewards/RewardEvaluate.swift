import PrefCore
import PrefLanguage
import PrefLearn

/// `evaluate(reward, pairs)` and `fit(rm, …, eval: pairs)`: `RewardEvaluation` as a record or
/// as the run's eval columns.
extension RewardBuiltins {
    static func evaluate(_ r: RewardObject, _ call: BuiltinCall, data: Int, world: Int) throws -> Value {
        let e = try evaluation(r, try call.dataset(data), world: try worldArgument(call, world) ?? r.world, call)
        let rows: [[Value]] = e.bins.map { b in
            [.number(b.lower), .number(b.upper), .number(Double(b.count)), .number(b.confidence), .number(b.frequency)]
        }
        var fields = scalars(e).map { ($0.0, Value.number($0.1)) }
        fields.append(("reliability", .native(NativeBox(TableObject(Table(columns: ["lower", "upper", "count", "confidence", "frequency"], rows: rows))))))
        return .record(RecordBox(fields))
    }

    /// The metrics of `fit(…, eval:)` for a reward model, computed with its current parameters.
    static func evaluator(_ r: RewardObject, data: Dataset, _ call: BuiltinCall) throws -> () throws -> [(String, Double)] {
        _ = try evaluation(r, data, world: r.world, call)
        return { scalars(try evaluation(r, data, world: r.world, call)) }
    }

    static func evaluation(_ r: RewardObject, _ d: Dataset, world w: ToyWorld?, _ call: BuiltinCall) throws -> RewardEvaluation {
        guard d.kind == .pairs || d.kind == .logps else {
            throw call.error("evaluating a reward needs pairs; this dataset is \(d.kind.rawValue)", hint: "use w.pairs(n)")
        }
        guard d.count > 0 else { throw call.error("the data has no pairs") }
        let (c, rj) = try d.pairInputs(world: w)
        let gold: GoldReward? = c.ids != nil ? w.map(GoldReward.init) : nil
        return try RewardEvaluation(r.reward, chosen: c, rejected: rj, gold: gold)
    }

    static func scalars(_ e: RewardEvaluation) -> [(String, Double)] {
        var out = [("accuracy", e.accuracy), ("log_loss", e.logLoss), ("ece", e.ece)]
        if let g = e.goldAgreement { out.append(("gold_agreement", g)) }
        return out
    }
}
