#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// PrefWorld, the synthetic environment of spec §9: prompts with features and clusters, K
/// candidates per prompt with quality features, lengths and styles (and, in the token view,
/// token sequences), a hidden gold reward, annotator groups with diverse utilities, component
/// rewards with pairwise cosine ρ, and generators for every preference row kind.
///
/// Every quantity is computed once for all candidates at construction (whole-batch, f64) and
/// is exact; rows are drawn from named Philox streams, so a seed fixes everything. Prompts are
/// numbered train first (0..<P_train), then test. Per-candidate arrays are flat, prompt-major:
/// candidate k of prompt p is at p·K + k.
public struct ToyWorld: Sendable {
    /// The knobs the world was built with.
    public let config: Config
    /// w*, the component directions, the group offsets, A and the token embeddings.
    public let geometry: ToyGeometry
    /// x, P_all × d_x, N(0, I).
    public let promptFeatures: [Double]
    /// c(x) ∈ 0..<clusters, per prompt.
    public let clusters: [Int]
    /// q, P_all·K × d_q.
    public let features: [Double]
    /// ℓ ∈ 1...maxLength, per candidate.
    public let lengths: [Int]
    /// The style angle θ of (u, v) = (cos θ, sin θ), uniform on [0, 2π), per candidate.
    public let styleAngles: [Double]
    /// Token view: P_all·K × maxLength token ids, −1 after the candidate's length; empty in
    /// the candidate view.
    public let tokens: [Int32]
    /// r*(x, y) per candidate (§9.2).
    public let gold: [Double]
    /// u_g per group and candidate, G × P_all·K (§9.3).
    public let utilities: [Double]
    /// r_i = w_i·q per component and candidate, N × P_all·K (§9.4).
    public let componentRewards: [Double]
    /// The median of u_g over each prompt's candidates, G × P_all, and of r* (P_all): the
    /// reference point of unpaired labels.
    public let utilityMedians: [Double]
    public let goldMedians: [Double]
    /// The gold values separating grades 0…grades−1: the training candidates' r* quantiles at
    /// i/grades, i = 1…grades−1 (§9.3 graded labels), so grades are about equally frequent.
    public let gradeThresholds: [Double]

    /// Builds the world. Streams: "geometry", "prompts", "clusters", "candidates" and
    /// "tokens", all derived from `RandomStream(seed:, stream: "toy_world")`, so changing K
    /// keeps w*, A and the prompts.
    public init(_ config: Config) throws(TensorError) {
        try config.validate()
        self.config = config
        let root = RandomStream(seed: config.seed, stream: "toy_world")
        var geometryStream = root.derived("geometry")
        geometry = ToyGeometry(config, rng: &geometryStream)

        let p = config.totalPrompts, dx = config.promptDim, d = config.featureDim, k = config.candidates
        var promptStream = root.derived("prompts")
        promptFeatures = promptStream.normalTensor([p * dx], dtype: .f64).scalars
        var clusterStream = root.derived("clusters")
        clusters = PromptClusters.assign(promptFeatures, rows: p, fitted: config.prompts, dim: dx,
                                         k: config.clusters, rng: &clusterStream)

        let means = try Self.promptMeans(promptFeatures, config: config, map: geometry.promptMap)
        var candidateStream = root.derived("candidates")
        let m = p * k
        let drawn = (0..<m).map { _ in 1 + candidateStream.uniformInt(below: config.maxLength) }
        // Tree leaves are all max_length long (the draw stays, so the later streams do not shift).
        lengths = config.branches > 0 ? [Int](repeating: config.maxLength, count: m) : drawn
        styleAngles = (0..<m).map { _ in 2 * Double.pi * candidateStream.uniform() }
        switch config.view {
        case .candidate:
            var q = candidateStream.normalTensor([m * d], dtype: .f64).scalars
            for i in 0..<m {
                let row = i / k
                for j in 0..<d { q[i * d + j] += means[row * d + j] }
            }
            features = q
            tokens = []
        case .token:
            var tokenStream = root.derived("tokens")
            (tokens, features) = try TokenView.generate(config, geometry: geometry, means: means,
                                                        lengths: lengths, rng: &tokenStream)
        }

        let values = try Self.values(features, lengths: lengths, config: config, geometry: geometry)
        gold = values.gold
        utilities = values.utilities
        componentRewards = values.components
        utilityMedians = Self.medians(utilities, rows: config.groups * p, k: k)
        goldMedians = Self.medians(gold, rows: p, k: k)
        gradeThresholds = Self.quantiles(Array(gold[0..<(config.prompts * k)]), count: config.grades)
    }

    /// A·x for every prompt, P_all × d_q.
    static func promptMeans(_ x: [Double], config: Config, map: [Double]) throws(TensorError) -> [Double] {
        let xs = try Tensor(x, shape: [config.totalPrompts, config.promptDim], dtype: .f64)
        let a = try Tensor(map, shape: [config.featureDim, config.promptDim], dtype: .f64)
        return try xs.matmul(try a.transposed()).scalars
    }

    /// The candidate indices of prompt `p`: p·K ..< (p+1)·K.
    public func candidateRange(prompt p: Int) -> Range<Int> {
        (p * config.candidates)..<((p + 1) * config.candidates)
    }

    /// The prompts of a split: train 0..<P_train, test P_train..<P_all.
    public func prompts(_ split: Split) -> Range<Int> {
        split == .train ? 0..<config.prompts : config.prompts..<config.totalPrompts
    }

    /// Training or held-out prompts.
    public enum Split: String, Sendable, CaseIterable { case train, test }

    /// The style coordinates (u, v) = (cos θ, sin θ) of a candidate.
    public func style(_ i: Int) -> (u: Double, v: Double) {
        (cos(styleAngles[i]), sin(styleAngles[i]))
    }

    /// The grade of a gold value: the number of thresholds it reaches, 0…grades−1.
    public func grade(_ r: Double) -> Int {
        var lo = 0, hi = gradeThresholds.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if r >= gradeThresholds[mid] { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The median of each consecutive block of `k` values (the mean of the two middle values
    /// when k is even), by selection rather than sorting: O(k) per block.
    static func medians(_ values: [Double], rows: Int, k: Int) -> [Double] {
        var block = [Double](repeating: 0, count: k)
        return (0..<rows).map { r in
            for j in 0..<k { block[j] = values[r * k + j] }
            let upper = select(&block, k / 2)
            guard k % 2 == 0 else { return upper }
            // After selection everything left of k/2 is ≤ it, so the lower middle is their max.
            var lower = -Double.infinity
            for j in 0..<(k / 2) { lower = Swift.max(lower, block[j]) }
            return (lower + upper) / 2
        }
    }

    /// The element of rank `n` (0-based) of `a`, by Hoare's selection with a median-of-three
    /// pivot; `a` is partitioned around it.
    static func select(_ a: inout [Double], _ n: Int) -> Double {
        var lo = 0, hi = a.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                // The bounds checks only matter for NaN, which the knob limits keep out.
                while i < hi && a[i] < pivot { i += 1 }
                while j > lo && a[j] > pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if n <= j { hi = j } else if n >= i { lo = i } else { return a[n] }
        }
        return a[n]
    }

    /// The sample quantiles at i/count, i = 1…count−1 (linear interpolation, NumPy's default).
    static func quantiles(_ values: [Double], count: Int) -> [Double] {
        let sorted = values.sorted()
        return (1..<count).map { i in
            let position = Double(i) / Double(count) * Double(sorted.count - 1)
            let lo = Int(position), frac = position - Double(lo)
            return lo + 1 < sorted.count ? sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]) : sorted[lo]
        }
    }
}
