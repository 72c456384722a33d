/// "Did you mean" suggestions: the closest candidate by edit distance, when it is close enough
/// to be a plausible typo (at most a third of the name's length, and at most 3 edits).
public enum Suggestion {
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(name.lowercased())
        // One or two letters are too short for a typo to be recognisable.
        guard target.count >= 3 else { return nil }
        let limit = Swift.min(3, Swift.max(1, (target.count + 1) / 3))
        var best: (String, Int)?
        for c in candidates where c != name {
            let d = distance(target, Array(c.lowercased()), limit: limit)
            guard d <= limit else { continue }
            if let (name, dist) = best, dist < d || (dist == d && name <= c) { continue }
            best = (c, d)
        }
        return best?.0
    }

    /// Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps),
    /// giving up early past `limit`.
    static func distance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if Swift.abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return Swift.max(a.count, b.count) }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            var rowMin = cur[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = Swift.min(v, prev2[j - 2] + 1) }
                cur[j] = v
                rowMin = Swift.min(rowMin, v)
            }
            if rowMin > limit { return limit + 1 }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}
