import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    static var toPairs: Builtin {
        Builtin("to_pairs", [
            BuiltinParameter("data", .native, doc: "ranked or ratings rows"),
            BuiltinParameter("mode", .string, default: .str("all"), doc: "ranked: \"all\", \"best_vs_rest\", \"adjacent\" or \"best_vs_worst\""),
            BuiltinParameter("aspect", default: Value.none, doc: "ratings: the aspect compared; none: the mean of each row's aspects"),
            BuiltinParameter("tie_threshold", .number, default: .number(0), doc: "ratings: score differences up to this make no pair"),
        ], category: "data",
        doc: "Pairs from rankings or ratings. Ranked rows: every pair (all, k(k−1)/2 per row), the best against each other response "
            + "(best_vs_rest), each against the next (adjacent) or the best against the worst (best_vs_worst); tied responses make no pair. Ratings: responses to the same prompt "
            + "are compared on `aspect`, a response rated several times counting with its mean; the higher one is chosen when the gap "
            + "exceeds tie_threshold. Scores become score_chosen and score_rejected; features follow (responses → chosen, rejected).",
        example: "let pairs = to_pairs(ranked, mode: \"adjacent\")\nlet helpful = to_pairs(ratings, aspect: \"helpfulness\", tie_threshold: 0.5)") { call in
            let d = try call.dataset(0)
            switch d.kind {
            case .ranked:
                let mode = Dataset.RankedPairing(rawValue: try call.choice(1, Dataset.RankedPairing.allCases.map(\.rawValue))) ?? .all
                return try run(call) { () throws(DataError) in try d.rankedToPairs(mode: mode) }
            case .ratings:
                var aspect: String?
                if !call[2].isNone {
                    guard case .string(let s) = call[2] else { throw call.typeError(2, expected: "a string") }
                    aspect = s.value
                }
                let threshold = call.number(3)
                guard threshold >= 0 else { throw call.error("tie_threshold must be ≥ 0") }
                return try run(call) { () throws(DataError) in try d.ratingsToPairs(aspect: aspect, tieThreshold: threshold) }
            default:
                throw call.error("needs ranked or ratings rows, got \(d.kind.rawValue)", hint: d.kind == .pairs ? "the data are pairs already" : nil)
            }
        }
    }

    static var toUnpaired: Builtin {
        Builtin("to_unpaired", [BuiltinParameter("data", .native, doc: "pairs")], category: "data",
                doc: "Unpaired rows from pairs (TRL's unpair_preference_dataset, for KTO): each pair gives its chosen completion with "
                    + "label true and its rejected one with label false, interleaved; features chosen/rejected become completion.",
                example: "let kto_data = to_unpaired(pairs)") { call in
            let d = try call.dataset(0)
            return try run(call) { () throws(DataError) in try d.toUnpaired() }
        }
    }

    static var relabel: Builtin {
        Builtin("relabel", [BuiltinParameter("data", .native, doc: "pairs with score_chosen and score_rejected"),
                            BuiltinParameter("goal", default: .str("\ntarget score: {score}"),
                                             doc: "a function score → text appended to the prompt, or a text in which {score} is replaced")],
                category: "data",
                doc: "Reward-augmented relabelling (Zhang et al. 2024): each scored pair (x, y_w, y_l, r_w, r_l) becomes (x ⊕ g(r_w), y_w ≻ y_l) "
                    + "and (x ⊕ g(r_l), y_l ≻ y_w), so a goal-conditioned policy learns from both responses. The first half of the result "
                    + "are the originals' relabelled rows, the second half the reversed ones. The target scores are also a [2n, 1] feature "
                    + "\"goal\"; a conversation gets the goal as a final system message. (In a pref string write the placeholder as \\{score}.)",
                example: "let augmented = relabel(pairs, goal: fn(s) \" [target {s}]\")") { call in
            let d = try call.dataset(0)
            let goal: (Double) throws(DataError) -> String
            switch call[1] {
            case .string(let s): goal = { x in Dataset.goalText(s.value, x) }
            case .function, .builtin:
                let f = call[1], interpreter = call.interpreter
                var failure: Error?
                goal = { (x: Double) throws(DataError) -> String in
                    do {
                        let v = try interpreter.call(f, [.number(x)])
                        guard case .string(let s) = v else { throw DataError("goal(\(x)) returned a \(v.typeName), not a string") }
                        return s.value
                    } catch let e as DataError {
                        throw e
                    } catch {
                        failure = error
                        throw DataError("goal failed")
                    }
                }
                do throws(DataError) {
                    return DatasetObject.value(try d.relabeled(goal: goal))
                } catch {
                    if let failure { throw failure }
                    throw call.dataError(error)
                }
            default: throw call.typeError(1, expected: "a function or a string")
            }
            return try run(call) { () throws(DataError) in try d.relabeled(goal: goal) }
        }
    }

    static var flipLabels: Builtin {
        Builtin("flip_labels", [BuiltinParameter("data", .native, doc: "pairs, unpaired, comparisons or logps rows"),
                                BuiltinParameter("rate", .number, doc: "the probability of flipping each row"),
                                BuiltinParameter("seed", default: Value.none, doc: "none: the session seed")],
                category: "data",
                doc: "Label noise: each row's preference is reversed independently with probability `rate` (pairs swap chosen and "
                    + "rejected with their scores and features; unpaired labels are negated; comparisons swap winner and loser).",
                example: "let noisy = flip_labels(train, 0.2, seed: 1)") { call in
            let d = try call.dataset(0), rate = call.number(1)
            var rng = try stream(call, "flip_labels", seed: 2)
            return try run(call) { () throws(DataError) in try d.flippingLabels(rate: rate, &rng).0 }
        }
    }

    static var describe: Builtin {
        Builtin("describe", [BuiltinParameter("data", .native, doc: "a dataset")], category: "data",
                doc: "A table summarising a dataset: rows, distinct prompts, prompt and response lengths in characters (mean, min, max), "
                    + "label balance, ties, and score summaries, depending on the kind. Columns: the statistic (headed by the kind), its "
                    + "value or mean, and min and max where they apply.",
                example: "describe(load(\"prefs.jsonl\"))") { call in
            let d = try call.dataset(0)
            func n(_ x: Double?) -> Value { x.map { .number(($0 * 1e4).rounded() / 1e4) } ?? .none }
            let rows = DatasetSummary.statistics(d).map { [Value.str($0.name), n($0.value), n($0.min), n($0.max)] }
            return .native(NativeBox(TableObject(Table(columns: ["\(d.kind.rawValue)", "value (mean)", "min", "max"], rows: rows))))
        }
    }
}
