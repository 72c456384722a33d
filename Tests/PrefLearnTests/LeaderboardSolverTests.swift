import Foundation
import Testing
import _PrefTestSupport
import PrefCore
@testable import PrefLearn

/// The leaderboard solver's shortcuts against the plain computations they replace: standard
/// errors from the diagonal of the inverse (and V·1 for the centred ones) against the full
/// inverse, Newton steps by conjugate gradients against Cholesky steps, and the log-odds start
/// against starting from zeros.
@Suite("Leaderboard solver") struct LeaderboardSolverTests {
    /// `rows` comparisons of uniformly drawn distinct pairs among `items` items with log-strengths
    /// ~ uniform(−2, 2), winners drawn from σ(θᵢ − θⱼ); every `tieEvery`-th row a tie, a home side
    /// on every third row when `home`.
    static func arena(items: Int, rows: Int, seed: UInt64, home: Bool = false, tieEvery: Int = 0) -> [ComparisonRow] {
        var random = SplitMix64(seed: seed)
        let theta = (0..<items).map { _ in 4 * random.uniform() - 2 }
        let name = { (i: Int) in "item\(i)" }
        return (0..<rows).map { r in
            let a = random.below(items), b = (a + 1 + random.below(items - 1)) % items
            let first = random.uniform() < 1 / (1 + exp(theta[b] - theta[a]))
            let (w, l) = first ? (a, b) : (b, a)
            return ComparisonRow(winner: name(w), loser: name(l), tie: tieEvery > 0 && r % tieEvery == 0,
                                 home: home && r % 3 == 0 ? name(a) : nil)
        }
    }

    /// A cycle 0 → 1 → … → K−1 → 0 won both ways, plus a few chords: strongly connected but
    /// with an information matrix far from the identity after Jacobi scaling (a ring Laplacian).
    static func ring(items: Int) -> [ComparisonRow] {
        var rows = [ComparisonRow]()
        for i in 0..<items {
            let j = (i + 1) % items
            rows += [ComparisonRow(winner: "r\(i)", loser: "r\(j)", count: 3), ComparisonRow(winner: "r\(j)", loser: "r\(i)")]
        }
        rows.append(ComparisonRow(winner: "r0", loser: "r\(items / 2)"))
        return rows
    }

    static func problem(_ rows: [ComparisonRow], _ options: BradleyTerry.Options, iterativeFrom: Int) throws -> BradleyTerry.Problem<BradleyTerryLikelihood> {
        var p = try BradleyTerry.problem(try PairedCounts(rows, ties: options.ties), options: options)
        p.newton.iterativeFrom = iterativeFrom
        return p
    }

