import PrefCore

/// The prompt clusters c(x) of spec §9.1: a fixed k-means partition of the training prompts'
/// features, for task and annotator routing.
enum PromptClusters {
    /// Lloyd's k-means on the first `fitted` rows of `x` (n × d), seeded by k-means++ (Arthur and
    /// Vassilvitskii 2007) from `rng`, run until no assignment changes (at most 100 rounds).
    /// Every row, fitted or not (test prompts), gets the nearest centroid; clusters are
    /// renumbered by decreasing size (ties: first member), so cluster 0 is the largest.
    static func assign(_ x: [Double], rows n: Int, fitted: Int, dim d: Int, k: Int,
                       rng: inout RandomStream) -> [Int] {
        var centroids = plusPlusSeeds(x, rows: fitted, dim: d, k: k, rng: &rng)
        var labels = [Int](repeating: -1, count: fitted)
        for _ in 0..<100 {
            var changed = false
            for i in 0..<fitted {
                let c = nearest(x, row: i, dim: d, centroids: centroids, k: k)
                if c != labels[i] { labels[i] = c; changed = true }
            }
            if !changed { break }
            var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
            for i in 0..<fitted {
                counts[labels[i]] += 1
                for j in 0..<d { sums[labels[i] * d + j] += x[i * d + j] }
            }
            // An emptied cluster keeps its centroid.
            for c in 0..<k where counts[c] > 0 {
                for j in 0..<d { centroids[c * d + j] = sums[c * d + j] / Double(counts[c]) }
            }
        }
        let all = (0..<n).map { nearest(x, row: $0, dim: d, centroids: centroids, k: k) }
        return renumbered(all, fitted: fitted, k: k)
    }

    static func nearest(_ x: [Double], row i: Int, dim d: Int, centroids: [Double], k: Int) -> Int {
        var best = 0, bestDistance = Double.infinity
        for c in 0..<k {
            var s = 0.0
            for j in 0..<d { let diff = x[i * d + j] - centroids[c * d + j]; s += diff * diff }
            if s < bestDistance { best = c; bestDistance = s }
        }
        return best
    }

    /// k-means++: the first centre uniformly, each next one with probability ∝ squared
    /// distance to the nearest chosen centre (uniformly when all distances are zero).
    static func plusPlusSeeds(_ x: [Double], rows n: Int, dim d: Int, k: Int, rng: inout RandomStream) -> [Double] {
        var centroids = [Double]()
        var chosen = rng.uniformInt(below: n)
        var distance = [Double](repeating: .infinity, count: n)
        for c in 0..<k {
            centroids.append(contentsOf: x[(chosen * d)..<((chosen + 1) * d)])
            guard c + 1 < k else { break }
            var total = 0.0
            for i in 0..<n {
                var s = 0.0
                for j in 0..<d { let diff = x[i * d + j] - centroids[c * d + j]; s += diff * diff }
                distance[i] = Swift.min(distance[i], s)
                total += distance[i]
            }
            if total > 0, let next = try? rng.categorical(probabilities: distance) {
                chosen = next
            } else {
                chosen = rng.uniformInt(below: n)
            }
        }
        return centroids
    }

    static func renumbered(_ labels: [Int], fitted: Int, k: Int) -> [Int] {
        var size = [Int](repeating: 0, count: k), first = [Int](repeating: Int.max, count: k)
        for i in 0..<fitted {
            size[labels[i]] += 1
            first[labels[i]] = Swift.min(first[labels[i]], i)
        }
        let order = (0..<k).sorted { size[$0] != size[$1] ? size[$0] > size[$1] : first[$0] < first[$1] }
        var rank = [Int](repeating: 0, count: k)
        for (r, c) in order.enumerated() { rank[c] = r }
        return labels.map { rank[$0] }
    }
}
