/// Comparisons aggregated for a Bradley–Terry fit: one group per unordered pair of items and
/// venue (neither at home, the first at home, the second at home), holding each side's wins.
/// Aggregation is O(rows); every fit after it is O(groups), independent of the number of rows.
///
/// A tie counts as half a win for each side (`ties: .half`), or is left out (`.drop`, counted in
/// `droppedTies`). The per-row group and outcome are kept for the bootstrap, which resamples
/// unit comparisons.
public struct PairedCounts: Sendable {
    public enum TieRule: String, Sendable, CaseIterable { case half, drop }

    /// Item names, sorted (the order of every per-item array).
    public var items: [String]
    /// The items of group g: `first[g] < second[g]`.
    public var first: [Int]
    public var second: [Int]
    /// +1: the first item at home; −1: the second; 0: neutral.
    public var venue: [Double]
    public var winsFirst: [Double]
    public var winsSecond: [Double]
    /// The number of comparisons (the sum of counts over kept rows).
    public var comparisons: Double
    public var droppedTies: Double
    /// Per kept row: its group, the first item's share of the outcome (1, 0 or ½) and its count.
    var rowGroup: [Int]
    var rowShare: [Double]
    var rowCount: [Double]

    /// Aggregates comparison rows. Row numbers in errors count from 1.
    public init(_ rows: [ComparisonRow], ties: TieRule = .half) throws(DataError) {
        // Distinct names in first-seen order, then sorted; rows keep their first-seen ids.
        var seen = NameInterner()
        var ids = [Int]()
        ids.reserveCapacity(rows.count * 2)
        // Rows are read in place (rows[n].field) rather than copied out (`for row in rows`), which
        // retained and released each row's strings.
        var venues = false
        for n in rows.indices {
            ids.append(seen.id(rows[n].winner))
            ids.append(seen.id(rows[n].loser))
            if rows[n].home != nil { venues = true }
        }
        let order = seen.names.indices.sorted { seen.names[$0] < seen.names[$1] }
        items = order.map { seen.names[$0] }
        var rank = [Int](repeating: 0, count: order.count)
        for (i, id) in order.enumerated() { rank[id] = i }
        comparisons = 0; droppedTies = 0
        rowShare = []; rowCount = []
        rowShare.reserveCapacity(rows.count); rowCount.reserveCapacity(rows.count)
        var keys = [Int]()
        keys.reserveCapacity(rows.count)
        let k = items.count
        // A key is the pair, times 3 venues only when some row has a home side (a third of the
        // slot table otherwise).
        let sides = venues ? 3 : 1
        for n in rows.indices {
            // Equal names have equal ids: one integer comparison instead of a string comparison.
            guard ids[2 * n] != ids[2 * n + 1] else {
                throw DataError("row \(n + 1): winner and loser are the same item \(quoted(rows[n].winner))",
                                hint: "a comparison needs two different items")
            }
            let count = rows[n].count, tie = rows[n].tie
            guard count.isFinite else { throw DataError("row \(n + 1): count \(count) is not finite") }
            if tie && ties == .drop { droppedTies += count; continue }
            let w = rank[ids[2 * n]], l = rank[ids[2 * n + 1]]
            let (a, b) = w < l ? (w, l) : (l, w)
            var side = venues ? 1 : 0
            if let home = rows[n].home {
                let row = rows[n]
                guard home == row.winner || home == row.loser else {
                    throw DataError("row \(n + 1): home \(quoted(home)) is neither \(quoted(row.winner)) nor \(quoted(row.loser))",
                                    hint: "home names the item that played at home, or is left out for a neutral venue")
                }
                side = home == items[a] ? 2 : 0
            }
            keys.append((a * k + b) * sides + side)
            rowShare.append(tie ? 0.5 : (w == a ? 1.0 : 0.0))
            rowCount.append(count)
            comparisons += count
        }
        // Groups in key order (pair, then venue), so the likelihood walks the information matrix
        // row by row.
        let (groupKeys, groupOfRow) = PairedCounts.groups(keys, space: k * k * sides)
        rowGroup = groupOfRow
        first = groupKeys.map { $0 / sides / k }
        second = groupKeys.map { $0 / sides % k }
        venue = groupKeys.map { venues ? Double($0 % 3 - 1) : 0 }
        winsFirst = [Double](repeating: 0, count: groupKeys.count)
        winsSecond = winsFirst
        for (n, g) in rowGroup.enumerated() {
            winsFirst[g] += rowShare[n] * rowCount[n]
            winsSecond[g] += (1 - rowShare[n]) * rowCount[n]
        }
    }

    /// The distinct keys in ascending order and each row's index among them: through a dense
    /// slot table when the key space is small (two linear passes), else by sorting.
    static func groups(_ keys: [Int], space: Int) -> (keys: [Int], ofRow: [Int]) {
        if space <= 1 << 24 {
            var slot = [Int32](repeating: -1, count: space)
            for key in keys { slot[key] = 0 }
            var distinct = [Int]()
            for s in slot.indices where slot[s] == 0 {
                slot[s] = Int32(distinct.count)
                distinct.append(s)
            }
            return (distinct, keys.map { Int(slot[$0]) })
        }
        let distinct = Array(Set(keys)).sorted()
        var index = [Int: Int](minimumCapacity: distinct.count)
        for (i, key) in distinct.enumerated() { index[key] = i }
        return (distinct, keys.map { index[$0] ?? 0 })
    }

    /// Whether any group has a home side.
    public var hasVenues: Bool { venue.contains { $0 != 0 } }

    /// The same groups with other wins (a bootstrap replicate).
    func with(winsFirst a: [Double], winsSecond b: [Double]) -> PairedCounts {
        var copy = self
        copy.winsFirst = a
        copy.winsSecond = b
        return copy
    }
}

func quoted(_ s: String) -> String { "\"\(s)\"" }