    static func maxRelative(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / Swift.max(abs($1), 1e-300) }.max() ?? 0
    }

    @Test(arguments: [false, true]) func diagonalOfTheInverseMatchesTheFullInverse(home: Bool) throws {
        var options = BradleyTerry.Options()
        options.home = home
        let p = try Self.problem(Self.arena(items: 60, rows: 3000, seed: 7, home: home, tieEvery: 11), options, iterativeFrom: .max)
        let r = try p.solve(start: nil)
        let n = p.model.dimension, k = p.items.count
        let full = try r.covariance()
        let diagonal = try r.covarianceDiagonal()
        #expect(Self.maxRelative(diagonal, (0..<n).map { full[$0 * n + $0] }) < 1e-12)
        #expect(diagonal[0] == 0 && diagonal[1] > 0, "the pinned item has no variance")
        // The centred errors from diag(V) and V·u against √diag(P·V·P) formed from the full V.
        let rowSums = try r.covarianceTimes((0..<n).map { $0 < k ? 1 : 0 })
        let fromFull = (0..<k).map { i in (0..<k).reduce(0) { $0 + full[i * n + $1] } }
        #expect(Self.maxRelative(rowSums, fromFull) < 1e-12 || zip(rowSums, fromFull).allSatisfy { abs($0 - $1) < 1e-15 })
        var centring = [Double](repeating: -1 / Double(k), count: k * k)
        for i in 0..<k { centring[i * k + i] += 1 }
        let block = (0..<k).flatMap { i in (0..<k).map { full[i * n + $0] } }
        let pvp = matmul(matmul(centring, block, k), centring, k)
        let expected = (0..<k).map { pvp[$0 * k + $0].squareRoot() }
        let fit = try p.summary(r)
        #expect(Self.maxRelative(fit.standardErrors, expected) < 1e-12)
        if home { #expect(abs((fit.homeStandardError ?? 0) - full[k * n + k].squareRoot()) < 1e-12 * full[k * n + k].squareRoot()) }
    }

    @Test func conjugateGradientStepsGiveTheCholeskyFit() throws {
        // 300 items, most pairs compared about once: CG takes every step.
        let rows = Self.arena(items: 300, rows: 40000, seed: 11, tieEvery: 7)
        var options = BradleyTerry.Options()
        options.reference = "item3"
        let direct = try Self.problem(rows, options, iterativeFrom: .max)
        let iterative = try Self.problem(rows, options, iterativeFrom: 0)
        let a = try direct.solve(start: nil), b = try iterative.solve(start: nil)
        #expect(a.iterativeSteps == 0 && b.iterativeSteps == b.iterations && b.iterations == a.iterations)
        #expect(zip(a.beta, b.beta).allSatisfy { abs($0 - $1) < 1e-10 })
        let fa = try direct.summary(a), fb = try iterative.summary(b)
        #expect(Self.maxRelative(Array(fb.standardErrors.dropFirst()), Array(fa.standardErrors.dropFirst())) < 1e-9)
        #expect(abs(fa.logLikelihood - fb.logLikelihood) < 1e-9 * abs(fa.logLikelihood))
    }

    @Test func anIllConditionedGraphFallsBackToCholesky() throws {
        // A ring of 400: Jacobi CG needs far more than its cap, so every step is Cholesky's.
        let rows = Self.ring(items: 400)
        let options = BradleyTerry.Options()
        let direct = try Self.problem(rows, options, iterativeFrom: .max)
        let iterative = try Self.problem(rows, options, iterativeFrom: 0)
        let a = try direct.solve(start: nil), b = try iterative.solve(start: nil)
        #expect(b.iterativeSteps == 0 && a.iterations == b.iterations)
        #expect(zip(a.beta, b.beta).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func conjugateGradientSolvesAndRefuses() throws {
        // A = BᵀB + I (upper triangle only, the lower left garbage), b random.
        let n = 40
        var random = SplitMix64(seed: 5)
        let m = (0..<n * n).map { _ in random.uniform() - 0.5 }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                a[i * n + j] = (0..<n).reduce(i == j ? 1.0 : 0) { $0 + m[$1 * n + i] * m[$1 * n + j] }
            }
            for j in 0..<i { a[i * n + j] = 1e6 }
        }
        let b = (0..<n).map { _ in random.uniform() }
        let x = try #require(ConjugateGradient.solve(a, b, n: n, tolerance: 1e-13, maxIterations: 200))
        var factor = a, y = b
        for i in 0..<n { for j in 0..<i { factor[i * n + j] = 0 } }
        #expect(try BLAS.choleskySolve(&factor, &y, n: n))
        #expect(zip(x, y).allSatisfy { abs($0 - $1) <= 1e-10 * Swift.max(abs($1), 1) })
        #expect(ConjugateGradient.solve(a, b, n: n, tolerance: 1e-13, maxIterations: 2) == nil, "capped")
        var indefinite = a
        indefinite[0] = -1
        #expect(ConjugateGradient.solve(indefinite, b, n: n, tolerance: 1e-13, maxIterations: 200) == nil, "not positive definite")
        #expect(ConjugateGradient.solve(a, [Double](repeating: 0, count: n), n: n, tolerance: 1e-13, maxIterations: 1) == [Double](repeating: 0, count: n))
    }

    @Test func theLogOddsStartSavesIterationsAndReachesTheSameEstimate() throws {
        let rows = Self.arena(items: 200, rows: 40000, seed: 3)
        let p = try Self.problem(rows, BradleyTerry.Options(), iterativeFrom: .max)
        let fromLogOdds = try p.solve(start: nil)
        let fromZero = try p.solve(start: [Double](repeating: 0, count: p.model.dimension))
        #expect(fromLogOdds.iterations < fromZero.iterations, "\(fromLogOdds.iterations) vs \(fromZero.iterations)")
        #expect(zip(fromLogOdds.beta, fromZero.beta).allSatisfy { abs($0 - $1) < 1e-10 })
        #expect(p.startingPoint()[0] == 0, "the pinned item starts at 0")
    }

    /// k×k row-major product.
    func matmul(_ a: [Double], _ b: [Double], _ k: Int) -> [Double] {
        (0..<k * k).map { e in (0..<k).reduce(0) { $0 + a[e / k * k + $1] * b[$1 * k + e % k] } }
    }
}
