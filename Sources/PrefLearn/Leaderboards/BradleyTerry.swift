import Foundation

/// Item leaderboards by maximum likelihood (Bradley & Terry 1952): P(i beats j) = σ(θᵢ − θⱼ + δz)
/// with log-strengths θ and, optionally, a home advantage δ (Agresti 2002, §10.6).
///
/// The θ are identified by fixing the reference item at 0, or, without one, by centring
/// (Σθ = 0; the standard errors are then those of the centred contrasts, P·V·P with
/// P = I − 11ᵀ/K, as R's BradleyTerry2 reports under sum-to-zero contrasts). The estimate
/// exists exactly when the win graph is strongly connected (Ford 1957); otherwise the fit
/// names the groups, and a ridge `prior` λ (maximising ℓ − λ/2·Σθ²) makes it exist.
public enum BradleyTerry {
    public struct Options: Sendable {
        public var reference: String?
        public var ties: PairedCounts.TieRule = .half
        public var home = false
        /// λ ≥ 0 of the ridge penalty λ/2·Σθ² on the log-strengths (not on δ).
        public var prior = 0.0
        public var tolerance = 1e-10
        public var maxIterations = 100
        public init() {}
    }

    /// A fitted leaderboard: per item (in `items` order) the log-strength and its standard error
    /// from the observed information.
    public struct Fit: Sendable {
        public var items: [String]
        public var abilities: [Double]
        public var standardErrors: [Double]
        public var homeAdvantage: Double?
        public var homeStandardError: Double?
        /// ℓ = Σ over comparisons of log P(outcome) (a half-win tie: ½ log p + ½ log(1 − p)).
        public var logLikelihood: Double
        /// 2(ℓ_saturated − ℓ), the saturated model fitting one probability per pair and venue.
        public var deviance: Double
        /// −2ℓ + 2k with k = the free parameters (K − 1, plus δ).
        public var aic: Double
        public var parameters: Int
        public var iterations: Int
        public var comparisons: Double
        public var droppedTies: Double
        public var reference: String?
        public var prior: Double
        /// Percentile bootstrap intervals, when requested.
        public var bootstrap: BootstrapIntervals?
    }

    /// Fits the model to comparison rows.
    public static func fit(_ rows: [ComparisonRow], options: Options = Options()) throws(DataError) -> Fit {
        try fit(try PairedCounts(rows, ties: options.ties), options: options)
    }

    /// Fits the model to aggregated comparisons.
    public static func fit(_ counts: PairedCounts, options: Options) throws(DataError) -> Fit {
        let problem = try problem(counts, options: options)
        let result = try problem.solve(start: nil)
        return try problem.summary(result)
    }
}
