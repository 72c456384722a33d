import Foundation

/// Builds an SVG document element by element. Coordinates are written with one decimal, so the
/// same plot gives the same bytes (reports diff cleanly); every text is XML-escaped.
struct SVGWriter {
    /// The plot area: axis fractions map to user units, y growing upwards.
    struct Area {
        var left: Double, top: Double, right: Double, bottom: Double
        var width: Double { right - left }
        var height: Double { bottom - top }
        func x(_ f: Double) -> Double { left + min(max(f, 0), 1) * width }
        func y(_ f: Double) -> Double { bottom - min(max(f, 0), 1) * height }
    }

    let width: Double
    let height: Double
    private var body = ""
    private let label: String

    init(width: Double, height: Double, title: String) {
        self.width = width
        self.height = height
        label = title.isEmpty ? "plot" : title
    }

    var document: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(SVGWriter.n(width)) \(SVGWriter.n(height))\" "
            + "width=\"\(SVGWriter.n(width))\" height=\"\(SVGWriter.n(height))\" role=\"img\" aria-label=\"\(SVGWriter.escape(label))\" "
            + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n" + body + "</svg>\n"
    }

    static func n(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    /// Text safe inside XML elements and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    mutating func title(_ text: String) {
        guard !text.isEmpty else { return }
        body += "<text x=\"\(SVGWriter.n(width / 2))\" y=\"26\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(SVGWriter.escape(text))</text>\n"
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1) {
        body += "<line x1=\"\(SVGWriter.n(x1))\" y1=\"\(SVGWriter.n(y1))\" x2=\"\(SVGWriter.n(x2))\" y2=\"\(SVGWriter.n(y2))\" stroke=\"\(stroke)\""
            + (width == 1 ? "" : " stroke-width=\"\(SVGWriter.n(width))\"") + "/>\n"
    }

    /// A connected line; fewer than two points draw a dot so a lone point is still seen.
    mutating func polyline(_ points: [(Double, Double)], stroke: String) {
        if points.count == 1 { circle(points[0].0, points[0].1, radius: 2, fill: stroke) }
        guard points.count > 1 else { return }
        let list = SVGWriter.thinned(points).map { "\(SVGWriter.n($0.0)),\(SVGWriter.n($0.1))" }.joined(separator: " ")
        body += "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\n"
    }

    /// A long line drawn with what shows at one-unit resolution: of each run of consecutive
    /// points in the same unit-wide column, the first, lowest, highest and last, in their order.
    /// A 100 000-step loss curve then costs a few thousand points and looks the same.
    static func thinned(_ points: [(Double, Double)]) -> [(Double, Double)] {
        guard points.count > 1000 else { return points }
        var out = [(Double, Double)](), run = [Int]()
        func flush() {
            guard let first = run.first, let last = run.last else { return }
            let low = run.min { points[$0].1 < points[$1].1 } ?? first, high = run.max { points[$0].1 < points[$1].1 } ?? first
            var kept = [first]
            for i in [low, high, last].sorted() where i != kept.last { kept.append(i) }
            out += kept.map { points[$0] }
            run = []
        }
        for i in points.indices {
            if let j = run.last, points[j].0.rounded() != points[i].0.rounded() { flush() }
            run.append(i)
        }
        flush()
        return out
    }

    mutating func circle(_ x: Double, _ y: Double, radius: Double, fill: String) {
        body += "<circle cx=\"\(SVGWriter.n(x))\" cy=\"\(SVGWriter.n(y))\" r=\"\(SVGWriter.n(radius))\" fill=\"\(fill)\" fill-opacity=\"0.85\"/>\n"
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil) {
        body += "<rect x=\"\(SVGWriter.n(x))\" y=\"\(SVGWriter.n(y))\" width=\"\(SVGWriter.n(w))\" height=\"\(SVGWriter.n(h))\" fill=\"\(fill)\""
            + (stroke.map { " stroke=\"\($0)\"" } ?? "") + "/>\n"
    }

    /// Text at (x, y) (the baseline), anchored "start", "middle" or "end"; `rotate` turns it to
    /// read upwards (a y label).
    mutating func text(_ s: String, x: Double, y: Double, anchor: String, rotate: Bool = false, size: Double? = nil) {
        let transform = rotate ? " transform=\"rotate(-90 \(SVGWriter.n(x)) \(SVGWriter.n(y)))\"" : ""
        let font = size.map { " font-size=\"\(SVGWriter.n($0))\"" } ?? ""
        body += "<text x=\"\(SVGWriter.n(x))\" y=\"\(SVGWriter.n(y))\" text-anchor=\"\(anchor)\"\(transform)\(font)>\(SVGWriter.escape(s))</text>\n"
    }
}
