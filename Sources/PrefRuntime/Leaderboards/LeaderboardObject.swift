import PrefLanguage
import PrefLearn

/// A fitted leaderboard as a pref value (`type(f)` is "leaderboard"), from `bradley_terry` or
/// `plackett_luce_fit`. It displays as a one-line summary over its table; `f.table` and `f.plot`
/// are the table and a plot of the abilities with intervals.
public final class LeaderboardObject: NativeObject, @unchecked Sendable {
    public let fit: BradleyTerry.Fit
    /// "bradley_terry" or "plackett_luce" (the model, shown in the summary).
    let model: String
    /// Seconds spent fitting (aggregation, Newton and any bootstrap), for benchmarks.
    let elapsed: Double
    /// CPU seconds of the process (all threads) spent fitting, the steadier measure on a shared machine.
    let cpu: Double

    init(_ fit: BradleyTerry.Fit, model: String, elapsed: Double, cpu: Double) {
        self.fit = fit
        self.model = model
        self.elapsed = elapsed
        self.cpu = cpu
    }

    public var typeName: String { "leaderboard" }

    /// The summary line and the table, at 80 columns without colour.
    public var displayText: String { render(width: 80, color: false) }

    func render(width: Int, color: Bool) -> String {
        summary + "\n" + TableRenderer.render(LeaderboardTable.table(fit), width: width, color: color)
    }

    var summary: String {
        var parts = ["\(model): \(fit.items.count) items", "\(Value.number(fit.comparisons).displayText) \(model == "plackett_luce" ? "rankings" : "comparisons")",
                     "loglik \(fixed(fit.logLikelihood, 4))", "aic \(fixed(fit.aic, 2))", "\(fit.iterations) iterations"]
        if let h = fit.homeAdvantage, let s = fit.homeStandardError { parts.append("home advantage \(fixed(h, 4)) ± \(fixed(s, 4))") }
        parts.append(fit.reference.map { "reference \($0)" } ?? "centred")
        if fit.prior > 0 { parts.append("prior \(Value.number(fit.prior).displayText)") }
        if let b = fit.bootstrap, b.failures > 0 { parts.append("\(b.failures) of \(b.replicates) bootstrap resamples without an estimate") }
        return parts.joined(separator: ", ")
    }

    /// A record item → value, in item order.
    func record(_ values: [Double]) -> Value {
        .record(RecordBox(zip(fit.items, values).map { ($0, .number($1)) }))
    }

    public func member(_ name: String) -> Value? {
        switch name {
        case "items": .list(fit.items.map { .str($0) })
        case "abilities": record(fit.abilities)
        case "se": record(fit.standardErrors)
        case "lower": fit.bootstrap.map { record($0.lower) } ?? Value.none
        case "upper": fit.bootstrap.map { record($0.upper) } ?? Value.none
        case "bootstrap_failures": fit.bootstrap.map { .number(Double($0.failures)) } ?? Value.none
        case "home_advantage": fit.homeAdvantage.map { .number($0) } ?? Value.none
        case "home_se": fit.homeStandardError.map { .number($0) } ?? Value.none
        case "home_lower": fit.bootstrap?.homeLower.map { .number($0) } ?? Value.none
        case "home_upper": fit.bootstrap?.homeUpper.map { .number($0) } ?? Value.none
        case "loglik": .number(fit.logLikelihood)
        case "deviance": .number(fit.deviance)
        case "aic": .number(fit.aic)
        case "iterations": .number(Double(fit.iterations))
        case "comparisons": .number(fit.comparisons)
        case "ties_dropped": .number(fit.droppedTies)
        case "elapsed": .number(elapsed)
        case "cpu": .number(cpu)
        case "reference": fit.reference.map { .str($0) } ?? Value.none
        case "table": .native(NativeBox(TableObject(LeaderboardTable.table(fit))))
        case "plot": .native(NativeBox(PlotObject(LeaderboardTable.plot(fit))))
        default: nil
        }
    }

    public var memberNames: [String] {
        ["items", "abilities", "se", "lower", "upper", "bootstrap_failures", "home_advantage", "home_se", "home_lower", "home_upper",
         "loglik", "deviance", "aic", "iterations", "comparisons", "ties_dropped", "elapsed", "cpu", "reference", "table", "plot"]
    }
}

/// `x` with `digits` decimals.
func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return Value.number(x).displayText }
    var s = String(Int64((abs(x) * pow10(digits)).rounded()))
    while s.count <= digits { s = "0" + s }
    let cut = s.index(s.endIndex, offsetBy: -digits)
    return (x < 0 && s.contains { $0 != "0" } ? "-" : "") + s[..<cut] + (digits > 0 ? "." + s[cut...] : "")
}

private func pow10(_ n: Int) -> Double { (0..<n).reduce(1) { r, _ in r * 10 } }
