#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Discrete sampling: categories, permutations and subsets.
extension RandomStream {
    /// A category drawn with probability proportional to `probabilities[i]`, by inverting the
    /// cumulative sum with one `uniform()` (one raw output).
    ///
    /// The weights need not sum to 1. A zero weight is never drawn.
    ///
    /// - Throws: `TensorError` when the list is empty, or a weight is negative, NaN or
    ///   infinite, or all weights are zero.
    public mutating func categorical(probabilities: [Double]) throws(TensorError) -> Int {
        let total = try RandomStream.validatedTotal(probabilities, op: "categorical", noun: "probability")
        return RandomStream.inverseCDF(probabilities, at: uniform() * total)
    }

    /// A category drawn from `softmax(logits)`: the stable softmax `exp(lᵢ − max l)` fed to
    /// `categorical(probabilities:)`, so it also consumes one raw output and draws the same
    /// index as `categorical(probabilities: softmax(logits))` up to rounding.
    ///
    /// A logit of −∞ is a category of probability zero.
    ///
    /// - Throws: `TensorError` when the list is empty, a logit is NaN or +∞, or every logit
    ///   is −∞.
    public mutating func categorical(logits: [Double]) throws(TensorError) -> Int {
        let op = "categorical"
        guard !logits.isEmpty else { throw TensorError(op: op, "logits are empty") }
        var largest = -Double.infinity
        for (i, l) in logits.enumerated() {
            guard !l.isNaN else { throw TensorError(op: op, "logit at index \(i) is NaN") }
            guard l != .infinity else {
                throw TensorError(op: op, "logit at index \(i) is +inf", hint: "logits must be finite or -inf")
            }
            largest = Swift.max(largest, l)
        }
        guard largest > -.infinity else {
            throw TensorError(op: op, "every logit is -inf, so no category has positive probability")
        }
        let weights = logits.map { exp($0 - largest) }
        var total = 0.0
        for w in weights { total += w }
        return RandomStream.inverseCDF(weights, at: uniform() * total)
    }

    /// A uniformly random permutation of 0..<n by the Fisher–Yates shuffle (Durstenfeld's
    /// in-place form); empty when n ≤ 0.
    ///
    /// Position i (from the front) takes the element at `i + uniformInt(below: n − i)`, so
    /// `choice(n, count: k)` equals the first k entries of `permutation(n)` from the same state.
    public mutating func permutation(_ n: Int) -> [Int] {
        guard n > 0 else { return [] }
        var result = Array(0..<n)
        shuffle(&result)
        return result
    }

    /// Shuffles `array` in place uniformly by the Fisher–Yates shuffle, front to back as in
    /// `permutation(_:)` (n − 1 bounded draws for n elements).
    public mutating func shuffle<T>(_ array: inout [T]) {
        let n = array.count
        guard n > 1 else { return }
        for i in 0..<(n - 1) {
            array.swapAt(i, i + uniformInt(below: n - i))
        }
    }

    /// `k` indices drawn from 0..<n, with or without replacement, uniformly or by weight.
    ///
    /// - Unweighted, with replacement: k draws of `uniformInt(below: n)`.
    /// - Unweighted, without replacement: the first k steps of the Fisher–Yates shuffle, on a
    ///   sparse map of the displaced entries, so memory is O(k) and the result is the first k
    ///   entries of `permutation(n)`.
    /// - Weighted, with replacement: k independent `categorical(probabilities: weights)` draws.
    /// - Weighted, without replacement: Efraimidis–Spirakis keys ("Weighted random sampling
    ///   with a reservoir", IPL 2006): item i gets `ln(uᵢ) / wᵢ` (the log of uᵢ^(1/wᵢ)) from one
    ///   `openUniform()`, for every item, and the k largest keys win, in decreasing order of key.
    ///   That order has the distribution of k successive draws with renormalisation. Exactly n
    ///   raw outputs are consumed; zero weights are never chosen.
    ///
    /// - Throws: `TensorError` when n or k is negative, when k > n without replacement (or k
    ///   exceeds the number of positive weights), when drawing from an empty population, or
    ///   when the weights do not number n or include a negative, NaN or infinite value or are
    ///   all zero.
    public mutating func choice(_ n: Int, count k: Int, replace: Bool = false,
                                weights: [Double]? = nil) throws(TensorError) -> [Int] {
        let op = "choice"
        guard n >= 0 else { throw TensorError(op: op, "population size \(n) is negative") }
        guard k >= 0 else { throw TensorError(op: op, "count \(k) is negative") }
        if !replace && k > n {
            throw TensorError(op: op, "cannot draw \(k) items without replacement from \(n)",
                              hint: "use replace: true, or a count of at most \(n)")
        }
        if n == 0 {
            guard k == 0 else { throw TensorError(op: op, "cannot draw \(k) items from an empty population") }
            if let weights, !weights.isEmpty {
                throw TensorError(op: op, "\(weights.count) weights for a population of 0")
            }
            return []
        }
        guard let weights else {
            return replace ? (0..<k).map { _ in uniformInt(below: n) } : partialShuffle(n, count: k)
        }
        guard weights.count == n else {
            throw TensorError(op: op, "\(weights.count) weights for a population of \(n)",
                              hint: "give one weight per item")
        }
        let total = try RandomStream.validatedTotal(weights, op: op, noun: "weight")
        if replace {
            return weightedWithReplacement(weights, total: total, count: k)
        }
        let positive = weights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        guard k <= positive else {
            throw TensorError(op: op, "cannot draw \(k) items without replacement: only \(positive) of the \(n) weights are positive")
        }
        return efraimidisSpirakis(weights, count: k)
    }

