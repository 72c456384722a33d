/// One decoder per row kind, with TRL's field names (DESIGN.md §3 Data).
extension RowDecoder {
    /// Every field name the decoders below read (for any kind), before `columns:` mapping. The
    /// CSV loader parses a feature column from its bytes only when the decoder never reads it
    /// (`CSVLayout`): keep this list in step with the decoders.
    static let fieldNames: Set<String> = [
        "prompt", "chosen", "rejected", "score_chosen", "score_rejected", "margin", "weight", "annotator", "aspect",
        "completion", "label", "responses", "scores", "ranks", "response", "score", "winner", "loser", "tie", "count",
        "home", "policy_logps", "ref_logps", "policy_kl_logps", "ref_kl_logps", "policy_chosen_logps",
        "policy_rejected_logps", "ref_chosen_logps", "ref_rejected_logps", "chosen_length", "rejected_length",
    ]

    func pair() throws(Failure) -> PairRow {
        var chosen = try requiredText("chosen"), rejected = try requiredText("rejected")
        let prompt: PrefText
        if let p = try text("prompt") {
            prompt = p
        } else {
            (prompt, chosen, rejected) = RowDecoder.extractPrompt(chosen, rejected)
        }
        return PairRow(prompt: prompt, chosen: chosen, rejected: rejected, scoreChosen: try number("score_chosen"),
                       scoreRejected: try number("score_rejected"), margin: try number("margin"), weight: try number("weight"),
                       annotator: try string("annotator"), aspect: try string("aspect"))
    }

    func unpaired() throws(Failure) -> UnpairedRow {
        guard let label = try bool("label") else { throw missing("label") }
        return UnpairedRow(prompt: try text("prompt") ?? .empty, completion: try requiredText("completion"), label: label,
                           weight: try number("weight"), annotator: try string("annotator"))
    }

    func ranked() throws(Failure) -> RankedRow {
        guard let (items, at) = try list("responses") else { throw missing("responses") }
        var responses = [PrefText]()
        for item in items { responses.append(try RowDecoder.text(item, field: name("responses"), at: at)) }
        let scores = try numbers("scores", count: responses.count)
        var ranks: [Int]?
        if let r = try numbers("ranks", count: responses.count) {
            guard r.allSatisfy({ $0 == $0.rounded() && Swift.abs($0) < 1e9 }) else {
                throw Failure(message: "field '\(name("ranks"))' should hold whole numbers", hint: "rank 1 is the best response", offset: raw("ranks")?.1 ?? recordOffset)
            }
            ranks = r.map { Int($0) }
        }
        return RankedRow(prompt: try text("prompt") ?? .empty, responses: responses, scores: scores, ranks: ranks)
    }

    /// A list of numbers whose length must match the responses'.
    private func numbers(_ field: String, count: Int) throws(Failure) -> [Double]? {
        guard let (items, at) = try list(field) else { return nil }
        var out = [Double]()
        for item in items {
            guard case .number(let x) = item else { throw mistyped(field, "a list of numbers", .array(items), at, hint: "found \(item.typeDescription) in it") }
            out.append(x)
        }
        guard out.count == count else {
            throw Failure(message: "field '\(name(field))' has \(out.count) entries but '\(name("responses"))' has \(count)",
                          hint: "ranked rows need one \(field == "ranks" ? "rank" : "score") per response", offset: at)
        }
        return out
    }

