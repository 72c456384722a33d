import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Preference attribution and protocol consistency (issue 11 item 2): `explain`, `consistency`.
    static var attribution: [Builtin] { [AttributionBuiltins.explain, AttributionBuiltins.consistency] }
}

enum AttributionBuiltins {
    static let propertyNames = "q1…qD (a column of the chosen/rejected features), q_norm2 (‖q‖²), length (ℓ), length_dev2 ((ℓ − ℓ*)², toy world), score (score_chosen − score_rejected)"

    static var explain: Builtin {
        Builtin("explain", [
            BuiltinParameter("pairs", .native, doc: "pairs (chosen ≻ rejected)"),
            BuiltinParameter("features", doc: "a list of property names (" + propertyNames + "), or a record name → [n] tensor of chosen − rejected differences"),
            BuiltinParameter("by", default: Value.none, doc: "fit per group: a row field (\"annotator\"), \"cluster\", or one label per row; none: one fit"),
            RewardBuiltins.worldParameter,
        ], category: "rewards",
        doc: "Preference attribution (\"Dissecting Human and LLM Preferences\", Li et al., 2024; PROFILE): a Bradley–Terry (logistic) "
            + "regression of the labels on named property differences, P(chosen ≻ rejected) = σ(β·(f(chosen) − f(rejected))), no "
            + "intercept, fitted by Newton's method. Standard errors from the observed information Dᵀdiag(p(1−p))D at the optimum, "
            + "z = β/se, two-sided normal p-values and 95% Wald intervals β ± 1.96·se. Returns a table (group when by: is given, feature, "
            + "coef, se, z, p, lower, upper) with extras `plot` (coefficients and their intervals per feature) and `n` (pairs per group). "
            + "A coefficient is the change in the log-odds of preferring a response per unit of the property, the others fixed.",
        example: "let t = explain(w.pairs(3000, group: \"gold\"), features: [\"q1\", \"q2\", \"q3\", \"q_norm2\", \"length\"])\nt.plot") { call in
            let d = try call.dataset(0)
            guard d.kind == .pairs else { throw call.error("explain needs pairs; this dataset is \(d.kind.rawValue)", hint: "use w.pairs(n) or to_pairs(…)") }
            guard d.count > 0 else { throw call.error("the data has no pairs") }
            let world = try RewardBuiltins.worldArgument(call, 3)
            let (names, columns) = try differences(call, d, world: world)
            let groups = try RowGroups.read(call, 2, data: d, world: world)
            let byGroup = groups != nil
            let g = groups ?? RowGroups.all(d.count, name: "all")
            let p = names.count
            var rows = [[Value]](), series = [Plot.Series](), counts = [(String, Value)]()
            for (name, members) in zip(g.names, g.rows) {
                guard members.count > p else {
                    throw call.error("group \(name) has \(members.count) pairs for \(p) features", hint: "a fit needs more pairs than features")
                }
                var x = [Double](repeating: 0, count: members.count * p)
                for (r, i) in members.enumerated() { for j in 0..<p { x[r * p + j] = columns[j][i] } }
                let fit: PreferenceAttribution
                do throws(PreferenceAttribution.Failure) {
                    fit = try PreferenceAttribution.fit(differences: x, outcomes: [Double](repeating: 1, count: members.count), features: p)
                } catch .singular {
                    throw call.error("the features are collinear\(byGroup ? " in group \(name)" : "") (or one is 0 on every pair)",
                                     hint: "drop a feature that is a combination of the others")
                } catch {
                    throw call.error("the fit did not converge\(byGroup ? " in group \(name)" : ""): the features separate the labels perfectly",
                                     hint: "use fewer features or more (noisier) pairs")
                }
                let z = fit.zScores, pv = fit.pValues, half = fit.standardErrors.map { PreferenceAttribution.z975 * $0 }
                for j in 0..<p {
                    var row: [Value] = byGroup ? [.str(name)] : []
                    row += [.str(names[j]), .number(fit.coefficients[j]), .number(fit.standardErrors[j]), .number(z[j]), .number(pv[j]),
                            .number(fit.coefficients[j] - half[j]), .number(fit.coefficients[j] + half[j])]
                    rows.append(row)
                }
                let prefix = byGroup ? "\(name) " : ""
                let xs = (0..<p).map(Double.init)
                series.append(Plot.Series(name: prefix + "lower", xs: xs, ys: (0..<p).map { fit.coefficients[$0] - half[$0] }))
                series.append(Plot.Series(name: prefix + "coef", xs: xs, ys: fit.coefficients))
                series.append(Plot.Series(name: prefix + "upper", xs: xs, ys: (0..<p).map { fit.coefficients[$0] + half[$0] }))
                counts.append((name, .number(Double(members.count))))
            }
            var plot = Plot(kind: .bar, series: series)
            plot.categories = names
            plot.title = "preference attribution: coefficients with 95% intervals"
            plot.ylabel = "log-odds per unit"
            let columnsOut = (byGroup ? ["group"] : []) + ["feature", "coef", "se", "z", "p", "lower", "upper"]
            let n: Value = byGroup ? .record(RecordBox(counts)) : counts[0].1
            return .native(NativeBox(TableObject(Table(columns: columnsOut, rows: rows),
                                                 extras: [("plot", .native(NativeBox(PlotObject(plot)))), ("n", n)])))
        }
    }

