import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// Exact best-of-n against brute-force enumeration of every draw and the uniform closed form.
@Suite("best of n") struct BestOfNTests {
    /// π_n by enumerating all K^n ordered draws: the best draw by (proxy, index).
    static func bruteForce(_ pi: [Double], _ proxy: [Double], n: Int) -> [Double] {
        let k = pi.count
        var out = [Double](repeating: 0, count: k)
        var draw = [Int](repeating: 0, count: n)
        while true {
            let best = draw.max { proxy[$0] != proxy[$1] ? proxy[$0] < proxy[$1] : $0 < $1 }!
            out[best] += draw.reduce(1) { $0 * pi[$1] }
            var i = 0
            while i < n { draw[i] += 1; if draw[i] < k { break }; draw[i] = 0; i += 1 }
            if i == n { break }
        }
        return out
    }

    @Test func matchesEnumeration() {
        let pi = [0.1, 0.4, 0.2, 0.3], proxy = [0.5, -1, 0.5, 2]   // a tie between candidates 0 and 2
        for n in 1...4 {
            let exact = BestOfN.distribution(probabilities: pi, proxy: proxy, n: n)
            for (a, b) in zip(exact, Self.bruteForce(pi, proxy, n: n)) { #expect(isClose(a, b, rel: 1e-12, abs: 1e-15), "n = \(n)") }
        }
        for (a, b) in zip(BestOfN.distribution(probabilities: pi, proxy: proxy, n: 1), pi) { #expect(isClose(a, b, rel: 1e-12)) }
    }

    @Test func uniformClosedForm() throws {
        // Uniform π over K with distinct proxies: π_n(rank j) = (jⁿ − (j−1)ⁿ)/Kⁿ, j = 1…K.
        let k = 5, n = 3
        let proxy = [0.3, -2, 1.5, 0.9, 0.0]
        let pi = [Double](repeating: 0.2, count: k)
        let gold = [1.0, 2, 3, 4, 5]
        let result = try BestOfN.evaluate(probabilities: pi, proxy: proxy, gold: gold, prompts: 1, ns: [n])[0]
        let ranks = [3, 1, 5, 4, 2]
        let pn = ranks.map { j in (pow(Double(j), 3) - pow(Double(j - 1), 3)) / 125 }
        #expect(isClose(result.gold[0], zip(pn, gold).reduce(0) { $0 + $1.0 * $1.1 }, rel: 1e-12))
        #expect(isClose(result.proxy[0], zip(pn, proxy).reduce(0) { $0 + $1.0 * $1.1 }, rel: 1e-12))
        let kl = pn.reduce(0) { $0 + $1 * log($1 / 0.2) }
        #expect(isClose(result.kl[0], kl, rel: 1e-12))
        #expect(result.kl[0] <= log(Double(n)) - Double(n - 1) / Double(n))
    }

    @Test func errors() {
        #expect(throws: TensorError.self) { try BestOfN.evaluate(probabilities: [1], proxy: [1], gold: [1], prompts: 1, ns: [0]) }
        #expect(throws: TensorError.self) { try BestOfN.evaluate(probabilities: [0.5, 0.5], proxy: [1, .nan], gold: [1, 1], prompts: 1, ns: [2]) }
        #expect(throws: TensorError.self) { try BestOfN.evaluate(probabilities: [0.5, 0.5], proxy: [1], gold: [1, 1], prompts: 1, ns: [2]) }
    }
}
