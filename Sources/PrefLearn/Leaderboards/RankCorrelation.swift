/// Rank agreement between two score lists over the same items ("The Validity of Evaluation
/// Results", which compares model rankings across benchmarks with Kendall's τ; Spearman's ρ as
/// the usual companion). Both follow scipy.stats: `kendalltau` (variant "b") and `spearmanr`.
public enum RankCorrelation {
    /// Kendall's τ-b (Kendall, 1945): (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)) with n_c, n_d the
    /// concordant and discordant pairs, n₀ = n(n−1)/2, n₁ = Σ t_i(t_i − 1)/2 over groups of ties in
    /// x and n₂ likewise in y (a pair tied in x or y is neither concordant nor discordant). nan when
    /// either list is constant or has fewer than 2 items (scipy returns nan there too). O(n²):
    /// rankings compare tens of models, not millions.
    public static func kendallTauB(_ x: [Double], _ y: [Double]) -> Double {
        let n = min(x.count, y.count)
        guard n >= 2 else { return .nan }
        var concordant = 0.0, discordant = 0.0, tiedX = 0.0, tiedY = 0.0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let dx = x[i] - x[j], dy = y[i] - y[j]
                if dx == 0 { tiedX += 1 }
                if dy == 0 { tiedY += 1 }
                if dx == 0 || dy == 0 { continue }
                if (dx > 0) == (dy > 0) { concordant += 1 } else { discordant += 1 }
            }
        }
        let n0 = Double(n * (n - 1) / 2)
        let denominator = ((n0 - tiedX) * (n0 - tiedY)).squareRoot()
        return denominator > 0 ? (concordant - discordant) / denominator : .nan
    }

    /// Spearman's ρ: the Pearson correlation of the average ranks (ties share the mean of the
    /// ranks they span, as scipy's `rankdata(method="average")`). nan when either list is constant.
    public static func spearmanRho(_ x: [Double], _ y: [Double]) -> Double {
        let n = min(x.count, y.count)
        guard n >= 2 else { return .nan }
        return pearson(averageRanks(Array(x.prefix(n))), averageRanks(Array(y.prefix(n))))
    }

    /// 1-based ranks, ascending, ties given the mean of the positions they occupy.
    public static func averageRanks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] || (v[$0] == v[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: v.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && v[order[end + 1]] == v[order[start]] { end += 1 }
            let mean = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = mean }
            start = end + 1
        }
        return ranks
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (p, q) in zip(a, b) {
            sab += (p - ma) * (q - mb)
            saa += (p - ma) * (p - ma)
            sbb += (q - mb) * (q - mb)
        }
        let d = (saa * sbb).squareRoot()
        return d > 0 ? sab / d : .nan
    }
}
