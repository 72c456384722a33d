import PrefCore

/// Nelder–Mead simplex minimisation of f: Rⁿ → R without gradients (Nelder & Mead 1965; the
/// ordering of spec algorithms.md §1.4, as in the constrained-RLHF reference code's
/// `NelderMeadTrainer`). One iteration on a simplex x_0…x_n sorted by value (best first):
///
///     c   = mean of x_0…x_{n−1}                      (centroid of all but the worst)
///     x_r = c + α(c − x_n)                            reflect:  keep if f(x_0) ≤ f(x_r) < f(x_{n−1})
///     x_e = c + γ(x_r − c)                            expand (f(x_r) < f(x_0)): keep the better of x_e, x_r
///     x_c = c + ρ(x_n − c)                            contract toward the worst: keep if f(x_c) < f(x_n)
///     x_i = x_0 + σ(x_i − x_0), i = 1…n               shrink toward the best otherwise
///
/// with the standard α = 1, γ = 2, ρ = 0.5, σ = 0.5. It stops when the population standard
/// deviation of the n + 1 values falls below `tolerance` (the reference code's rule), or when
/// `maxIterations` iterations or `maxEvaluations` calls of f are spent, or f throws `Stop`. A NaN value counts as +∞,
/// so it is always the worst. With `cacheTolerance` a point within that distance of an already
/// evaluated point in every coordinate reuses the value of the nearest such point instead of calling f (§1.4: NM-PPO's
/// evaluations are non-stationary, so revisiting a vertex must not re-run training).
public struct NelderMead: Sendable {
    public var reflection = 1.0
    public var expansion = 2.0
    public var contraction = 0.5
    public var shrink = 0.5
    public var tolerance = 1e-8
    public var maxIterations = 200
    public var maxEvaluations: Int? = nil
    public var cacheTolerance: Double? = nil

    public init() {}

    /// Thrown by f to end the search early (a spent step budget): `minimize` then returns the
    /// best point evaluated so far, not converged.
    public struct Stop: Error {
        public init() {}
    }

    /// What an iteration did.
    public enum Move: String, Sendable {
        case initial, reflect, expand, contract, shrink
    }

    /// One call of f (or a cache hit), in order.
    public struct Evaluation: Sendable {
        public let point: [Double]
        public let value: Double
        /// True when the value came from the cache, not from f.
        public let cached: Bool
        /// The iteration that asked for it (0: the initial simplex).
        public let iteration: Int
    }

    /// The simplex after an iteration, sorted best first.
    public struct Iteration: Sendable {
        public let index: Int
        public let move: Move
        public let simplex: [[Double]]
        public let values: [Double]
        /// The population standard deviation of `values`, compared with the tolerance.
        public let spread: Double
    }

    public struct Result: Sendable {
        /// The best vertex and its value.
        public let point: [Double]
        public let value: Double
        public let iterations: Int
        /// Calls of f (cache hits not counted).
        public let evaluations: Int
        /// True when the spread fell below the tolerance.
        public let converged: Bool
        /// The simplex after the initial evaluation and after every iteration.
        public let path: [Iteration]
        public let log: [Evaluation]
    }

    /// The axis-aligned start: x0 and x0 + step_i·e_i, i = 1…n.
    public static func simplex(around x0: [Double], step: [Double]) -> [[Double]] {
        [x0] + x0.indices.map { i in
            var v = x0
            v[i] += step[i]
            return v
        }
    }

    /// Checks the options and a start simplex of n + 1 finite points in Rⁿ, n ≥ 1.
    public func validate(_ simplex: [[Double]]) throws(TensorError) {
        let n = simplex.first?.count ?? 0
        guard n >= 1 else { throw TensorError(op: "nelder_mead", "the points need at least 1 coordinate") }
        guard simplex.allSatisfy({ $0.count == n }) else {
            throw TensorError(op: "nelder_mead", "the simplex's points have different numbers of coordinates")
        }
        guard simplex.count == n + 1 else {
            throw TensorError(op: "nelder_mead", "a simplex in \(n) dimensions needs \(n + 1) points, got \(simplex.count)",
                              hint: "give n + 1 points of n numbers")
        }
        guard simplex.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw TensorError(op: "nelder_mead", "the simplex's coordinates must be finite") }
        guard maxIterations >= 0, (maxEvaluations ?? 0) >= 0 else { throw TensorError(op: "nelder_mead", "the budgets must be ≥ 0") }
        guard tolerance >= 0, tolerance.isFinite else { throw TensorError(op: "nelder_mead", "the tolerance must be a finite number ≥ 0") }
        if let c = cacheTolerance, !(c >= 0 && c.isFinite) { throw TensorError(op: "nelder_mead", "the cache tolerance must be a finite number ≥ 0") }
        for v in simplex.indices {
            for w in simplex.indices where w < v && simplex[v] == simplex[w] {
                throw TensorError(op: "nelder_mead", "the simplex has the point \(simplex[v]) twice", hint: "use a non-zero step in every coordinate")
            }
        }
    }

    /// Minimises f from `simplex` (n + 1 points in Rⁿ; see `simplex(around:step:)`). Errors of
    /// f propagate unchanged.
    public func minimize(_ f: ([Double]) throws -> Double, simplex start: [[Double]]) throws -> Result {
        try validate(start)
        return try withoutActuallyEscaping(f) { f in
            var search = Search(options: self, f: f)
            return try search.run(start)
        }
    }
}

