/// The points of `pref sweep`: the Cartesian product of the `--grid` values (the first grid
/// varies slowest), each run once per seed of `--seeds`.
public struct SweepPlan: Sendable {
    public struct Point: Sendable {
        /// 1-based, in plan order; the point's directory is `point-NNN`.
        public var number: Int
        /// name → value text, as given to `--set`.
        public var params: [(String, String)]
        public var seed: UInt64

        /// The arguments of `pref run` after the script.
        public var runArguments: [String] {
            params.flatMap { ["--set", "\($0)=\($1)"] } + ["--seed", "\(seed)"]
        }
    }

    public struct ParseError: Error, Sendable {
        public var message: String
    }

    public var grids: [(String, [String])]
    public var seeds: [UInt64]
    public var points: [Point]

    /// `grids`: `name=v1,v2,…` each; `seeds`: `A..B` (inclusive) or `a,b,c`, or nil for seed 0.
    public init(grids: [String], seeds: String?) throws(ParseError) {
        var parsed = [(String, [String])]()
        for g in grids {
            guard let eq = g.firstIndex(of: "="), eq != g.startIndex else {
                throw ParseError(message: "--grid expects name=v1,v2,…, got '\(g)'")
            }
            let name = String(g[..<eq])
            let values = g[g.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !values.contains(where: \.isEmpty) else { throw ParseError(message: "--grid \(name): empty value in '\(g)'") }
            guard !parsed.contains(where: { $0.0 == name }) else { throw ParseError(message: "--grid \(name) is given twice") }
            parsed.append((name, values))
        }
        self.grids = parsed
        self.seeds = try SweepPlan.seeds(seeds)
        var combinations: [[(String, String)]] = [[]]
        for (name, values) in parsed {
            combinations = combinations.flatMap { prefix in values.map { prefix + [(name, $0)] } }
        }
        var points = [Point]()
        for params in combinations {
            for seed in self.seeds { points.append(Point(number: points.count + 1, params: params, seed: seed)) }
        }
        guard points.count <= 100_000 else { throw ParseError(message: "the sweep has \(points.count) points; at most 100000") }
        self.points = points
    }

    static func seeds(_ text: String?) throws(ParseError) -> [UInt64] {
        guard let text else { return [0] }
        let bad = ParseError(message: "--seeds expects A..B or a,b,c (whole numbers ≥ 0), got '\(text)'")
        let ends = text.components(separatedBy: "..")
        if ends.count == 2 {
            guard let a = UInt64(ends[0]), let b = UInt64(ends[1]), a <= b, b - a < 100_000 else { throw bad }
            return Array(a...b)
        }
        let list = text.split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0) }
        guard !list.isEmpty, list.allSatisfy({ $0 != nil }) else { throw bad }
        return list.compactMap { $0 }
    }
}