    /// The feature names and, per feature, the chosen − rejected difference of every pair.
    private static func differences(_ call: BuiltinCall, _ d: Dataset, world: ToyWorld?) throws -> ([String], [[Double]]) {
        let n = d.count
        switch call[1] {
        case .record(let r):
            guard r.count > 0 else { throw call.error("features: is empty") }
            let columns = try zip(r.keys, r.values).map { name, v -> [Double] in
                guard case .tensor(let box) = v else { throw call.error("feature \(name) is a \(v.typeName), not a tensor of differences") }
                let t = try TensorValues.tensor(box)
                guard t.rank == 1, t.count == n else { throw call.error("feature \(name) has shape \(t.shape) for \(n) pairs", hint: "one difference per pair, [\(n)]") }
                let v = t.to(.f64).scalars
                if let bad = v.firstIndex(where: { !$0.isFinite }) { throw call.error("feature \(name) is not finite at pair \(bad)") }
                return v
            }
            return (r.keys, columns)
        case .list(let l):
            guard !l.items.isEmpty else { throw call.error("features: is empty") }
            let names = try l.items.map { v -> String in
                guard case .string(let s) = v else { throw call.error("features: lists property names; \(v.displayText) is a \(v.typeName)") }
                return s.value
            }
            guard Set(names).count == names.count else { throw call.error("features: names a property twice") }
            var inputs: (chosen: RewardInputs, rejected: RewardInputs)?
            func pair() throws -> (chosen: RewardInputs, rejected: RewardInputs) {
                if let inputs { return inputs }
                let made = try d.pairInputs(world: world)
                inputs = made
                return made
            }
            let columns = try names.map { name in try property(name, d, pair, world: world, call) }
            return (names, columns)
        default:
            throw call.typeError(1, expected: "a list of property names or a record of difference tensors")
        }
    }

    static func property(_ name: String, _ d: Dataset, _ pair: () throws -> (chosen: RewardInputs, rejected: RewardInputs),
                                 world: ToyWorld?, _ call: BuiltinCall) throws -> [Double] {
        func rows(_ x: RewardInputs) -> (values: [Double], dim: Int) { (x.features.to(.f64).scalars, x.features.shape[1]) }
        switch name {
        case "score":
            guard case .pairs(let ps) = d.rows else { throw call.error("'score' needs pairs with score_chosen and score_rejected") }
            return try ps.enumerated().map { i, r in
                guard let a = r.scoreChosen, let b = r.scoreRejected else { throw call.error("pair \(i) has no score_chosen/score_rejected for 'score'") }
                return a - b
            }
        case "length", "length_dev2":
            let (c, r) = try pair()
            let lc = try c.lengths(for: "explain"), lr = try r.lengths(for: "explain")
            if name == "length" { return zip(lc, lr).map { $0 - $1 } }
            guard let w = c.world ?? world else { throw call.error("length_dev2 needs the toy world (its target length ℓ*)", hint: "pass world: w") }
            let t = w.config.targetLength
            return zip(lc, lr).map { ($0 - t) * ($0 - t) - ($1 - t) * ($1 - t) }
        case "q_norm2":
            let (c, r) = try pair()
            let (a, k) = rows(c), (b, _) = rows(r)
            return (0..<c.count).map { i in
                var s = 0.0
                for j in 0..<k { s += a[i * k + j] * a[i * k + j] - b[i * k + j] * b[i * k + j] }
                return s
            }
        default:
            guard name.hasPrefix("q"), let j = Int(name.dropFirst()) else {
                throw call.error("unknown property '\(name)'", hint: "properties: " + propertyNames + "; or pass a record of difference tensors")
            }
            let (c, r) = try pair()
            let (a, k) = rows(c), (b, _) = rows(r)
            guard j >= 1 && j <= k else { throw call.error("property \(name): the features have \(k) columns, q1…q\(k)") }
            return (0..<c.count).map { i in a[i * k + j - 1] - b[i * k + j - 1] }
        }
    }

    static var consistency: Builtin {
        Builtin("consistency", [
            BuiltinParameter("ratings", .native, doc: "ratings rows (absolute scores per response)"),
            BuiltinParameter("rankings", .native, doc: "pairs or ranked rows over the same responses (relative judgements)"),
            BuiltinParameter("aspect", default: Value.none, doc: "the rated aspect compared; none: the mean of each row's aspects"),
        ], category: "rewards",
        doc: "How often preferences from ratings and from rankings disagree (\"Peering Through Preferences\", Bansal et al., 2023). "
            + "Responses match by (prompt, response); a response rated several times counts with its mean. For each ranked pair whose "
            + "two responses are both rated: agree (the higher-rated is the ranked winner), disagree, or a rating tie. Returns a record "
            + "{pairs, agree, disagree, ties, unmatched, disagreement = (disagree + ties)/pairs, strict_disagreement = disagree/(agree + "
            + "disagree)}: a rating tie against a strict ranking counts as inconsistent, our reading of the paper's three-way comparison.",
        example: "let c = consistency(ratings, pairs)\nc.disagreement") { call in
            let ratings = try call.dataset(0), rankings = try call.dataset(1)
            var aspect: String?
            switch call[2] {
            case .none: aspect = nil
            case .string(let s): aspect = s.value
            default: throw call.typeError(2, expected: "none or an aspect name")
            }
            let c: RatingRankingConsistency
            do throws(DataError) { c = try ratings.consistency(with: rankings, aspect: aspect) } catch { throw call.dataError(error) }
            guard c.pairs > 0 else {
                throw call.error("no ranked pair has both responses rated (\(c.unmatched) unmatched)", hint: "responses match by prompt and response text")
            }
            return .record(RecordBox([
                ("pairs", .number(Double(c.pairs))), ("agree", .number(Double(c.agree))), ("disagree", .number(Double(c.disagree))),
                ("ties", .number(Double(c.ties))), ("unmatched", .number(Double(c.unmatched))),
                ("disagreement", .number(c.disagreement)), ("strict_disagreement", .number(c.strictDisagreement)),
            ]))
        }
    }
}
