import PrefCore

/// Percentile bootstrap intervals (Efron & Tibshirani 1993, §13.3): the (1 − level)/2 and
/// (1 + level)/2 quantiles (linear interpolation between order statistics, Hyndman & Fan's type
/// 7) of the estimates refitted on B resamples of the unit comparisons, drawn with replacement.
public struct BootstrapIntervals: Sendable {
    public var replicates: Int
    /// Resamples whose estimate does not exist (a win graph not strongly connected) or whose fit
    /// failed; they are left out of the quantiles and reported here.
    public var failures: Int
    public var level: Double
    public var lower: [Double]
    public var upper: [Double]
    public var homeLower: Double?
    public var homeUpper: Double?
}

extension BradleyTerry {
    /// What `fit(_:options:bootstrap:)` resamples: B replicates, the interval level, the stream.
    public struct BootstrapRequest {
        public var replicates: Int
        public var level: Double
        public var random: RandomStream
        public init(replicates: Int, level: Double = 0.95, random: RandomStream) {
            self.replicates = replicates
            self.level = level
            self.random = random
        }

        func validate() throws(DataError) {
            guard replicates >= 2 else { throw DataError("bootstrap needs at least 2 replicates, got \(replicates)") }
            guard level > 0 && level < 1 else { throw DataError("level must be between 0 and 1, got \(level)") }
        }
    }

    /// Fits, then adds percentile intervals from `request.replicates` resamples of the
    /// comparisons (each row's count must be a whole number: a row of count c is c comparisons).
    public static func fit(_ counts: PairedCounts, options: Options, bootstrap request: BootstrapRequest) throws(DataError) -> Fit {
        try request.validate()
        guard counts.rowCount.allSatisfy({ $0 == $0.rounded() }) else {
            throw DataError("bootstrap resamples unit comparisons, so every count must be a whole number", hint: "round the counts, or leave out bootstrap:")
        }
        let cumulative = counts.rowCount.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1) }
        let total = Int(cumulative.last ?? 0)
        return try bootstrap(try problem(counts, options: options), request) { random in
            var a = [Double](repeating: 0, count: counts.first.count), b = a
            for _ in 0..<total {
                let row = upperBound(cumulative, random.uniform() * Double(total))
                let g = counts.rowGroup[row], s = counts.rowShare[row]
                a[g] += s; b[g] += 1 - s
            }
            let resample = counts.with(winsFirst: a, winsSecond: b)
            return (BradleyTerryLikelihood(counts: resample, home: options.home), WinGraph(resample).components().count == 1)
        }
    }

    /// Fits `problem`, then refits `request.replicates` resamples drawn by `resample` (which
    /// also says whether the resample's win graph is strongly connected) from the estimate, and
    /// adds the percentile intervals.
    static func bootstrap<M: LogLikelihood>(_ problem: Problem<M>, _ request: BootstrapRequest,
                                            resample: (inout RandomStream) -> (model: M, connected: Bool)) throws(DataError) -> Fit {
        let estimate = try problem.solve(start: nil)
        var fit = try problem.summary(estimate)
        var random = request.random
        let k = problem.items.count, extra = problem.model.dimension > k
        var draws = [[Double]](repeating: [], count: k), home = [Double](), failures = 0
        for _ in 0..<request.replicates {
            let (model, connected) = resample(&random)
            if problem.options.prior == 0 && !connected { failures += 1; continue }
            let replicate = Problem(problem, model: model)
            guard let r = try? replicate.solve(start: estimate.beta) else { failures += 1; continue }
            for (i, t) in replicate.abilities(r.beta).enumerated() { draws[i].append(t) }
            if extra { home.append(r.beta[k]) }
        }
        guard request.replicates - failures >= 2 else {
            throw DataError("\(failures) of \(request.replicates) bootstrap resamples have no estimate", hint: "add prior: 0.01 (a small ridge)")
        }
        let lo = (1 - request.level) / 2, hi = (1 + request.level) / 2
        fit.bootstrap = BootstrapIntervals(replicates: request.replicates, failures: failures, level: request.level,
                                           lower: draws.map { quantile($0, lo) }, upper: draws.map { quantile($0, hi) },
                                           homeLower: extra ? quantile(home, lo) : nil, homeUpper: extra ? quantile(home, hi) : nil)
        return fit
    }

    /// The first index whose cumulative count exceeds `x`.
    static func upperBound(_ cumulative: [Double], _ x: Double) -> Int {
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Hyndman & Fan's type 7 quantile: x₍ₕ₎ interpolated at h = (n − 1)·q.
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return .nan }
        let h = Double(s.count - 1) * q, i = Int(h.rounded(.down))
        return i + 1 < s.count ? s[i] + (h - Double(i)) * (s[i + 1] - s[i]) : s[i]
    }
}