    func rating() throws(Failure) -> RatingRow {
        var scores = [AspectScore]()
        if let aspects = aspectColumns {
            for a in aspects {
                if let x = try number(a) { scores.append(AspectScore(a, x)) }
            }
            if scores.isEmpty, let first = aspects.first { throw missing(first) }
        } else if let (raw, at) = raw("scores") {
            var v = raw
            if textual, case .string(let s) = raw, let parsed = RowDecoder.parseJSON(s) { v = parsed }
            guard case .object(let o) = v else { throw mistyped("scores", "an object of aspect scores", v, at, hint: "e.g. {\"helpfulness\": 4, \"honesty\": 5}") }
            for (k, x) in zip(o.keys, o.values) {
                guard case .number(let s) = x else { throw mistyped("scores", "an object of numbers", x, at, hint: "aspect '\(k)' is not a number") }
                scores.append(AspectScore(k, s))
            }
        } else if let x = try number("score") {
            scores.append(AspectScore("score", x))
        } else {
            throw missing("scores")
        }
        return RatingRow(prompt: try text("prompt") ?? .empty, response: try requiredText("response"), scores: scores, annotator: try string("annotator"))
    }

    func comparison() throws(Failure) -> ComparisonRow {
        let count = try number("count") ?? 1
        if count < 0, let (v, at) = raw("count") { throw mistyped("count", "a count ≥ 0", v, at) }
        return ComparisonRow(winner: try requiredString("winner"), loser: try requiredString("loser"), tie: try bool("tie") ?? false,
                             count: count, home: try string("home"))
    }

    func logps() throws(Failure) -> LogpsRow {
        var label: Double?
        if let (v, at) = raw("label") {
            switch v {
            case .bool(let b): label = b ? 1 : 0
            default:
                guard let x = try number("label"), x >= 0, x <= 1 else { throw mistyped("label", "a bool or a probability in [0, 1]", v, at) }
                label = x
            }
        }
        if raw("policy_logps") != nil {
            guard label != nil else { throw missing("label") }
            let u = UnpairedLogps(policy: try requiredNumber("policy_logps"), ref: try requiredNumber("ref_logps"),
                                  policyKL: try number("policy_kl_logps"), refKL: try number("ref_kl_logps"))
            return LogpsRow(policyChosen: .nan, policyRejected: .nan, refChosen: .nan, refRejected: .nan, label: label,
                            weight: try number("weight"), unpaired: u)
        }
        return LogpsRow(policyChosen: try requiredNumber("policy_chosen_logps"), policyRejected: try requiredNumber("policy_rejected_logps"),
                        refChosen: try requiredNumber("ref_chosen_logps"), refRejected: try requiredNumber("ref_rejected_logps"),
                        chosenLength: try number("chosen_length"), rejectedLength: try number("rejected_length"), label: label,
                        weight: try number("weight"), margin: try number("margin"))
    }

    /// TRL's implicit prompt (`trl.data_utils.extract_prompt`): the prompt is the longest shared
    /// prefix of chosen and rejected (messages for conversations, characters for strings, one
    /// trailing space left to the completions), and the completions are what follows it.
    static func extractPrompt(_ chosen: PrefText, _ rejected: PrefText) -> (PrefText, PrefText, PrefText) {
        switch (chosen, rejected) {
        case (.chat(let c), .chat(let r)):
            let k = sharedPrefix(c, r, space: nil)
            return (.chat(Array(c[..<k])), .chat(Array(c[k...])), .chat(Array(r[k...])))
        case (.plain(let c), .plain(let r)):
            let cs = Array(c.unicodeScalars), rs = Array(r.unicodeScalars)
            let k = sharedPrefix(cs, rs, space: " ")
            func s(_ a: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(a)) }
            return (.plain(s(cs[..<k])), .plain(s(cs[k...])), .plain(s(rs[k...])))
        default:
            return (.empty, chosen, rejected)
        }
    }

    /// TRL's loop, including its quirk: when one side is a prefix of the other, the prompt stops
    /// one element short of the shorter side, so neither completion is empty.
    private static func sharedPrefix<T: Equatable>(_ a: [T], _ b: [T], space: T?) -> Int {
        let n = Swift.min(a.count, b.count)
        guard n > 0 else { return 0 }
        for idx in 0..<n where a[idx] != b[idx] {
            if idx > 0, let space, a[idx - 1] == space { return idx - 1 }
            return idx
        }
        return n - 1
    }
}
