import PrefLanguage

/// One thing a cell showed while it ran, kept as data rather than text so that each report
/// format draws it its own way: a table as an HTML table, a plot as SVG.
public enum CellOutput: Sendable {
    /// What `print` wrote, and values shown as text (consecutive writes are merged).
    case text(String)
    case table(Table)
    /// A plot and its braille text (what the terminal showed; notebooks keep it as the plain
    /// text alternative).
    case plot(Plot, text: String)
    /// Diagnostics and warnings written to the error output.
    case error(String)

    /// The rich form of a shown value, or nil when it is shown as text: a table without extras
    /// (extras are drawn under the table as text), a list of records with the same keys, a plot.
    static func rich(_ value: Value, text: String) -> CellOutput? {
        switch value {
        case .native(let n):
            if let t = n.object as? TableObject, t.extras.isEmpty { return .table(t.table) }
            if let p = n.object as? PlotObject { return .plot(p.plot, text: text) }
        case .list(let l):
            if case .record? = l.items.first, let t = try? Table(records: l.items) { return .table(t) }
        default: break
        }
        return nil
    }
}
