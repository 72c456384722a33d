import PrefCore

/// Item leaderboards from rankings by maximum likelihood under Plackett–Luce (see
/// `PlackettLuceLikelihood`), identified, checked and reported like `BradleyTerry`: the
/// estimate exists exactly when the graph with an edge from each item to the one ranked just
/// below it is strongly connected (Hunter 2004, assumption 1), else the groups are named and a
/// ridge `prior` makes it exist. The deviance is −2ℓ; `comparisons` counts the rankings.
public enum PlackettLuce {
    /// Rankings as item indices best first, and the item names (sorted), from ranked rows: each
    /// row's responses ordered by rank, else by score. Row numbers in errors count from 1.
    public static func rankings(_ rows: [RankedRow]) throws(DataError) -> (items: [String], rankings: [[Int]]) {
        var names = Set<String>()
        var orders = [[String]]()
        for (n, row) in rows.enumerated() {
            guard row.responses.count >= 2 else {
                throw DataError("row \(n + 1): a ranking needs at least 2 responses, got \(row.responses.count)")
            }
            if let ranks = row.ranks, row.validRanks == nil || Set(ranks).count != ranks.count {
                throw DataError("row \(n + 1): ranks must give each of the \(row.responses.count) responses a different rank", hint: "Plackett–Luce needs a strict order")
            }
            if row.ranks == nil, let scores = row.scores, row.validScores == nil || Set(scores).count != scores.count {
                throw DataError("row \(n + 1): scores must give each of the \(row.responses.count) responses a different score", hint: "Plackett–Luce needs a strict order")
            }
            let order = row.order.map { row.responses[$0].flattened }
            guard Set(order).count == order.count else {
                throw DataError("row \(n + 1): an item appears twice in one ranking")
            }
            names.formUnion(order)
            orders.append(order)
        }
        let items = names.sorted()
        var index = [String: Int]()
        for (i, name) in items.enumerated() { index[name] = i }
        return (items, orders.map { $0.map { index[$0] ?? 0 } })
    }

    /// Fits Plackett–Luce to rankings; `options.home` and `options.ties` do not apply.
    public static func fit(items: [String], rankings: [[Int]], options: BradleyTerry.Options,
                           bootstrap request: BradleyTerry.BootstrapRequest? = nil) throws(DataError) -> BradleyTerry.Fit {
        let weights = [Double](repeating: 1, count: rankings.count)
        let problem = try BradleyTerry.Problem(
            items: items, options: options, model: PlackettLuceLikelihood(rankings: rankings, weights: weights, dimension: items.count),
            comparisons: Double(rankings.count),
            connected: { () throws(DataError) in try BradleyTerry.checkConnected(graph(rankings, weights, items.count), items: items) },
            saturated: { _ in nil })
        guard let request else { return try problem.summary(try problem.solve(start: nil)) }
        try request.validate()
        return try BradleyTerry.bootstrap(problem, request) { random in
            var w = [Double](repeating: 0, count: rankings.count)
            for _ in rankings.indices { w[random.uniformInt(below: rankings.count)] += 1 }
            return (PlackettLuceLikelihood(rankings: rankings, weights: w, dimension: items.count), graph(rankings, w, items.count).components().count == 1)
        }
    }

    /// Edges from each item to the one ranked just below it, in rankings of positive weight.
    static func graph(_ rankings: [[Int]], _ weights: [Double], _ items: Int) -> WinGraph {
        var wins = [(winner: Int, loser: Int)]()
        for (o, w) in zip(rankings, weights) where w > 0 {
            for s in 0..<(o.count - 1) { wins.append((o[s], o[s + 1])) }
        }
        return WinGraph(items: items, wins: wins)
    }
}
