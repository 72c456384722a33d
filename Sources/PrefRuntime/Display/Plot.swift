import Foundation
import PrefLanguage

/// A plot, independent of how it is drawn: the terminal renderer (`PlotRenderer`, braille) and
/// the reports' SVG renderer read the same struct, and the cell cache stores it.
///
/// - `line` and `scatter`: each series is points (xs[i], ys[i]) in the given order; a non-finite
///   value breaks a line.
/// - `bar`: xs are category indices 0..<categories.count; several series stand side by side
///   within each category.
/// - `hist`: each series' `ys` are the raw values and `xs` is empty; `histogram()` computes the
///   bins (shared by every series) in the model, so every renderer draws the same bars.
/// - `heatmap`: no series; `grid` holds a matrix of values with a label per row and column.
public struct Plot: Sendable, Codable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case line, scatter, bar, hist, heatmap
    }

    /// A heatmap's cells: `values[r][c]` is drawn at row `rows[r]` (top to bottom) and column
    /// `columns[c]` (left to right); nan is an empty cell.
    public struct Grid: Sendable, Codable {
        public var columns: [String]
        public var rows: [String]
        public var values: [[Double]]
        public init(columns: [String], rows: [String], values: [[Double]]) {
            self.columns = columns
            self.rows = rows
            self.values = values
        }

        /// The smallest and largest finite value, or nil when there is none.
        public var range: (lo: Double, hi: Double)? {
            let finite = values.joined().filter(\.isFinite)
            guard let lo = finite.min(), let hi = finite.max() else { return nil }
            return (lo, hi)
        }
    }

    public struct Series: Sendable, Codable {
        public var name: String
        public var xs: [Double]
        public var ys: [Double]
        public init(name: String, xs: [Double], ys: [Double]) {
            self.name = name
            self.xs = xs
            self.ys = ys
        }
    }

    public var kind: Kind
    public var series: [Series]
    public var title = ""
    public var xlabel = ""
    public var ylabel = ""
    public var logx = false
    public var logy = false
    /// Bar charts: the label of each category (x index i is `categories[i]`).
    public var categories: [String] = []
    /// Histograms: the number of bins, or nil for Sturges' rule ⌈log2 n⌉ + 1 (at most 50).
    public var bins: Int?
    /// Heatmaps: the cells.
    public var grid: Grid?

    public init(kind: Kind, series: [Series]) {
        self.kind = kind
        self.series = series
    }

    /// Histogram bins: `edges` (count + 1 ascending values) and per series the count in each bin.
    /// Bins are half-open [eᵢ, eᵢ₊₁) except the last, which includes its right edge.
    public struct Histogram: Sendable, Equatable {
        public var edges: [Double]
        public var counts: [[Double]]
    }

    /// The bins over the finite values of every series. All values equal: one bin of width 1
    /// around them; no finite value: one empty bin [0, 1].
    public func histogram() -> Histogram {
        let values = series.map { $0.ys.filter(\.isFinite) }
        let all = values.flatMap { $0 }
        guard var lo = all.min(), var hi = all.max() else {
            return Histogram(edges: [0, 1], counts: series.map { _ in [0] })
        }
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let automatic = Int((log2(Double(max(all.count, 1)))).rounded(.up)) + 1
        let n = min(max(bins ?? automatic, 1), bins == nil ? 50 : 10_000)
        let width = hi / Double(n) - lo / Double(n)  // finite even when hi - lo overflows
        let edges = (0...n).map { $0 == n ? hi : lo + Double($0) * width }
        let counts = values.map { vs in
            var c = [Double](repeating: 0, count: n)
            for v in vs {
                // Clamped as a Double first: an overflowing span (±1e308) must not trap in Int().
                let f = ((v - lo) / width).rounded(.down)
                c[f.isNaN ? (v >= hi ? n - 1 : 0) : Int(min(max(f, 0), Double(n - 1)))] += 1
            }
            return c
        }
        return Histogram(edges: edges, counts: counts)
    }
}

/// A plot as a pref value: `type(p)` is "plot"; members `kind`, `title`, `series` (a list of
/// `{name, x, y}` records) and, for a heatmap, `grid` (`{rows, columns, values}`).
public final class PlotObject: NativeObject, @unchecked Sendable {
    public let plot: Plot
    public init(_ plot: Plot) { self.plot = plot }

    public var typeName: String { "plot" }

    /// The full braille rendering at 80 columns without colour (`print(p)`, a bare `p`).
    public var displayText: String { PlotRenderer.render(plot, width: 80, color: false) }

    public func member(_ name: String) -> Value? {
        switch name {
        case "kind": .str(plot.kind.rawValue)
        case "title": .str(plot.title)
        case "series":
            .list(plot.series.map { s in
                .record(RecordBox([("name", .str(s.name)), ("x", .list(s.xs.map { .number($0) })), ("y", .list(s.ys.map { .number($0) }))]))
            })
        case "grid":
            plot.grid.map { g in
                .record(RecordBox([("rows", .list(g.rows.map { .str($0) })), ("columns", .list(g.columns.map { .str($0) })),
                                   ("values", .list(g.values.map { row in .list(row.map { .number($0) }) }))]))
            } ?? Value.none
        default: nil
        }
    }

    public var memberNames: [String] { ["kind", "title", "series", "grid"] }
}
