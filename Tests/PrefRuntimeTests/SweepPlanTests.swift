import PrefRuntime
import Testing

/// `pref sweep`'s grid and seeds: the product in order, and clear errors for bad flags.
@Suite("sweep plans") struct SweepPlanTests {
    @Test func theFirstGridVariesSlowestAndSeedsFastest() throws {
        let plan = try SweepPlan(grids: ["beta=0.05,0.1", "lr=1e-3,1e-2,x"], seeds: "1..2")
        #expect(plan.points.count == 12)
        #expect(plan.points[0].runArguments == ["--set", "beta=0.05", "--set", "lr=1e-3", "--seed", "1"])
        #expect(plan.points[1].runArguments == ["--set", "beta=0.05", "--set", "lr=1e-3", "--seed", "2"])
        #expect(plan.points[11].runArguments == ["--set", "beta=0.1", "--set", "lr=x", "--seed", "2"])
        #expect(plan.points.map(\.number) == Array(1...12))
        #expect(try SweepPlan(grids: [], seeds: nil).points.map(\.seed) == [0])
        #expect(try SweepPlan(grids: [], seeds: "5,3").points.map(\.seed) == [5, 3])
    }

    @Test(arguments: [
        (["beta"], nil, "--grid expects name=v1,v2,…, got 'beta'"),
        (["beta=1,,2"], nil, "--grid beta: empty value in 'beta=1,,2'"),
        (["beta=1", "beta=2"], nil, "--grid beta is given twice"),
        ([], "3..1", "--seeds expects A..B or a,b,c (whole numbers ≥ 0), got '3..1'"),
        ([], "1,x", "--seeds expects A..B or a,b,c (whole numbers ≥ 0), got '1,x'"),
    ] as [([String], String?, String)])
    func badFlagsSayWhy(_ grids: [String], _ seeds: String?, _ message: String) {
        #expect(throws: SweepPlan.ParseError.self) { try SweepPlan(grids: grids, seeds: seeds) }
        do { _ = try SweepPlan(grids: grids, seeds: seeds) } catch { #expect(error.message == message) }
    }
}
