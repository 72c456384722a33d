import PrefCore

/// Rows drawn from a `ToyWorld`, column by column. Candidates are global indices p·K + k (see
/// `ToyWorld`), so every exact quantity of a row is one array look-up away; the prompt of a
/// candidate is its index divided by K. `annotator` is the labelling group, −1 for the gold.
public enum ToyRows {
    /// Pairwise labels (§9.3): chosen ≻ rejected. Joint (DOVE) pairs have different prompts.
    public struct Pairs: Sendable, Equatable {
        /// Candidate ids of the preferred and the other response.
        public var chosen: [Int] = []
        public var rejected: [Int] = []
        public var annotator: [Int] = []
        /// Whether label noise ε reversed the annotator's choice.
        public var flipped: [Bool] = []
        /// P(chosen ≻ rejected) under the labelling model, noise included.
        public var probability: [Double] = []
        public var count: Int { chosen.count }
    }

    /// Unpaired (KTO/BCO) labels: desirable or not.
    public struct Unpaired: Sendable, Equatable {
        /// The candidate id, its label, who labelled it, and whether ε reversed the label.
        public var candidate: [Int] = []
        public var desirable: [Bool] = []
        public var annotator: [Int] = []
        public var flipped: [Bool] = []
        public var count: Int { candidate.count }
    }

    /// Ranked lists, best first; `scores` (same order) for judge or grade rankings, nil for an
    /// annotator's Plackett–Luce ranking, which has ranks only.
    public struct Ranked: Sendable, Equatable {
        /// Candidate ids per list, best first.
        public var candidates: [[Int]] = []
        public var scores: [[Double]]? = nil
        /// The labelling group (−1 for judge and grade rankings).
        public var annotator: [Int] = []
        public var count: Int { candidates.count }
    }

    /// Per-aspect ratings of single responses; `scores[a][row]` is aspect `aspects[a]`.
    public struct Ratings: Sendable, Equatable {
        /// The rated candidate ids.
        public var candidate: [Int] = []
        public var aspects: [String] = []
        public var scores: [[Double]] = []
        public var count: Int { candidate.count }
    }

    /// Arena comparisons between responses, aggregated: each distinct (winner, loser, tie)
    /// once with its count, in order of first occurrence. For a tie, winner < loser.
    public struct Comparisons: Sendable, Equatable {
        /// Candidate ids of the winner and the loser.
        public var winner: [Int] = []
        public var loser: [Int] = []
        public var tie: [Bool] = []
        public var count: [Int] = []
        public var rows: Int { winner.count }
    }

    /// Pairs with exact policy and reference log-probabilities of both responses.
    public struct Logps: Sendable, Equatable {
        /// The labelled pairs, then log π and log π_ref of chosen and rejected.
        public var pairs = Pairs()
        public var policyChosen: [Double] = []
        public var policyRejected: [Double] = []
        public var referenceChosen: [Double] = []
        public var referenceRejected: [Double] = []
        public var count: Int { pairs.count }
    }
}

extension ToyWorld {
    /// Who labels each row.
    public enum Labeller: Sendable, Equatable {
        /// A group drawn uniformly per row.
        case randomGroup
        /// One fixed group.
        case group(Int)
        /// Routed by the prompt's cluster: group c(x) mod G.
        case cluster
        /// The gold reward r* itself (still with τ, κ and ε).
        case gold
    }

    /// How graded labels are made (§9.3).
    public enum Grading: String, Sendable, CaseIterable {
        /// The gold's grade 0…grades−1 (quantiles of the training candidates' r*).
        case quantized
        /// A judge's score r* + N(0, σ_judge²).
        case judge
    }

    /// A ranked list's order.
    public enum RankingSource: String, Sendable, CaseIterable {
        /// The annotator's Plackett–Luce ranking: sort u/τ + Gumbel noise.
        case annotator
        /// Sorted by judge score r* + N(0, σ_judge²), scores attached.
        case judge
        /// Sorted by grade, scores (grades) attached; equal grades keep a random order.
        case grade
    }

    /// The judge of a row for prompt `p`, drawing a group when the labeller is random.
    func judge(_ labeller: Labeller, prompt p: Int, rng: inout RandomStream) -> Judge {
        switch labeller {
        case .randomGroup: .group(rng.uniformInt(below: config.groups))
        case .group(let g): .group(g)
        case .cluster: .group(clusters[p] % config.groups)
        case .gold: .gold
        }
    }

    static func annotatorID(_ judge: Judge) -> Int {
        if case .group(let g) = judge { return g }
        return -1
    }

    /// Checks a generator's request: a row count in 0…limit and a group that exists.
    func checkRequest(_ op: String, rows n: Int, labeller: Labeller, split: Split) throws(TensorError) {
        guard (0...Self.maxRows).contains(n) else {
            throw TensorError(op: op, "the number of rows must be between 0 and \(Self.maxRows), got \(n)")
        }
        if case .group(let g) = labeller, !(0..<config.groups).contains(g) {
            throw TensorError(op: op, "group \(g) does not exist", hint: "groups are 0 to \(config.groups - 1)")
        }
        if prompts(split).isEmpty {
            throw TensorError(op: op, "the \(split.rawValue) split has no prompts", hint: "give the world test_prompts > 0")
        }
    }

    /// The most rows one call may generate.
    public static let maxRows = 1 << 22
}
