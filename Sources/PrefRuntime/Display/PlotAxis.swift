import Foundation

/// One axis of a plot: its range in drawing space (log10 of the values on a log axis) and its
/// ticks at "nice" values (1, 2 or 5 × 10ᵏ; powers of ten on a log axis).
struct PlotAxis {
    struct Tick {
        var position: Double
        var label: String
    }

    var lo: Double
    var hi: Double
    let log: Bool
    var ticks: [Tick] = []

    /// The axis over `values` (non-finite ones, and non-positive ones on a log axis, ignored).
    /// `extend` widens the range to the outer ticks (the y axis); `includeZero` keeps 0 in
    /// range (bars grow from 0). No usable value gives [0, 1]; equal values a range around them.
    /// `integral` keeps ticks on whole numbers (histogram counts).
    init(values: [Double], log: Bool, ticks count: Int, extend: Bool, includeZero: Bool = false, integral: Bool = false) {
        self.log = log
        var drawn = values.compactMap { PlotAxis.transform($0, log: log) }
        if includeZero && !log { drawn.append(0) }
        lo = drawn.min() ?? 0
        hi = drawn.max() ?? 1
        if lo == hi {
            let pad = log ? 0.5 : (lo == 0 ? 1 : Swift.abs(lo) / 2)
            lo -= pad
            hi += pad
        }
        if log { logTicks(count: count, extend: extend) } else { linearTicks(count: count, extend: extend, integral: integral) }
    }

    /// Where a value is drawn, or nil when it cannot be (nan, ±inf, ≤ 0 on a log axis).
    static func transform(_ v: Double, log: Bool) -> Double? {
        guard v.isFinite, !log || v > 0 else { return nil }
        return log ? log10(v) : v
    }

    /// A value's place along the axis, 0 at `lo` and 1 at `hi`, or nil when it cannot be drawn.
    func fraction(_ v: Double) -> Double? {
        PlotAxis.transform(v, log: log).flatMap(place)
    }

    /// A drawing-space position's place along the axis (tick positions are in drawing space).
    func place(_ t: Double) -> Double? {
        // In halves, so a span wider than the largest Double (-1e308 to 1e308) cannot overflow.
        let f = (t / 2 - lo / 2) / (hi / 2 - lo / 2)
        return f.isFinite ? f : nil
    }

    /// The nice step nearest above `raw`: m × 10ᵉ with m in {1, 2, 5}, returned as (m, e) so tick
    /// values can be formed exactly from their decimal text.
    static func niceStep(_ raw: Double) -> (mantissa: Int, exponent: Int) {
        guard raw.isFinite, raw > 0 else { return (1, 0) }
        var e = Int(Foundation.log10(raw).rounded(.down))
        let f = raw / pow(10, Double(e))
        let m: Int
        switch f {
        case ...1: m = 1
        case ...2: m = 2
        case ...5: m = 5
        default: m = 1; e += 1
        }
        return (m, e)
    }

    /// The tick k × m × 10ᵉ, parsed from its decimal text so 0.1 × 3 prints as 0.3.
    private static func value(_ k: Int, _ step: (mantissa: Int, exponent: Int)) -> Double {
        Double("\(k * step.mantissa)e\(step.exponent)") ?? Double(k * step.mantissa) * pow(10, Double(step.exponent))
    }

    private mutating func linearTicks(count: Int, extend: Bool, integral: Bool = false) {
        var step = PlotAxis.niceStep((hi / 2 - lo / 2) / Double(max(count, 1)) * 2)
        if integral && step.exponent < 0 { step = (1, 0) }
        let size = pow(10, Double(step.exponent)) * Double(step.mantissa)
        // Bounded so absurd ranges cannot make Int() trap or the loop run long.
        let first = (lo / size).rounded(extend ? .down : .up), last = (hi / size).rounded(extend ? .up : .down)
        guard first.magnitude < 1e15, last.magnitude < 1e15, last - first <= 100 else {
            ticks = [Tick(position: lo, label: DisplayText.number(lo)), Tick(position: hi, label: DisplayText.number(hi))]
            return
        }
        if extend {
            lo = PlotAxis.value(Int(first), step)
            hi = PlotAxis.value(Int(last), step)
        }
        ticks = (Int(first)...max(Int(first), Int(last))).map { k in
            let v = PlotAxis.value(k, step)
            return Tick(position: v, label: DisplayText.number(v))
        }.filter { $0.position >= lo && $0.position <= hi }
    }

    /// Ticks at powers of ten (every few decades when many); a range within one decade falls back
    /// to nice linear values placed on the log scale.
    private mutating func logTicks(count: Int, extend: Bool) {
        if extend, hi - lo >= 1 {
            lo = lo.rounded(.down)
            hi = hi.rounded(.up)
        }
        let first = lo.rounded(.up), last = hi.rounded(.down)
        if last - first >= 1 && last - first < 1000 {
            let stride = Int(((last - first + 1) / Double(max(count, 1))).rounded(.up))
            ticks = Swift.stride(from: Int(first), through: Int(last), by: max(stride, 1)).map { k in
                // Powers of ten read alike: 0.001 … 1000, then 1e4, 1e-4.
                Tick(position: Double(k), label: abs(k) <= 3 ? DisplayText.number(pow(10, Double(k))) : "1e\(k)")
            }
            return
        }
        let linear = PlotAxis(values: [pow(10, lo), pow(10, hi)], log: false, ticks: count, extend: false)
        ticks = linear.ticks.compactMap { t in t.position > 0 ? Tick(position: log10(t.position), label: t.label) : nil }
            .filter { $0.position >= lo && $0.position <= hi }
        if ticks.isEmpty { ticks = [Tick(position: lo, label: DisplayText.number(pow(10, lo)))] }
    }
}
