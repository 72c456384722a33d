import PrefCore
import PrefLanguage

/// A training run as a pref value (`type(r)` is "run"): `history` (a table, one row per step
/// with TRL's metric names), `eval` (a table, one row per evaluation), `model`, `loss`,
/// `elapsed` (seconds), `steps`, `interrupted`.
public final class RunObject: NativeObject, @unchecked Sendable {
    let history: Table
    let evals: Table
    let model: Value
    let loss: LossObject
    let elapsed: Double
    let interrupted: Bool

    init(history: Table, evals: Table, model: Value, loss: LossObject, elapsed: Double, interrupted: Bool) {
        self.history = history
        self.evals = evals
        self.model = model
        self.loss = loss
        self.elapsed = elapsed
        self.interrupted = interrupted
    }

    public var typeName: String { "run" }

    public var displayText: String {
        let last = history.rows.last.flatMap { row in history.columns.firstIndex(of: "loss").map { row[$0] } }
        return "<run \(loss.name), \(history.rows.count) steps\(interrupted ? " (interrupted)" : ""), loss \(last?.displayText ?? "none")>"
    }

    public func member(_ name: String) -> Value? {
        switch name {
        case "history": .native(NativeBox(TableObject(history)))
        case "eval": .native(NativeBox(TableObject(evals)))
        case "model": model
        case "loss": .native(NativeBox(loss))
        case "elapsed": .number(elapsed)
        case "steps": .number(Double(history.rows.count))
        case "interrupted": .bool(interrupted)
        default: nil
        }
    }

    public var memberNames: [String] { ["history", "eval", "model", "loss", "elapsed", "steps", "interrupted"] }
}
