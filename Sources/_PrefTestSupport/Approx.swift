/// Approximate equality for numeric tests: |a − b| ≤ abs + rel·max(|a|, |b|).
public func isClose(_ a: Double, _ b: Double, rel: Double = 1e-10, abs: Double = 0) -> Bool {
    if a == b { return true }
    if a.isNaN || b.isNaN { return false }
    return Swift.abs(a - b) <= abs + rel * Swift.max(Swift.abs(a), Swift.abs(b))
}

/// The largest relative difference between two equally long arrays (elements below `floor` in
/// magnitude are compared absolutely against `floor`).
public func maxRelativeError(_ a: [Double], _ b: [Double], floor: Double = 1e-12) -> Double {
    precondition(a.count == b.count, "arrays differ in length")
    var worst = 0.0
    for (x, y) in zip(a, b) {
        if x == y { continue }
        let scale = Swift.max(Swift.abs(x), Swift.abs(y), floor)
        worst = Swift.max(worst, Swift.abs(x - y) / scale)
    }
    return worst
}
