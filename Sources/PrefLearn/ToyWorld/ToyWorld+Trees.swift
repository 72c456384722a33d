import PrefCore

/// Preference trees of the token view (spec §6.10's toy: "token sequences built from 3 steps of
/// 2 tokens; trees where siblings share steps 1–2 and differ at step 3"). With `branches` b, the
/// candidates b·j ..< b·(j+1) of a prompt are the leaves of tree j: leaf 0 is drawn like any
/// token-view candidate, and every other leaf copies its tokens up to the last step and draws a
/// last step no earlier sibling has. The gold of siblings therefore differs only through the
/// last step (and σ_tok's feature noise). With paraphrased shared steps each copied token is
/// replaced by its synonym with probability 1/2 (same embedding, so the same gold), and the last
/// step is drawn to differ in meaning (synonyms identified) from every earlier sibling's when 64
/// draws allow, else in tokens.
enum TreeLeaves {
    /// Fills the tokens of `leaf`, sibling `sibling` ≥ 1 of its tree: the shared prefix of
    /// sibling 0, then a last step drawn from the prompt's token distribution until it differs
    /// from every earlier sibling's (after 64 tries, the first unused one in index order, so it
    /// always ends: the config guarantees b distinct last steps exist).
    static func grow(_ tokens: inout [Int32], leaf i: Int, sibling: Int, config c: ToyWorld.Config, probs: [Double], row: Int,
                     rng: inout RandomStream) throws(TensorError) {
        let width = c.maxLength, v = c.vocabulary, n = c.maxLength
        let tail = c.lastStepTokens, shared = n - tail, first = i - sibling
        for t in 0..<shared {
            let token = Int(tokens[first * width + t])
            let paraphrase = c.sharedSteps == .paraphrased && rng.uniform() < 0.5
            tokens[i * width + t] = Int32(paraphrase ? c.synonym(of: token) : token)
        }
        let taken = Set((first..<i).map { lastStep(tokens, $0, width: width, shared: shared, n: n) })
        func meaning(_ s: [Int32]) -> [Int32] { s.map { Int32(min(Int($0), c.synonym(of: Int($0)))) } }
        let meanings = Set(taken.map(meaning))
        var step = [Int32]()
        for _ in 0..<64 {
            step = (0..<tail).map { _ in Int32(TokenView.draw(probs, row: row, count: v, u: rng.uniform())) }
            if !meanings.contains(meaning(step)) { break }
        }
        if taken.contains(step) {
            var index = 0
            repeat {
                var x = index
                step = (0..<tail).map { _ in defer { x /= v }; return Int32(x % v) }
                index += 1
            } while taken.contains(step)
        }
        finish(&tokens, i, step, width: width, shared: shared)
    }

    static func finish(_ tokens: inout [Int32], _ i: Int, _ step: [Int32], width: Int, shared: Int) {
        for t in 0..<step.count { tokens[i * width + shared + t] = step[t] }
    }

    static func lastStep(_ tokens: [Int32], _ i: Int, width: Int, shared: Int, n: Int) -> [Int32] {
        Array(tokens[(i * width + shared)..<(i * width + n)])
    }
}

extension ToyWorld {
    /// The tree of candidate `i`: its prompt's candidates b·j ..< b·(j+1) (just `i` without trees).
    public func treeLeaves(of i: Int) -> Range<Int> {
        let b = max(config.branches, 1), start = i - i % b
        return start..<(start + b)
    }
}
