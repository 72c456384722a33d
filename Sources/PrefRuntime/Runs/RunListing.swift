import Foundation

/// `pref runs [DIR]` and `pref diff RUN_A RUN_B`: recorded runs read back from their
/// manifest.json files.
public enum RunListing {
    /// A run directory's manifest, parsed.
    public struct Entry {
        public var directory: String
        public var manifest: [String: Any]

        var params: [String: Any] { manifest["params"] as? [String: Any] ?? [:] }
        var metrics: [String: Any] { manifest["final_metrics"] as? [String: Any] ?? [:] }
        var status: String { (manifest["exit_status"] as? Int).map(String.init) ?? "?" }
        var seed: String { (manifest["seed"] as? NSNumber)?.stringValue ?? "?" }
    }

    public struct ReadError: Error, Sendable {
        public var message: String
    }

    /// The manifest of the run in `directory`.
    public static func entry(_ directory: String) throws(ReadError) -> Entry {
        let path = (directory as NSString).appendingPathComponent("manifest.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(message: "\(directory) is not a run directory (it has no readable manifest.json)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ReadError(message: "\(path) is not a JSON object")
        }
        return Entry(directory: directory, manifest: object)
    }

    /// Every run under `root` (any depth), ordered by path: names start with the script's stem
    /// and the UTC start time, so this groups by script and sorts by time.
    public static func entries(under root: String) throws(ReadError) -> [Entry] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReadError(message: "no runs directory '\(root)' (pref run records runs there; --out chooses another)")
        }
        let paths = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
            .filter { ($0 as NSString).lastPathComponent == "manifest.json" }
            .map { (root as NSString).appendingPathComponent(($0 as NSString).deletingLastPathComponent) }
            .sorted()
        return paths.compactMap { try? entry($0) }
    }

    /// The table `pref runs` prints: one row per run with its status, seed, params and final
    /// metrics (the union of every run's names; blank where a run has none).
    public static func table(_ entries: [Entry], root: String) -> String {
        guard !entries.isEmpty else { return "no runs under \(root)\n" }
        let paramNames = Set(entries.flatMap { $0.params.keys }).sorted()
        let metricNames = Set(entries.flatMap { $0.metrics.keys }).sorted()
        let header = ["run", "status", "seed"] + paramNames + metricColumns(metricNames, params: paramNames)
        let prefix = root.hasSuffix("/") ? root : root + "/"
        let rows = entries.map { e in
            let name = e.directory.hasPrefix(prefix) ? String(e.directory.dropFirst(prefix.count)) : e.directory
            return [name, e.status, e.seed] + paramNames.map { text(e.params[$0]) } + metricNames.map { text(e.metrics[$0]) }
        }
        return aligned([header] + rows)
    }

    /// `pref diff`: the script, seed, status, params and final metrics of two runs side by side,
    /// changed ones marked with `*`, metric changes with their difference.
    public static func diff(_ a: Entry, _ b: Entry) -> String {
        var rows = [["", "A", "B", ""]]
        let scriptA = (a.manifest["script"] as? [String: Any])?["sha256"] as? String ?? "?"
        let scriptB = (b.manifest["script"] as? [String: Any])?["sha256"] as? String ?? "?"
        rows.append(["script sha256", String(scriptA.prefix(12)), String(scriptB.prefix(12)), scriptA == scriptB ? "" : "*"])
        rows.append(["seed", a.seed, b.seed, a.seed == b.seed ? "" : "*"])
        rows.append(["exit status", a.status, b.status, a.status == b.status ? "" : "*"])
        for name in Set(a.params.keys).union(b.params.keys).sorted() {
            let x = text(a.params[name]), y = text(b.params[name])
            rows.append(["param \(name)", x, y, x == y ? "" : "*"])
        }
        for name in Set(a.metrics.keys).union(b.metrics.keys).sorted() {
            let x = a.metrics[name] as? Double, y = b.metrics[name] as? Double
            let change = x.flatMap { x in y.map { y in x == y ? "" : "* " + signed(y - x) } } ?? "*"
            rows.append([name, text(a.metrics[name]), text(b.metrics[name]), change])
        }
        return "A = \(a.directory)\nB = \(b.directory)\n" + aligned(rows)
    }

    /// Metric column names, with `final ` before those that are also a param's name (a
    /// history's `lr` column beside an `lr` param).
    public static func metricColumns(_ metrics: [String], params: [String]) -> [String] {
        metrics.map { params.contains($0) ? "final \($0)" : $0 }
    }

    /// A JSON value as a table cell: numbers in their shortest form, lists and records as JSON.
    static func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return ""
        case let s as String: return s
        case let n as NSNumber:
            // JSONSerialization reads true and false as NSNumbers of type char ("c").
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return number(n.doubleValue)
        default: return JSONValue.line(value as Any)
        }
    }

    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        let short = "\(x)"
        return short.count <= 8 ? short : String(format: "%.4g", x)
    }

    private static func signed(_ x: Double) -> String { (x > 0 ? "+" : "") + number(x) }

    /// Columns padded to their widest cell, two spaces apart, the header underlined.
    static func aligned(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        let rule = widths.map { String(repeating: "-", count: $0) }
        return line(rows[0]) + line(rule) + rows.dropFirst().map(line).joined()
    }
}
