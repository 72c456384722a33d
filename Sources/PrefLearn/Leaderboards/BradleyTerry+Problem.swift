import Foundation

extension BradleyTerry {
    /// A validated fitting problem: a likelihood over K item log-strengths (and possibly δ),
    /// which coordinates are free, and how the result is identified (the reference at 0, or
    /// centred). `bradley_terry` and `plackett_luce` share it.
    struct Problem<Model: LogLikelihood> {
        let items: [String]
        let options: Options
        let model: Model
        var newton: NewtonMaximizer
        /// The saturated log-likelihood for the deviance; nil: the deviance is −2ℓ.
        let saturated: (Model) -> Double?
        let comparisons: Double
        let droppedTies: Double

        /// Checks the options against the items; `connected` is Ford's condition (checked only
        /// without a prior, since the ridge makes the estimate exist).
        init(items: [String], options: Options, model: Model, comparisons: Double, droppedTies: Double = 0,
             connected: () throws(DataError) -> Void, saturated: @escaping (Model) -> Double?) throws(DataError) {
            guard items.count >= 2 else {
                throw DataError("a leaderboard needs at least 2 items, got \(items.count)", hint: "load comparisons between items")
            }
            guard options.prior >= 0, options.prior.isFinite else {
                throw DataError("prior must be a finite number ≥ 0, got \(options.prior)", hint: "a small ridge such as prior: 0.01")
            }
            guard options.tolerance > 0, options.maxIterations >= 1 else {
                throw DataError("tolerance must be > 0 and max_iter ≥ 1")
            }
            var reference: Int?
            if let name = options.reference {
                guard let r = items.firstIndex(of: name) else {
                    throw DataError("reference \(quoted(name)) is not one of the \(items.count) items",
                                    hint: "items: " + items.prefix(8).joined(separator: ", ") + (items.count > 8 ? ", …" : ""))
                }
                reference = r
            }
            if options.prior == 0 { try connected() }
            self.items = items
            self.options = options
            self.model = model
            self.saturated = saturated
            self.comparisons = comparisons
            self.droppedTies = droppedTies
            // Without a reference or a prior, item 0 is pinned during the fit and the result centred.
            let pin = reference ?? (options.prior == 0 ? 0 : nil)
            var ridge = [Double](repeating: options.prior, count: model.dimension)
            for i in items.count..<model.dimension { ridge[i] = 0 }
            newton = NewtonMaximizer(free: (0..<model.dimension).filter { $0 != pin }, ridge: ridge,
                                     tolerance: options.tolerance, maxIterations: options.maxIterations)
        }

        /// The same problem with another model of the same shape (a bootstrap resample).
        init(_ p: Problem, model: Model) {
            items = p.items; options = p.options; newton = p.newton; saturated = p.saturated
            comparisons = p.comparisons; droppedTies = p.droppedTies
            self.model = model
        }

        /// Runs Newton from `start` (the model's starting point when nil), converting its failures
        /// to data errors.
        func solve(start: [Double]?) throws(DataError) -> NewtonMaximizer.Result {
            do {
                return try newton.maximize(model, start: start ?? startingPoint())
            } catch NewtonMaximizer.Failure.notConverged(let r) {
                throw DataError("Newton's method did not converge in \(r.iterations) iterations (tolerance \(options.tolerance))",
                                hint: options.home ? "a home side that always wins or always loses has no finite advantage; raise max_iter or add prior:"
                                                   : "raise max_iter, loosen tolerance, or add prior: 0.01")
            } catch {
                throw DataError("the information matrix is singular at the estimate", hint: "add prior: 0.01 (a small ridge)")
            }
        }

        /// The model's starting point with the item coordinates shifted so that the pinned item (a
        /// fixed coordinate, which Newton never moves) is at 0; the likelihood sees only differences.
        func startingPoint() -> [Double] {
            var start = model.startingPoint()
            let pinned = Set(0..<items.count).subtracting(newton.free)
            if let p = pinned.first {
                let shift = start[p]
                for i in 0..<items.count { start[i] -= shift }
            }
            return start
        }

