/// A grid of braille cells, each 2 dots wide and 4 dots high (U+2800 + one bit per dot), so a
/// terminal cell shows 8 points: 2× the horizontal and 4× the vertical resolution of text.
/// Dot (0, 0) is the top-left; each cell remembers the series that last drew in it, for colour.
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    private var bits: [UInt8]
    private var owner: [Int]

    /// Width and height in dots.
    var dotWidth: Int { columns * 2 }
    var dotHeight: Int { rows * 4 }

    init(columns: Int, rows: Int) {
        self.columns = max(columns, 1)
        self.rows = max(rows, 1)
        bits = Array(repeating: 0, count: self.columns * self.rows)
        owner = Array(repeating: -1, count: self.columns * self.rows)
    }

    /// The bit of dot (dx, dy) inside its cell, in Unicode's braille numbering (dots 1-8).
    static func bit(dx: Int, dy: Int) -> UInt8 {
        switch (dx, dy) {
        case (0, 3): 0x40
        case (1, 3): 0x80
        default: UInt8(1) << UInt8(dx * 3 + dy)
        }
    }

    /// Lights one dot; dots outside the canvas are ignored.
    mutating func set(_ x: Int, _ y: Int, series: Int) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let cell = (y / 4) * columns + x / 2
        bits[cell] |= Self.bit(dx: x % 2, dy: y % 4)
        owner[cell] = series
    }

    /// A straight line by Bresenham's algorithm; `pattern(step)` says which steps along it are lit
    /// (dashes for series told apart without colour). Both ends are always lit.
    mutating func line(from a: (Int, Int), to b: (Int, Int), series: Int, pattern: (Int) -> Bool = { _ in true }) {
        var (x, y) = a
        let dx = abs(b.0 - a.0), dy = -abs(b.1 - a.1)
        let sx = a.0 < b.0 ? 1 : -1, sy = a.1 < b.1 ? 1 : -1
        var err = dx + dy, step = 0
        while true {
            if pattern(step) || (x, y) == a || (x, y) == b { set(x, y, series: series) }
            if x == b.0 && y == b.1 { return }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
            step += 1
        }
    }

    /// Fills the dots x0...x1 × y0...y1 where `pattern(x, y)` holds (bars and histograms).
    mutating func fill(x: ClosedRange<Int>, y: ClosedRange<Int>, series: Int, pattern: (Int, Int) -> Bool = { _, _ in true }) {
        let x0 = max(x.lowerBound, 0), x1 = min(x.upperBound, dotWidth - 1)
        let y0 = max(y.lowerBound, 0), y1 = min(y.upperBound, dotHeight - 1)
        guard x0 <= x1, y0 <= y1 else { return }
        for py in y0...y1 { for px in x0...x1 where pattern(px, py) { set(px, py, series: series) } }
    }

    /// Row `r` as text; with `color`, runs of cells are wrapped in their series' ANSI colour.
    func line(_ r: Int, color: Bool) -> String {
        var out = "", run = "", runOwner = -1
        func flush() {
            out += runOwner >= 0 ? Ansi.color(run, series: runOwner, enabled: color) : run
            run = ""
        }
        for c in 0..<columns {
            let i = r * columns + c
            let cellOwner = bits[i] == 0 ? -1 : owner[i]
            if cellOwner != runOwner { flush(); runOwner = cellOwner }
            // An empty cell is a space, not U+2800, so copied text and golden files stay plain.
            run.unicodeScalars.append(bits[i] == 0 ? " " : Unicode.Scalar(0x2800 + UInt32(bits[i])) ?? " ")
        }
        flush()
        return out
    }
}
