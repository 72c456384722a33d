import Foundation
import PrefLanguage
import PrefLearn

/// `save(plot, "p.svg")` and `save(table, "t.csv")`: a plot as the SVG that reports embed, a
/// table as CSV (or TSV) with a header row. Written atomically, so a failed save leaves any
/// earlier file whole.
enum DisplayFiles {
    /// Saves argument 0 when it is a plot or a table; false when it is something else.
    static func save(_ call: BuiltinCall) throws -> Bool {
        guard case .native(let n) = call[0], n.object is PlotObject || n.object is TableObject else { return false }
        let path = call.string(1), ext = (path as NSString).pathExtension.lowercased()
        let text: String
        if let p = n.object as? PlotObject {
            guard ext == "svg" else { throw call.error("a plot is saved as .svg, got \(Value.quote(path))", hint: "name the file e.g. \"loss.svg\"") }
            text = PlotSVG.render(p.plot)
        } else if let t = n.object as? TableObject {
            guard ext == "csv" || ext == "tsv" else { throw call.error("a table is saved as .csv or .tsv, got \(Value.quote(path))") }
            text = csv(t.table, separator: ext == "tsv" ? "\t" : ",")
        } else {
            return false
        }
        let (shown, disk) = DataPaths.resolve(path, session: call.session)
        do {
            try text.write(toFile: disk, atomically: true, encoding: .utf8)
        } catch {
            throw call.error("cannot write \(shown): \(error.localizedDescription)", hint: "check that the directory exists")
        }
        return true
    }

    /// A header row of the column names, then one row per table row: numbers in their shortest
    /// form, strings bare (quoted when they must be), none empty, other values as their text.
    static func csv(_ table: Table, separator: String) -> String {
        var out = table.columns.map { DataWriter.cell($0, separator) }.joined(separator: separator) + "\n"
        for row in table.rows {
            out += row.map { v -> String in
                switch v {
                case .none: ""
                case .number(let x): Value.format(number: x)
                default: DataWriter.cell(v.displayText, separator)
                }
            }.joined(separator: separator) + "\n"
        }
        return out
    }
}
