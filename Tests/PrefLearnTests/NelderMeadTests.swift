import Testing
import PrefCore
@testable import PrefLearn

/// Nelder–Mead (spec §1.4): convergence on standard problems, the moves worked by hand, the
/// stopping rules, the cache and the refusals.
@Suite("nelder-mead") struct NelderMeadTests {
    static func rosenbrock(_ x: [Double]) -> Double {
        (1 - x[0]) * (1 - x[0]) + 100 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0])
    }

    @Test func rosenbrockReachesItsMinimum() throws {
        var nm = NelderMead()
        nm.tolerance = 1e-12
        nm.maxIterations = 2000
        let r = try nm.minimize(Self.rosenbrock, simplex: NelderMead.simplex(around: [-1.2, 1], step: [0.1, 0.1]))
        #expect(r.converged)
        #expect(abs(r.point[0] - 1) < 1e-4 && abs(r.point[1] - 1) < 1e-4, "\(r.point)")
        #expect(r.value < 1e-8)
        #expect(r.evaluations == r.log.count)
    }

    @Test(arguments: [1, 2, 5]) func quadraticsInSeveralDimensions(n: Int) throws {
        let centre = (0..<n).map { Double($0) - 1.5 }
        let scale = (0..<n).map { 1 + Double($0) }
        let f = { (x: [Double]) in zip(zip(x, centre), scale).reduce(0) { $0 + $1.1 * ($1.0.0 - $1.0.1) * ($1.0.0 - $1.0.1) } + 3 }
        var nm = NelderMead()
        nm.tolerance = 1e-14
        nm.maxIterations = 5000
        let r = try nm.minimize(f, simplex: NelderMead.simplex(around: [Double](repeating: 2, count: n), step: [Double](repeating: 0.5, count: n)))
        #expect(r.converged)
        #expect(abs(r.value - 3) < 1e-9)
        for (a, b) in zip(r.point, centre) { #expect(abs(a - b) < 1e-4) }
        // The best value never gets worse from one iteration to the next.
        let best = r.path.map { $0.values[0] }
        #expect(zip(best, best.dropFirst()).allSatisfy { $0 >= $1 })
    }

    /// f = x² from [1, 2]: reflect to 0 (the expansion to −1 is worse), then contract to 0.5.
    @Test func movesWorkedByHand() throws {
        var nm = NelderMead()
        nm.maxIterations = 2
        nm.tolerance = 0
        let r = try nm.minimize({ $0[0] * $0[0] }, simplex: [[2], [1]])
        #expect(r.path.map(\.move) == [.initial, .reflect, .contract])
        #expect(r.path[0].simplex == [[1], [2]])
        #expect(r.path[1].simplex == [[0], [1]])
        #expect(r.path[2].simplex == [[0], [0.5]])
        #expect(r.log.map { $0.point[0] } == [2, 1, 0, -1, -1, 0.5])
        #expect(r.iterations == 2 && !r.converged)
    }

    /// Reflection and contraction both worse than the worst: shrink toward the best.
    @Test func shrinksWhenNothingElseHelps() throws {
        var nm = NelderMead()
        nm.maxIterations = 1
        nm.tolerance = 0
        let f = { (x: [Double]) -> Double in x[0] == 0 ? 0 : x[0] == 1 ? 1 : 5 }
        let r = try nm.minimize(f, simplex: [[0], [1]])
        #expect(r.path.map(\.move) == [.initial, .shrink])
        #expect(r.path[1].simplex == [[0], [0.5]])
        #expect(r.path[1].values == [0, 5])
    }

    @Test func stopsOnTheSpreadOfValues() throws {
        var nm = NelderMead()
        nm.tolerance = 0.6
        // Values 0 and 1 have population std 0.5 < 0.6: converged before any iteration.
        let r = try nm.minimize({ $0[0] * $0[0] }, simplex: [[0], [1]])
        #expect(r.converged && r.iterations == 0 && r.evaluations == 2)
    }

    @Test func theEvaluationBudgetStopsIt() throws {
        var nm = NelderMead()
        nm.tolerance = 0
        nm.maxEvaluations = 10
        let r = try nm.minimize(Self.rosenbrock, simplex: NelderMead.simplex(around: [-1.2, 1], step: [0.1, 0.1]))
        #expect(!r.converged)
        #expect(r.evaluations >= 10 && r.evaluations <= 10 + 2)
    }

    /// With a cache, revisits of (nearly) the same point do not call f; the minimum is found
    /// all the same on a function whose values do not change.
    @Test func theCacheReusesNearbyValues() throws {
        var calls = 0
        let f = { (x: [Double]) -> Double in calls += 1; return x[0] * x[0] }
        var nm = NelderMead()
        nm.maxIterations = 2
        nm.tolerance = 0
        nm.cacheTolerance = 0.3
        let r = try nm.minimize(f, simplex: [[2], [1]])
        // As in movesWorkedByHand; the second reflection revisits −1 (the rejected expansion).
        #expect(r.log.map { $0.point[0] } == [2, 1, 0, -1, -1, 0.5])
        #expect(r.log.map(\.cached) == [false, false, false, false, true, false])
        #expect(calls == 5 && r.evaluations == 5)
        #expect(r.log[4].value == 1)
        #expect(r.path.last?.simplex == [[0], [0.5]])
    }

    @Test func nanCountsAsTheWorst() throws {
        var nm = NelderMead()
        nm.maxIterations = 50
        let f = { (x: [Double]) -> Double in x[0] < -0.5 ? .nan : (x[0] - 1) * (x[0] - 1) }
        let r = try nm.minimize(f, simplex: [[0], [0.2]])
        #expect(abs(r.point[0] - 1) < 1e-3)
    }

    @Test(arguments: [
        ([[1.0]], "needs 2 points, got 1"), ([[1, 2], [3, 4]], "needs 3 points, got 2"), ([[1], [1, 2]], "different numbers"),
        ([[], []], "at least 1 coordinate"), ([[1], [1]], "twice"), ([[1], [.infinity]], "finite"),
    ]) func refusesBadSimplices(simplex: [[Double]], message: String) {
        do {
            _ = try NelderMead().minimize({ _ in 0 }, simplex: simplex)
            Issue.record("no error for \(simplex)")
        } catch let e as TensorError {
            #expect(e.message.contains(message), "\(e.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func errorsOfTheFunctionPropagate() {
        struct Boom: Error {}
        #expect(throws: Boom.self) { try NelderMead().minimize({ _ in throw Boom() }, simplex: [[0], [1]]) }
    }
}
