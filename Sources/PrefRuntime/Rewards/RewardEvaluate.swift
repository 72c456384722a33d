import PrefCore
import PrefLanguage
import PrefLearn

/// `evaluate(reward, pairs)`: `RewardEvaluation` as a record.
extension RewardBuiltins {
    static func evaluate(_ r: RewardObject, _ call: BuiltinCall, data: Int, world: Int) throws -> Value {
        let w = try worldArgument(call, world) ?? r.world
        let d = try call.dataset(data)
        guard d.kind == .pairs || d.kind == .logps else {
            throw call.error("evaluating a reward needs pairs; this dataset is \(d.kind.rawValue)", hint: "use w.pairs(n)")
        }
        guard d.count > 0 else { throw call.error("the data has no pairs") }
        let (c, rj) = try d.pairInputs(world: w)
        let gold: GoldReward? = (w != nil && c.ids != nil) ? w.map(GoldReward.init) : nil
        let e = try RewardEvaluation(r.reward, chosen: c, rejected: rj, gold: gold)
        let rows: [[Value]] = e.bins.map { b in
            [.number(b.lower), .number(b.upper), .number(Double(b.count)), .number(b.confidence), .number(b.frequency)]
        }
        var fields: [(String, Value)] = [("accuracy", .number(e.accuracy)), ("log_loss", .number(e.logLoss)), ("ece", .number(e.ece))]
        if let g = e.goldAgreement { fields.append(("gold_agreement", .number(g))) }
        fields.append(("reliability", .native(NativeBox(TableObject(Table(columns: ["lower", "upper", "count", "confidence", "frequency"], rows: rows))))))
        return .record(RecordBox(fields))
    }
}
