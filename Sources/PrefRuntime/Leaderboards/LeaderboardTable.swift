import PrefLanguage
import PrefLearn

/// The table and the plot of a leaderboard, both ranked by ability (best first).
enum LeaderboardTable {
    /// Item indices from the highest ability to the lowest (ties by name).
    static func ranking(_ fit: BradleyTerry.Fit) -> [Int] {
        fit.items.indices.sorted { (fit.abilities[$0], fit.items[$1]) > (fit.abilities[$1], fit.items[$0]) }
    }

    /// Columns rank, item, ability, se and, with a bootstrap, lower and upper; numbers rounded to
    /// 4 decimals for reading (the members keep full precision).
    static func table(_ fit: BradleyTerry.Fit) -> Table {
        func n(_ x: Double) -> Value { .number((x * 1e4).rounded() / 1e4) }
        var columns = ["rank", "item", "ability", "se"]
        if fit.bootstrap != nil { columns += ["lower", "upper"] }
        let rows = ranking(fit).enumerated().map { r, i -> [Value] in
            var row: [Value] = [.number(Double(r + 1)), .str(fit.items[i]), n(fit.abilities[i]), n(fit.standardErrors[i])]
            if let b = fit.bootstrap { row += [n(b.lower[i]), n(b.upper[i])] }
            return row
        }
        return Table(columns: columns, rows: rows)
    }

    /// Abilities against rank with intervals: the bootstrap percentile interval when there is
    /// one, else the Wald interval ability ± 1.96·se. Drawn as a line plot whose "interval" series
    /// is one vertical segment per item (segments separated by NaN breaks) and whose "ability"
    /// series is a short horizontal tick at each estimate.
    static func plot(_ fit: BradleyTerry.Fit) -> Plot {
        var ix = [Double](), iy = [Double](), ex = [Double](), ey = [Double]()
        for (r, i) in ranking(fit).enumerated() {
            let x = Double(r + 1), a = fit.abilities[i], s = 1.96 * fit.standardErrors[i]
            let lo = fit.bootstrap?.lower[i] ?? a - s, hi = fit.bootstrap?.upper[i] ?? a + s
            ix += [x, x, .nan]; iy += [lo, hi, .nan]
            ex += [x - 0.2, x + 0.2, .nan]; ey += [a, a, .nan]
        }
        var plot = Plot(kind: .line, series: [Plot.Series(name: "interval", xs: ix, ys: iy), Plot.Series(name: "ability", xs: ex, ys: ey)])
        let level = fit.bootstrap.map { "\(Value.number(($0.level * 100).rounded()).displayText)% bootstrap" } ?? "95% Wald"
        plot.title = "abilities with \(level) intervals"
        plot.xlabel = "rank: " + ranking(fit).prefix(6).map { fit.items[$0] }.joined(separator: ", ") + (fit.items.count > 6 ? ", …" : "")
        plot.ylabel = "log-strength"
        return plot
    }
}
