import PrefCore
import PrefLanguage
import PrefLearn

/// A trained General Preference Model as a pref value (`type(g)` is "gpm"). Members: `dims`,
/// `hidden`, `gate`, `normalize`, `temperature`, `features`, `history` (the loss per epoch);
/// methods `score(a, b, prompts:)` (= `gpm_score(g, a, b)`), `accuracy(data)`, `embed(x)`.
public final class GpmObject: NativeObject, @unchecked Sendable {
    public let model: GpmModel

    public init(_ model: GpmModel) { self.model = model }

    public var typeName: String { "gpm" }

    public var displayText: String {
        let c = model.config
        return "<gpm k=\(c.dims) over \(model.featureDim) features, τ \(Value.format(number: c.temperature))"
            + (c.gate ? ", gated" : "") + (c.normalize ? "" : ", unnormalised") + ">"
    }

    public static let methodNames = ["score", "accuracy", "embed"]

    public func member(_ name: String) -> Value? {
        let c = model.config
        switch name {
        case "dims": return .number(Double(c.dims))
        case "hidden": return .number(Double(c.hidden))
        case "gate": return .bool(c.gate)
        case "normalize": return .bool(c.normalize)
        case "temperature": return .number(c.temperature)
        case "features": return .number(Double(model.featureDim))
        case "history": return RichRewardArguments.history(model.history)
        case "score": return .builtin(BuiltinBox(GpmBuiltins.score(bound: self)))
        case "accuracy": return .builtin(BuiltinBox(accuracy))
        case "embed": return .builtin(BuiltinBox(embed))
        default: return nil
        }
    }

    public var memberNames: [String] { ["dims", "hidden", "gate", "normalize", "temperature", "features", "history"] + Self.methodNames }

    /// s(chosen ≻ rejected | x) of every pair of `pairs`.
    func scores(_ call: BuiltinCall, _ pairs: RichRewardArguments.Pairs, what: String) throws -> Tensor {
        try RichRewardArguments.check(call, pairs, dim: model.featureDim, promptDim: model.promptDim, what: what)
        return try model.scores(pairs.chosen, pairs.rejected, prompts: pairs.prompts)
    }

    private var accuracy: Builtin {
        Builtin("accuracy", [BuiltinParameter("data", doc: RichRewardArguments.dataDoc)], category: "reward models",
                doc: "The fraction of pairs with s(chosen ≻ rejected | x) > 0.") { call in
            .number(RichRewardFit.accuracy(try self.scores(call, try RichRewardArguments.pairs(call, call[0], what: "data"), what: "data")))
        }
    }

    private var embed: Builtin {
        Builtin("embed", [BuiltinParameter("x", .tensor, doc: "[n, d] response features")], category: "reward models",
                doc: "The preference embeddings v = f(y), [n, 2k] (unit norm when normalised).") { call in
            TensorValues.wrap(try self.model.embeddings(try RichRewardArguments.features(call, 0, dim: self.model.featureDim)))
        }
    }
}