    /// The first k steps of a front-to-back Fisher–Yates shuffle of 0..<n, storing only the
    /// positions that have been displaced.
    mutating func partialShuffle(_ n: Int, count k: Int) -> [Int] {
        var displaced: [Int: Int] = [:]
        var result: [Int] = []
        result.reserveCapacity(k)
        for i in 0..<k {
            let j = i + uniformInt(below: n - i)
            result.append(displaced[j] ?? j)
            displaced[j] = displaced[i] ?? i
        }
        return result
    }

    /// k inverse-CDF draws against one cumulative table, by binary search.
    mutating func weightedWithReplacement(_ weights: [Double], total: Double,
                                          count k: Int) -> [Int] {
        var cumulative: [Double] = []
        cumulative.reserveCapacity(weights.count)
        var running = 0.0
        for w in weights {
            running += w
            cumulative.append(running)
        }
        let last = RandomStream.lastPositive(weights)
        return (0..<k).map { _ in
            let target = uniform() * total
            // The first index whose cumulative weight exceeds the target, as in `inverseCDF`.
            var lo = 0, hi = cumulative.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if target < cumulative[mid] { hi = mid } else { lo = mid + 1 }
            }
            return lo < cumulative.count ? lo : last
        }
    }

    /// Weighted sampling without replacement by the Efraimidis–Spirakis exponential keys.
    mutating func efraimidisSpirakis(_ weights: [Double], count k: Int) -> [Int] {
        var keys: [(key: Double, index: Int)] = []
        keys.reserveCapacity(weights.count)
        for (i, w) in weights.enumerated() {
            let u = openUniform()
            if w > 0 { keys.append((log(u) / w, i)) }
        }
        // Ties have probability zero; breaking them by index keeps the order well defined
        // whatever the sort algorithm.
        keys.sort { $0.key != $1.key ? $0.key > $1.key : $0.index < $1.index }
        return keys.prefix(k).map(\.index)
    }

    /// Checks that weights are usable as unnormalised probabilities and returns their sum.
    static func validatedTotal(_ weights: [Double], op: String, noun: String) throws(TensorError) -> Double {
        guard !weights.isEmpty else { throw TensorError(op: op, "no \(noun) values were given") }
        var total = 0.0
        for (i, w) in weights.enumerated() {
            guard !w.isNaN else { throw TensorError(op: op, "\(noun) at index \(i) is NaN") }
            guard w >= 0 else {
                throw TensorError(op: op, "\(noun) at index \(i) is negative (\(w))", hint: "weights must be >= 0")
            }
            guard w.isFinite else { throw TensorError(op: op, "\(noun) at index \(i) is infinite") }
            total += w
        }
        guard total > 0 else {
            throw TensorError(op: op, "every \(noun) is zero", hint: "at least one weight must be positive")
        }
        guard total.isFinite else {
            throw TensorError(op: op, "the \(noun) values sum to infinity", hint: "rescale the weights")
        }
        return total
    }

    /// The first index whose running sum of `weights` exceeds `target` (with target in
    /// [0, total)); the last positive weight's index when rounding leaves the target past the sum.
    static func inverseCDF(_ weights: [Double], at target: Double) -> Int {
        var running = 0.0
        for (i, w) in weights.enumerated() {
            running += w
            if target < running { return i }
        }
        return lastPositive(weights)
    }

    /// The index of the last positive weight (the caller has checked that one exists).
    static func lastPositive(_ weights: [Double]) -> Int {
        weights.lastIndex { $0 > 0 } ?? 0
    }
}