/// The state of one minimisation: the evaluation log (also the cache), counters and path.
private struct Search {
    let options: NelderMead
    let f: ([Double]) throws -> Double
    var log: [NelderMead.Evaluation] = []
    var calls = 0
    var iteration = 0
    var path: [NelderMead.Iteration] = []

    init(options: NelderMead, f: @escaping ([Double]) throws -> Double) {
        self.options = options
        self.f = f
    }

    /// f(x) through the cache; NaN becomes +∞.
    mutating func value(_ x: [Double]) throws -> Double {
        if let tol = options.cacheTolerance, let hit = nearest(x, within: tol) {
            log.append(.init(point: x, value: hit.value, cached: true, iteration: iteration))
            return hit.value
        }
        let raw = try f(x)
        let v = raw.isNaN ? .infinity : raw
        calls += 1
        log.append(.init(point: x, value: v, cached: false, iteration: iteration))
        return v
    }

    /// The evaluated point closest to x in the largest coordinate difference, if that is ≤ tol.
    func nearest(_ x: [Double], within tol: Double) -> NelderMead.Evaluation? {
        var best: (NelderMead.Evaluation, Double)? = nil
        for e in log where !e.cached {
            let d = zip(e.point, x).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
            if d <= tol, d < (best?.1 ?? .infinity) { best = (e, d) }
        }
        return best?.0
    }

    mutating func run(_ start: [[Double]]) throws -> NelderMead.Result {
        do {
            return try iterate(start)
        } catch is NelderMead.Stop {
            guard let best = log.min(by: { $0.value < $1.value }) else { throw NelderMead.Stop() }
            return .init(point: best.point, value: best.value, iterations: iteration, evaluations: calls, converged: false, path: path, log: log)
        }
    }

    mutating func iterate(_ start: [[Double]]) throws -> NelderMead.Result {
        var simplex = start
        var values = try simplex.map { try value($0) }
        var move = NelderMead.Move.initial
        var converged = false
        let n = simplex.count - 1
        while true {
            let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            let spread = Self.spread(values)
            path.append(.init(index: iteration, move: move, simplex: simplex, values: values, spread: spread))
            if spread < options.tolerance { converged = true; break }
            if iteration >= options.maxIterations { break }
            if let budget = options.maxEvaluations, calls >= budget { break }
            iteration += 1

            let centroid = (0..<n).map { j in (0..<n).reduce(0) { $0 + simplex[$1][j] } / Double(n) }
            let worst = simplex[n]
            let reflected = Self.along(centroid, worst, -options.reflection)
            let fr = try value(reflected)
            if values[0] <= fr && fr < values[n - 1] {
                (simplex[n], values[n], move) = (reflected, fr, .reflect)
                continue
            }
            if fr < values[0] {
                let expanded = Self.along(centroid, reflected, options.expansion)
                let fe = try value(expanded)
                (simplex[n], values[n], move) = fe < fr ? (expanded, fe, .expand) : (reflected, fr, .reflect)
                continue
            }
            let contracted = Self.along(centroid, worst, options.contraction)
            let fc = try value(contracted)
            if fc < values[n] {
                (simplex[n], values[n], move) = (contracted, fc, .contract)
                continue
            }
            for i in 1...n {
                simplex[i] = Self.along(simplex[0], simplex[i], options.shrink)
                values[i] = try value(simplex[i])
            }
            move = .shrink
        }
        return .init(point: simplex[0], value: values[0], iterations: iteration, evaluations: calls, converged: converged,
                     path: path, log: log)
    }

    /// a + t(b − a).
    static func along(_ a: [Double], _ b: [Double], _ t: Double) -> [Double] {
        zip(a, b).map { $0 + t * ($1 - $0) }
    }

    /// The population standard deviation (NaN when a value is infinite).
    static func spread(_ v: [Double]) -> Double {
        let m = v.reduce(0, +) / Double(v.count)
        return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot()
    }
}
