import Foundation
import PrefLanguage

/// What a recorded run collects while it runs, for its manifest and metrics: the data files it
/// read (with their hashes, taken when read, so a file changed later does not lie about the run)
/// and every fit's history. The builtins that read data or train report here when the session
/// has a log (`pref run` without `--no-record`).
public final class RunLog: @unchecked Sendable {
    public struct DataFile: Sendable, Equatable {
        /// The path as the script's messages show it (relative to the script's directory).
        public var path: String
        public var sha256: String
    }

    public private(set) var dataFiles: [DataFile] = []
    /// Each fit's history table, in the order the fits finished.
    public private(set) var fits: [Table] = []
    /// Every read, in order, with the path on disk (the cell cache checks a cached cell's data
    /// files against these hashes).
    public private(set) var reads: [Read] = []

    public struct Read: Sendable, Equatable, Codable {
        public var path: String
        public var disk: String
        public var sha256: String
    }

    public init() {}

    /// A data file was read from `disk`; each path is listed once.
    func noteRead(shown: String, disk: String) {
        let known = dataFiles.first { $0.path == shown }
        guard let hash = known?.sha256 ?? SHA256.hex(ofFile: disk) else { return }
        reads.append(Read(path: shown, disk: disk, sha256: hash))
        if known == nil { dataFiles.append(DataFile(path: shown, sha256: hash)) }
    }

    func noteFit(history: Table) {
        fits.append(history)
    }

    /// A cached cell's reads and fits, as if it had run.
    func replay(reads cached: [Read], fits cachedFits: [Table]) {
        for r in cached {
            reads.append(r)
            if !dataFiles.contains(where: { $0.path == r.path }) { dataFiles.append(DataFile(path: r.path, sha256: r.sha256)) }
        }
        fits += cachedFits
    }

    /// The last row of the last fit's history, as metric name → number (what `pref runs`
    /// shows and sweeps collect). Non-numeric cells are left out.
    public var finalMetrics: [String: Double] {
        guard let history = fits.last, let row = history.rows.last else { return [:] }
        var out = [String: Double]()
        for (column, value) in zip(history.columns, row) {
            if case .number(let x) = value, x.isFinite { out[column] = x }
        }
        return out
    }

    /// metrics.jsonl: one JSON object per step of every fit, with the fit's number (from 1),
    /// keys sorted. Written directly (`JSONLineWriter`), as JSONSerialization would write it: a
    /// column named "fit" replaces the fit's number, and a row shorter than the columns has
    /// only the keys it reaches.
    public func metricsLines() -> String {
        var out = ""
        for (i, history) in fits.enumerated() {
            let full = RunLog.metricKeys(history.columns)
            for row in history.rows {
                let keys = row.count >= history.columns.count ? full : RunLog.metricKeys(Array(history.columns.prefix(row.count)))
                out.append("{")
                for (k, (quoted, c)) in keys.enumerated() {
                    if k > 0 { out.append(",") }
                    out += quoted
                    if c < 0 { out += String(i + 1) } else { JSONLineWriter.append(row[c], to: &out) }
                }
                out.append("}\n")
            }
        }
        return out
    }

    /// The keys of a metrics row, sorted and quoted with their colon, each with its column (the
    /// last of equal names, as a dictionary keeps it) or -1 for the fit number.
    private static func metricKeys(_ columns: [String]) -> [(String, Int)] {
        var source = ["fit": -1]
        for (c, column) in columns.enumerated() { source[column] = c }
        return JSONLineWriter.sorted(Array(source.keys)).map { key in
            var quoted = ""
            JSONLineWriter.append(string: key, to: &quoted)
            return (quoted + ":", source[key] ?? -1)
        }
    }
}
