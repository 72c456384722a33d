import Foundation
import PrefLanguage

/// What a sweep leaves in its directory besides the points: results.csv and results.json (one
/// row per point: its params, seed, exit status, final metrics and error), plot.svg (the first
/// metric per point) and sweep.json (the sweep's own manifest). Written atomically, also after a
/// Ctrl-C, with the points that finished.
public enum SweepResults {
    /// The table of outcomes: point, seed, each grid param, status, seconds, every final metric
    /// (the union over the points), error.
    public static func table(_ plan: SweepPlan, _ outcomes: [SweepRunner.Outcome]) -> Table {
        let metrics = outcomes.map { finalMetrics($0.directory) }
        let metricNames = Set(metrics.flatMap(\.keys)).sorted()
        let columns = ["point", "seed"] + plan.grids.map(\.0) + ["status", "seconds"]
            + RunListing.metricColumns(metricNames, params: plan.grids.map(\.0)) + ["error"]
        let rows = zip(outcomes, metrics).map { outcome, m -> [Value] in
            [.number(Double(outcome.point.number)), .number(Double(outcome.point.seed))]
                + outcome.point.params.map { .string(StringBox($0.1)) }
                + [.number(Double(outcome.status)), .number((outcome.seconds * 1000).rounded() / 1000)]
                + metricNames.map { name in m[name].map(Value.number) ?? .none }
                + [.string(StringBox(outcome.error))]
        }
        return Table(columns: columns, rows: rows)
    }

    /// The outcome of a point that recorded itself (a Slurm task), or nil when it has not
    /// finished: its status and wall time from its manifest, its error from its stderr.
    public static func recorded(_ point: SweepPlan.Point, in sweep: String) -> SweepRunner.Outcome? {
        let dir = SweepRunner.pointDirectory(point, in: sweep)
        guard let entry = try? RunListing.entry(dir), let status = entry.manifest["exit_status"] as? Int else { return nil }
        let error = status == 0 ? "" : SweepRunner.firstError(in: (dir as NSString).appendingPathComponent("stderr.txt"))
        return SweepRunner.Outcome(point: point, directory: dir, status: Int32(status),
                                   seconds: entry.manifest["wall_seconds"] as? Double ?? 0, error: error)
    }

    /// A point's final metrics from its manifest (none when it did not get that far).
    static func finalMetrics(_ directory: String) -> [String: Double] {
        guard let entry = try? RunListing.entry(directory) else { return [:] }
        var out = [String: Double]()
        for (k, v) in entry.metrics { if let x = v as? Double { out[k] = x } else if let n = v as? NSNumber { out[k] = n.doubleValue } }
        return out
    }

    /// Writes results.csv, results.json, plot.svg and sweep.json into `directory`.
    public static func write(plan: SweepPlan, outcomes: [SweepRunner.Outcome], script: String, backend: String,
                             start: Date, interrupted: Bool, to directory: String) throws(RunDirectory.WriteError) {
        let t = table(plan, outcomes)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        try RunDirectory.writeAtomically(DisplayFiles.csv(t, separator: ","), to: path("results.csv"))
        let objects: [[String: Any]] = t.rows.map { row in
            var o = [String: Any]()
            for (c, v) in zip(t.columns, row) { o[c] = JSONValue.from(v) }
            return o
        }
        try RunDirectory.writeAtomically(JSONValue.document(objects), to: path("results.json"))
        if let p = plot(t) { try RunDirectory.writeAtomically(PlotSVG.render(p), to: path("plot.svg")) }
        let manifest: [String: Any] = [
            "pref_version": PrefVersion.string,
            "script": ["path": script, "sha256": SHA256.hex(ofFile: script) ?? ""],
            "grid": plan.grids.map { ["name": $0.0, "values": $0.1] as [String: Any] },
            "seeds": plan.seeds.map(RunManifest.json),
            "backend": backend,
            "points": plan.points.count,
            "finished": outcomes.count,
            "failed": outcomes.filter { $0.status != 0 }.count,
            "interrupted": interrupted,
            "start": RunManifest.timestamp(start),
            "end": RunManifest.timestamp(Date()),
        ]
        try RunDirectory.writeAtomically(JSONValue.document(manifest), to: path("sweep.json"))
    }

    /// A bar per point of the first final metric (`loss` when there is one), or nil when no
    /// point has a metric.
    static func plot(_ t: Table) -> Plot? {
        let fixed: Set = ["point", "seed", "status", "seconds", "error"]
        let metricColumns = t.columns.indices.filter { c in
            !fixed.contains(t.columns[c]) && t.rows.contains { row in
                if case .number = row[c] { return true } else { return false }
            }
        }
        guard let column = metricColumns.first(where: { t.columns[$0] == "loss" }) ?? metricColumns.last else { return nil }
        var labels = [String](), ys = [Double]()
        for row in t.rows {
            guard case .number(let y) = row[column], case .number(let n) = row[0] else { continue }
            labels.append("\(Int(n))")
            ys.append(y)
        }
        var p = Plot(kind: .bar, series: [Plot.Series(name: t.columns[column], xs: ys.indices.map(Double.init), ys: ys)])
        p.categories = labels
        p.title = "final \(t.columns[column]) per point"
        p.xlabel = "point"
        p.ylabel = t.columns[column]
        return p
    }
}