        /// The log-strengths in the reported parametrisation (reference at 0, or centred).
        func abilities(_ beta: [Double]) -> [Double] {
            let theta = Array(beta.prefix(items.count))
            guard options.reference == nil else { return theta }
            let mean = theta.reduce(0, +) / Double(theta.count)
            return theta.map { $0 - mean }
        }

        func summary(_ r: NewtonMaximizer.Result) throws(DataError) -> Fit {
            let k = items.count, n = model.dimension
            // diag(V) and, for the centred errors, V·u (u = 1 on the K items): n³/3 flops for the
            // triangular inverse where the full V would cost twice that. V is zero for the pinned item.
            let diagonal: [Double], rowSums: [Double]
            do {
                diagonal = try r.covarianceDiagonal()
                rowSums = options.reference == nil ? try r.covarianceTimes((0..<n).map { $0 < k ? 1 : 0 }) : []
            } catch {
                throw DataError("the information matrix is singular at the estimate", hint: "add prior: 0.01 (a small ridge)")
            }
            let se = options.reference == nil ? Problem.centredErrors(diagonal: diagonal, rowSums: rowSums, k)
                                              : (0..<k).map { diagonal[$0].squareRoot() }
            let loglik = r.logLikelihood
            let parameters = model.dimension - 1
            let extra = model.dimension > k
            return Fit(items: items, abilities: abilities(r.beta), standardErrors: se,
                       homeAdvantage: extra ? r.beta[k] : nil,
                       homeStandardError: extra ? diagonal[k].squareRoot() : nil,
                       logLikelihood: loglik, deviance: 2 * ((saturated(model) ?? 0) - loglik), aic: -2 * loglik + 2 * Double(parameters),
                       parameters: parameters, iterations: r.iterations, comparisons: comparisons,
                       droppedTies: droppedTies, reference: options.reference, prior: options.prior, bootstrap: nil)
        }

        /// √diag(P·V·P), P = I − 11ᵀ/K, over the leading K×K block of V, from its diagonal and
        /// its row sums over that block: (PVP)ᵢᵢ = Vᵢᵢ − 2·mean_j Vᵢⱼ + mean_jl Vⱼₗ.
        static func centredErrors(diagonal: [Double], rowSums: [Double], _ k: Int) -> [Double] {
            let n = Double(k)
            let rowMeans = rowSums.prefix(k).map { $0 / n }
            let grand = rowMeans.reduce(0, +) / n
            return (0..<k).map { i in Swift.max(diagonal[i] - 2 * rowMeans[i] + grand, 0).squareRoot() }
        }
    }

    /// The Bradley–Terry problem of aggregated comparisons.
    static func problem(_ counts: PairedCounts, options: Options) throws(DataError) -> Problem<BradleyTerryLikelihood> {
        if options.home && !counts.hasVenues {
            throw DataError("home: true needs comparisons with a home field", hint: "add a \"home\" column naming the item at home")
        }
        return try Problem(items: counts.items, options: options, model: BradleyTerryLikelihood(counts: counts, home: options.home),
                           comparisons: counts.comparisons, droppedTies: counts.droppedTies,
                           connected: { () throws(DataError) in try checkConnected(WinGraph(counts), items: counts.items) },
                           saturated: { $0.saturated })
    }

    /// Ford's condition; the error names the strongly connected groups.
    static func checkConnected(_ graph: WinGraph, items: [String]) throws(DataError) {
        let groups = graph.components()
        guard groups.count > 1 else { return }
        let shown = groups.prefix(6).map { g in "{" + g.prefix(5).map { items[$0] }.joined(separator: ", ") + (g.count > 5 ? ", … \(g.count - 5) more" : "") + "}" }
        throw DataError("the maximum-likelihood estimate does not exist: the win graph is not strongly connected; "
                            + "\(groups.count) groups win only within or only against each other: " + shown.joined(separator: ", ")
                            + (groups.count > 6 ? ", … \(groups.count - 6) more" : ""),
                        hint: "pass prior: 0.01 (a small ridge) for finite estimates, or collect comparisons across the groups")
    }
}
