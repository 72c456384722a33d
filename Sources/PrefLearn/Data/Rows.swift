/// A preference pair (TRL's "preference" format): `chosen` was preferred to `rejected` for
/// `prompt`. DPO-style losses and Bradley–Terry reward models read these.
public struct PairRow: Sendable, Hashable, Codable {
    public var prompt: PrefText
    public var chosen: PrefText
    public var rejected: PrefText
    public var scoreChosen: Double?
    public var scoreRejected: Double?
    /// A required reward margin (e.g. from annotator confidence), as in Llama 2's margin loss.
    public var margin: Double?
    public var weight: Double?
    public var annotator: String?
    public var aspect: String?

    public init(prompt: PrefText = .empty, chosen: PrefText, rejected: PrefText, scoreChosen: Double? = nil,
                scoreRejected: Double? = nil, margin: Double? = nil, weight: Double? = nil,
                annotator: String? = nil, aspect: String? = nil) {
        self.prompt = prompt
        self.chosen = chosen
        self.rejected = rejected
        self.scoreChosen = scoreChosen
        self.scoreRejected = scoreRejected
        self.margin = margin
        self.weight = weight
        self.annotator = annotator
        self.aspect = aspect
    }
}

/// One completion with a binary desirability label (TRL's "unpaired preference" format, read by
/// KTO and BCO).
public struct UnpairedRow: Sendable, Hashable, Codable {
    public var prompt: PrefText
    public var completion: PrefText
    public var label: Bool
    public var weight: Double?
    public var annotator: String?

    public init(prompt: PrefText = .empty, completion: PrefText, label: Bool, weight: Double? = nil, annotator: String? = nil) {
        self.prompt = prompt
        self.completion = completion
        self.label = label
        self.weight = weight
        self.annotator = annotator
    }
}

/// Several responses to one prompt with scores (higher is better) or ranks (1 is best), for
/// listwise losses and preference trees. The lists have the same length.
public struct RankedRow: Sendable, Hashable, Codable {
    public var prompt: PrefText
    public var responses: [PrefText]
    public var scores: [Double]?
    public var ranks: [Int]?

    public init(prompt: PrefText = .empty, responses: [PrefText], scores: [Double]? = nil, ranks: [Int]? = nil) {
        self.prompt = prompt
        self.responses = responses
        self.scores = scores
        self.ranks = ranks
    }

    /// Response indices from best to worst: by rank ascending, else by score descending; ties
    /// keep file order. Without either, the file order.
    public var order: [Int] {
        let idx = Array(responses.indices)
        if let ranks = validRanks { return idx.sorted { (ranks[$0], $0) < (ranks[$1], $1) } }
        if let scores = validScores { return idx.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 } }
        return idx
    }

    /// The ranks when there is one per response (rows built in Swift may disagree).
    public var validRanks: [Int]? { ranks.flatMap { $0.count == responses.count ? $0 : nil } }
    /// The scores when there is one per response.
    public var validScores: [Double]? { scores.flatMap { $0.count == responses.count ? $0 : nil } }
}

/// A score for one aspect of a response ("helpfulness": 4).
public struct AspectScore: Sendable, Hashable, Codable {
    public var aspect: String
    public var score: Double

    public init(_ aspect: String, _ score: Double) {
        self.aspect = aspect
        self.score = score
    }
}

/// One response rated on one or more aspects, possibly by a named annotator (multi-objective and
/// pluralistic reward models).
public struct RatingRow: Sendable, Hashable, Codable {
    public var prompt: PrefText
    public var response: PrefText
    /// In file order.
    public var scores: [AspectScore]
    public var annotator: String?

    public init(prompt: PrefText = .empty, response: PrefText, scores: [AspectScore], annotator: String? = nil) {
        self.prompt = prompt
        self.response = response
        self.scores = scores
        self.annotator = annotator
    }

    /// The score of `aspect`, or nil when the row has none.
    public func score(_ aspect: String) -> Double? { scores.first { $0.aspect == aspect }?.score }
}

/// A match between two items (models, players) for Bradley–Terry leaderboards: `winner` beat
/// `loser` `count` times, or they tied; `home` names the item with home advantage, if any.
public struct ComparisonRow: Sendable, Hashable, Codable {
    public var winner: String
    public var loser: String
    public var tie: Bool
    public var count: Double
    public var home: String?

    public init(winner: String, loser: String, tie: Bool = false, count: Double = 1, home: String? = nil) {
        self.winner = winner
        self.loser = loser
        self.tie = tie
        self.count = count
        self.home = home
    }
}

/// The log-probs of one unpaired example (KTO, BCO): its completion under the policy and the
/// reference, and, for KTO's reference point, a mismatched completion's (optional).
public struct UnpairedLogps: Sendable, Hashable, Codable {
    public var policy: Double
    public var ref: Double
    public var policyKL: Double?
    public var refKL: Double?
    public init(policy: Double, ref: Double, policyKL: Double? = nil, refKL: Double? = nil) {
        self.policy = policy
        self.ref = ref
        self.policyKL = policyKL
        self.refKL = refKL
    }
}

/// Precomputed sequence log-probabilities of a pair under the policy and the reference, for
/// studying losses without a model. `label` is the probability that chosen is preferred
/// (1 when absent; a bool in the file reads as 1 or 0). An unpaired row (one with
/// `policy_logps`) has `unpaired` set, `label` its desirability, and NaN in the paired fields.
public struct LogpsRow: Sendable, Hashable, Codable {
    public var policyChosen: Double
    public var policyRejected: Double
    public var refChosen: Double
    public var refRejected: Double
    public var chosenLength: Double?
    public var rejectedLength: Double?
    public var label: Double?
    public var weight: Double?
    public var margin: Double?
    /// The unpaired example's log-probs, nil for a pair.
    public var unpaired: UnpairedLogps?

    public init(policyChosen: Double, policyRejected: Double, refChosen: Double, refRejected: Double,
                chosenLength: Double? = nil, rejectedLength: Double? = nil, label: Double? = nil,
                weight: Double? = nil, margin: Double? = nil, unpaired: UnpairedLogps? = nil) {
        self.unpaired = unpaired
        self.policyChosen = policyChosen
        self.policyRejected = policyRejected
        self.refChosen = refChosen
        self.refRejected = refRejected
        self.chosenLength = chosenLength
        self.rejectedLength = rejectedLength
        self.label = label
        self.weight = weight
        self.margin = margin
    }
}
