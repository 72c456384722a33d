import PrefCore
import PrefLanguage

/// A training run as a pref value (`type(r)` is "run"): `history` (a table, one row per step
/// with TRL's metric names), `eval` (a table, one row per evaluation), `model`, `loss`,
/// `elapsed` (seconds), `steps`, `interrupted`. A run without a loss (`rlhf`) is named by
/// `label` (e.g. "rlhf ppo", `r.loss` is then none) and may carry `extras`, more members
/// (e.g. rlhf's `final` measures).
public final class RunObject: NativeObject, @unchecked Sendable {
    let history: Table
    let evals: Table
    let model: Value
    let loss: LossObject?
    let label: String
    let extras: [(String, Value)]
    let elapsed: Double
    let interrupted: Bool
    /// Optimizer steps when the history is not one row per step (iterate's is one per round).
    let stepCount: Int?

    init(history: Table, evals: Table, model: Value, loss: LossObject?, label: String? = nil, extras: [(String, Value)] = [],
         elapsed: Double, interrupted: Bool, stepCount: Int? = nil) {
        self.history = history
        self.evals = evals
        self.model = model
        self.loss = loss
        self.label = label ?? loss?.name ?? "run"
        self.extras = extras
        self.elapsed = elapsed
        self.interrupted = interrupted
        self.stepCount = stepCount
    }

    public var typeName: String { "run" }

    public var displayText: String {
        let last = history.rows.last.flatMap { row in history.columns.firstIndex(of: "loss").map { row[$0] } }
        return "<run \(label), \(stepCount ?? history.rows.count) steps\(interrupted ? " (interrupted)" : ""), loss \(last?.displayText ?? "none")>"
    }

    public func member(_ name: String) -> Value? {
        switch name {
        case "history": .native(NativeBox(TableObject(history)))
        case "eval": .native(NativeBox(TableObject(evals)))
        case "model": model
        case "loss": loss.map { .native(NativeBox($0)) } ?? Value.none
        case "elapsed": .number(elapsed)
        case "steps": .number(Double(stepCount ?? history.rows.count))
        case "interrupted": .bool(interrupted)
        default: extras.first { $0.0 == name }?.1
        }
    }

    public var memberNames: [String] { ["history", "eval", "model", "loss", "elapsed", "steps", "interrupted"] + extras.map(\.0) }
}
