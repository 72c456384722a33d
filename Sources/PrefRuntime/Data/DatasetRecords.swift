import PrefLanguage
import PrefLearn

/// Dataset rows as pref records, with TRL's field names. Optional fields appear when some row
/// of the dataset has them (as `none` in the rows that lack them), so every record of a dataset
/// has the same keys and `table(d.rows)` works.
enum DatasetRecords {
    /// The field names of a kind, required ones first, in the order records show them.
    static func allFields(_ kind: Dataset.Kind) -> [String] {
        switch kind {
        case .pairs: ["prompt", "chosen", "rejected", "score_chosen", "score_rejected", "margin", "weight", "annotator", "aspect"]
        case .unpaired: ["prompt", "completion", "label", "weight", "annotator"]
        case .ranked: ["prompt", "responses", "scores", "ranks"]
        case .ratings: ["prompt", "response", "scores", "annotator"]
        case .comparisons: ["winner", "loser", "tie", "count", "home"]
        case .logps: ["policy_chosen_logps", "policy_rejected_logps", "ref_chosen_logps", "ref_rejected_logps",
                      "chosen_length", "rejected_length", "label", "weight", "margin"]
        }
    }

    /// The fields the records of `rows` carry: the required ones and the optional ones some row sets.
    static func presentFields(_ rows: Dataset.Rows) -> [String] {
        let all = allFields(rows.kind)
        var seen = Set<String>()
        for i in 0..<rows.count {
            for (k, v) in fields(rows, i) where v != nil { seen.insert(k) }
            if seen.count == all.count { break }
        }
        return all.filter { seen.contains($0) || isRequired($0, rows.kind) }
    }

    static func isRequired(_ field: String, _ kind: Dataset.Kind) -> Bool {
        switch kind {
        case .pairs: ["prompt", "chosen", "rejected"].contains(field)
        case .unpaired: ["prompt", "completion", "label"].contains(field)
        case .ranked: ["prompt", "responses"].contains(field)
        case .ratings: ["prompt", "response", "scores"].contains(field)
        case .comparisons: ["winner", "loser", "tie", "count"].contains(field)
        case .logps: ["policy_chosen_logps", "policy_rejected_logps", "ref_chosen_logps", "ref_rejected_logps"].contains(field)
        }
    }

    /// Row `i` as a record with the given fields.
    static func record(_ rows: Dataset.Rows, _ i: Int, fields keys: [String]) -> Value {
        let all = fields(rows, i)
        let r = RecordBox()
        for k in keys { r.set(k, all.first { $0.0 == k }?.1 ?? .none) }
        return .record(r)
    }

    /// Every field of row `i`, nil where an optional field is unset.
    static func fields(_ rows: Dataset.Rows, _ i: Int) -> [(String, Value?)] {
        switch rows {
        case .pairs(let rs):
            let r = rs[i]
            return [("prompt", text(r.prompt)), ("chosen", text(r.chosen)), ("rejected", text(r.rejected)),
                    ("score_chosen", num(r.scoreChosen)), ("score_rejected", num(r.scoreRejected)), ("margin", num(r.margin)),
                    ("weight", num(r.weight)), ("annotator", str(r.annotator)), ("aspect", str(r.aspect))]
        case .unpaired(let rs):
            let r = rs[i]
            return [("prompt", text(r.prompt)), ("completion", text(r.completion)), ("label", .bool(r.label)),
                    ("weight", num(r.weight)), ("annotator", str(r.annotator))]
        case .ranked(let rs):
            let r = rs[i]
            return [("prompt", text(r.prompt)), ("responses", .list(r.responses.map(text))),
                    ("scores", r.scores.map { .list($0.map(Value.number)) }),
                    ("ranks", r.ranks.map { .list($0.map { .number(Double($0)) }) })]
        case .ratings(let rs):
            let r = rs[i]
            let scores = RecordBox(r.scores.map { ($0.aspect, Value.number($0.score)) })
            return [("prompt", text(r.prompt)), ("response", text(r.response)), ("scores", .record(scores)), ("annotator", str(r.annotator))]
        case .comparisons(let rs):
            let r = rs[i]
            return [("winner", .str(r.winner)), ("loser", .str(r.loser)), ("tie", .bool(r.tie)), ("count", .number(r.count)), ("home", str(r.home))]
        case .logps(let rs):
            let r = rs[i]
            return [("policy_chosen_logps", .number(r.policyChosen)), ("policy_rejected_logps", .number(r.policyRejected)),
                    ("ref_chosen_logps", .number(r.refChosen)), ("ref_rejected_logps", .number(r.refRejected)),
                    ("chosen_length", num(r.chosenLength)), ("rejected_length", num(r.rejectedLength)), ("label", num(r.label)),
                    ("weight", num(r.weight)), ("margin", num(r.margin))]
        }
    }

    /// A text field: a string, or a list of {role, content} records.
    static func text(_ t: PrefText) -> Value {
        switch t {
        case .plain(let s): .str(s)
        case .chat(let m): .list(m.map { .record(RecordBox([("role", .str($0.role)), ("content", .str($0.content))])) })
        }
    }

    private static func num(_ x: Double?) -> Value? { x.map(Value.number) }
    private static func str(_ s: String?) -> Value? { s.map(Value.str) }
}
