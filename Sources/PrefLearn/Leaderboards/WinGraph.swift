/// The directed win graph of a set of comparisons: an edge i → j when i beat j at least once (a
/// tie counted as half a win gives both edges). Ford (1957) and Zermelo (1929): the
/// Bradley–Terry maximum-likelihood estimate exists (is finite and unique up to a constant)
/// exactly when this graph is strongly connected.
public struct WinGraph: Sendable {
    public let count: Int
    var edges: [[Int]]

    public init(items: Int, wins: [(winner: Int, loser: Int)]) {
        count = items
        edges = Array(repeating: [], count: items)
        for (w, l) in wins { edges[w].append(l) }
    }

    init(_ counts: PairedCounts) {
        var wins = [(winner: Int, loser: Int)]()
        for g in counts.first.indices {
            if counts.winsFirst[g] > 0 { wins.append((counts.first[g], counts.second[g])) }
            if counts.winsSecond[g] > 0 { wins.append((counts.second[g], counts.first[g])) }
        }
        self.init(items: counts.items.count, wins: wins)
    }

    /// The strongly connected components (Tarjan 1972, iterative), each sorted, listed in the
    /// order of their smallest member.
    public func components() -> [[Int]] {
        var index = [Int](repeating: -1, count: count), low = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count), stack = [Int](), result = [[Int]]()
        var next = 0
        for root in 0..<count where index[root] < 0 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = next; low[root] = next; next += 1
            stack.append(root); onStack[root] = true
            while let (v, e) = work.last {
                if e < edges[v].count {
                    work[work.count - 1].edge += 1
                    let w = edges[v][e]
                    if index[w] < 0 {
                        index[w] = next; low[w] = next; next += 1
                        stack.append(w); onStack[w] = true
                        work.append((w, 0))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last { low[parent.node] = min(low[parent.node], low[v]) }
                if low[v] == index[v] {
                    var component = [Int]()
                    while let w = stack.popLast() {
                        onStack[w] = false
                        component.append(w)
                        if w == v { break }
                    }
                    result.append(component.sorted())
                }
            }
        }
        return result.sorted { $0[0] < $1[0] }
    }
}
