import PrefLearn

/// Pairs rows column by column: arrays of strings and numbers decode several times faster than
/// as many keyed rows (20,000 toy-world pairs took 1 s as rows in a debug build).
struct CachedPairs: Codable {
    var prompt: [PrefText]
    var chosen: [PrefText]
    var rejected: [PrefText]
    var scoreChosen: [Double?]
    var scoreRejected: [Double?]
    var margin: [Double?]
    var weight: [Double?]
    var annotator: [String?]
    var aspect: [String?]

    init(_ rows: [PairRow]) {
        prompt = rows.map(\.prompt)
        chosen = rows.map(\.chosen)
        rejected = rows.map(\.rejected)
        // An optional column that is empty everywhere is stored as an empty array.
        func column<T>(_ values: [T?]) -> [T?] { values.contains { $0 != nil } ? values : [] }
        scoreChosen = column(rows.map(\.scoreChosen))
        scoreRejected = column(rows.map(\.scoreRejected))
        margin = column(rows.map(\.margin))
        weight = column(rows.map(\.weight))
        annotator = column(rows.map(\.annotator))
        aspect = column(rows.map(\.aspect))
    }

    /// The rows, or nil when the columns' lengths disagree (a corrupt entry).
    var rows: [PairRow]? {
        let n = prompt.count
        func at<T>(_ c: [T?], _ i: Int) -> T? { c.isEmpty ? nil : c[i] }
        let optional: [Int] = [scoreChosen.count, scoreRejected.count, margin.count, weight.count, annotator.count, aspect.count]
        guard chosen.count == n, rejected.count == n, optional.allSatisfy({ $0 == 0 || $0 == n }) else { return nil }
        return (0..<n).map { i in
            PairRow(prompt: prompt[i], chosen: chosen[i], rejected: rejected[i], scoreChosen: at(scoreChosen, i), scoreRejected: at(scoreRejected, i),
                    margin: at(margin, i), weight: at(weight, i), annotator: at(annotator, i), aspect: at(aspect, i))
        }
    }
}
