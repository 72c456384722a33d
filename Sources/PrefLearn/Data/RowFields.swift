/// Rows as named fields with TRL's names, the one mapping that `save`, records in scripts and
/// `map` share. Optional fields are nil when unset.
extension Dataset.Rows {
    /// The field names of a kind, required ones first.
    public static func fieldNames(_ kind: Dataset.Kind) -> [String] {
        switch kind {
        case .pairs: ["prompt", "chosen", "rejected", "score_chosen", "score_rejected", "margin", "weight", "annotator", "aspect"]
        case .unpaired: ["prompt", "completion", "label", "weight", "annotator"]
        case .ranked: ["prompt", "responses", "scores", "ranks"]
        case .ratings: ["prompt", "response", "scores", "annotator"]
        case .comparisons: ["winner", "loser", "tie", "count", "home"]
        case .logps: ["policy_chosen_logps", "policy_rejected_logps", "ref_chosen_logps", "ref_rejected_logps",
                      "chosen_length", "rejected_length", "label", "weight", "margin",
                      "policy_logps", "ref_logps", "policy_kl_logps", "ref_kl_logps"]
        }
    }

    /// Fields every row of a kind has (shown even when empty).
    public static func requiredFields(_ kind: Dataset.Kind) -> Set<String> {
        switch kind {
        case .pairs: ["prompt", "chosen", "rejected"]
        case .unpaired: ["prompt", "completion", "label"]
        case .ranked: ["prompt", "responses"]
        case .ratings: ["prompt", "response", "scores"]
        case .comparisons: ["winner", "loser", "tie", "count"]
        case .logps: ["policy_chosen_logps", "policy_rejected_logps", "ref_chosen_logps", "ref_rejected_logps"]
        }
    }

    /// The fields these rows carry: the required ones and the optional ones some row sets.
    public var presentFields: [String] {
        let all = Self.fieldNames(kind), required = Self.requiredFields(kind)
        var seen = required
        for i in 0..<count where seen.count < all.count {
            for (k, v) in fields(i) where v != nil { seen.insert(k) }
        }
        return all.filter { seen.contains($0) }
    }

    /// Every field of row `i` in `fieldNames` order, nil where an optional field is unset.
    public func fields(_ i: Int) -> [(String, DataValue?)] {
        func n(_ x: Double?) -> DataValue? { x.map(DataValue.number) }
        func s(_ x: String?) -> DataValue? { x.map(DataValue.string) }
        switch self {
        case .pairs(let rs):
            let r = rs[i]
            return [("prompt", r.prompt.dataValue), ("chosen", r.chosen.dataValue), ("rejected", r.rejected.dataValue),
                    ("score_chosen", n(r.scoreChosen)), ("score_rejected", n(r.scoreRejected)), ("margin", n(r.margin)),
                    ("weight", n(r.weight)), ("annotator", s(r.annotator)), ("aspect", s(r.aspect))]
        case .unpaired(let rs):
            let r = rs[i]
            return [("prompt", r.prompt.dataValue), ("completion", r.completion.dataValue), ("label", .bool(r.label)),
                    ("weight", n(r.weight)), ("annotator", s(r.annotator))]
        case .ranked(let rs):
            let r = rs[i]
            return [("prompt", r.prompt.dataValue), ("responses", .array(r.responses.map(\.dataValue))),
                    ("scores", r.scores.map(DataValue.numbers)), ("ranks", r.ranks.map { .numbers($0.map(Double.init)) })]
        case .ratings(let rs):
            let r = rs[i]
            return [("prompt", r.prompt.dataValue), ("response", r.response.dataValue),
                    ("scores", .object(DataObject(r.scores.map { ($0.aspect, .number($0.score)) }))), ("annotator", s(r.annotator))]
        case .comparisons(let rs):
            let r = rs[i]
            return [("winner", .string(r.winner)), ("loser", .string(r.loser)), ("tie", .bool(r.tie)), ("count", .number(r.count)),
                    ("home", s(r.home))]
        case .logps(let rs):
            let r = rs[i]
            if let u = r.unpaired {
                return [("label", n(r.label)), ("weight", n(r.weight)), ("policy_logps", .number(u.policy)), ("ref_logps", .number(u.ref)),
                        ("policy_kl_logps", n(u.policyKL)), ("ref_kl_logps", n(u.refKL))]
            }
            return [("policy_chosen_logps", .number(r.policyChosen)), ("policy_rejected_logps", .number(r.policyRejected)),
                    ("ref_chosen_logps", .number(r.refChosen)), ("ref_rejected_logps", .number(r.refRejected)),
                    ("chosen_length", n(r.chosenLength)), ("rejected_length", n(r.rejectedLength)), ("label", n(r.label)),
                    ("weight", n(r.weight)), ("margin", n(r.margin))]
        }
    }
}

extension PrefText {
    /// A string, or a list of {role, content} objects.
    public var dataValue: DataValue {
        switch self {
        case .plain(let s): .string(s)
        case .chat(let m): .array(m.map { .object(DataObject([("role", .string($0.role)), ("content", .string($0.content))])) })
        }
    }
}

extension Dataset {
    /// Rows of `kind` decoded from objects with TRL's field names (what `map` functions
    /// return); an error names the index of the first bad object.
    public static func rows(kind: Kind, from objects: [DataObject]) throws(DataError) -> Rows {
        var d = RowDecoder(kind: kind, columns: [:], aspectColumns: nil, textual: false)
        d.fromFile = false
        var b = RowBuilder(kind: kind, features: [])
        for (i, o) in objects.enumerated() {
            d.object = o
            do {
                try b.add(d, line: i)
            } catch {
                throw DataError("row \(i): \(error.message)", hint: error.hint)
            }
        }
        do {
            return try b.dataset(source: "").rows
        } catch {
            throw DataError("\(error.op): \(error.message)")
        }
    }
}
