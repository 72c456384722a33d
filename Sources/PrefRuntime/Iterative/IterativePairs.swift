import PrefCore

/// How `iterate` turns a prompt's scored samples into preference pairs (spec: iterative DPO,
/// Xiong et al. 2024 "best vs worst" of n; Yuan et al. 2024 self-rewarding; "all" as in
/// RLHF workflow papers that use every ordered pair). Samples with equal scores never make a
/// pair (there is no preference between them); they are counted as ties.
enum IterativePairing: String, CaseIterable {
    case bestWorst = "best_worst", all, random

    /// [chosen, rejected] candidate ids from `ids` (one prompt's samples) and their `scores`,
    /// with the number of candidate pairs skipped as ties.
    func pairs(_ ids: [Int], _ scores: [Double], rng: inout RandomStream) -> (pairs: [[Int]], ties: Int) {
        let n = ids.count
        guard n >= 2 else { return ([], 0) }
        func oriented(_ a: Int, _ b: Int) -> [Int]? {
            if scores[a] > scores[b] { return [ids[a], ids[b]] }
            if scores[b] > scores[a] { return [ids[b], ids[a]] }
            return nil
        }
        switch self {
        case .bestWorst:
            // The first maximum and the first minimum, so the choice is deterministic.
            var best = 0, worst = 0
            for i in 1..<n {
                if scores[i] > scores[best] { best = i }
                if scores[i] < scores[worst] { worst = i }
            }
            return oriented(best, worst).map { ([$0], 0) } ?? ([], 1)
        case .all:
            var out = [[Int]](), ties = 0
            for a in 0..<n {
                for b in (a + 1)..<n {
                    if let p = oriented(a, b) { out.append(p) } else { ties += 1 }
                }
            }
            return (out, ties)
        case .random:
            let a = rng.uniformInt(below: n)
            var b = rng.uniformInt(below: n - 1)
            if b >= a { b += 1 }
            return oriented(a, b).map { ([$0], 0) } ?? ([], 1)
        }
    }
}
