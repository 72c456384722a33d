import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Featurizers: text → tensors carried by the dataset. Embedding and numeric columns are read
    /// by `load(…, features: {…})`.
    static var featurizers: [Builtin] {
        [hashNgrams, standardize, withFeatures]
    }

    /// An n-gram range argument: none, a number n (n..n) or a range.
    private static func ngrams(_ call: BuiltinCall, _ i: Int) throws -> ClosedRange<Int>? {
        switch call[i] {
        case .none: return nil
        case .number: let n = try call.int(i); guard n >= 1 else { throw call.error("n-gram sizes must be ≥ 1") }; return n...n
        case .range(let r):
            let upper = r.inclusive ? r.upper : r.upper - 1
            guard r.lower == r.lower.rounded(), r.lower >= 1, upper >= r.lower, upper <= 16 else {
                throw call.error("argument '\(call.builtin.parameters[i].name)' must be a range of sizes from 1 to 16 such as 1..2")
            }
            return Int(r.lower)...Int(upper)
        default: throw call.typeError(i, expected: "a range such as 1..2, a number, or none")
        }
    }

    private static var hashNgrams: Builtin {
        Builtin("hash_ngrams", [
            BuiltinParameter("data", .native, doc: "pairs, unpaired, ratings or ranked rows"),
            BuiltinParameter("words", default: .range(RangeBox(lower: 1, upper: 2, inclusive: true)), doc: "word n-gram sizes; none: no words"),
            BuiltinParameter("chars", default: .range(RangeBox(lower: 3, upper: 5, inclusive: true)), doc: "character n-gram sizes; none: no characters"),
            BuiltinParameter("dim", .number, default: .number(65536), doc: "the number of hash buckets"),
            BuiltinParameter("seed", .number, default: .number(0), doc: "the MurmurHash3 seed (0 matches scikit-learn)"),
            BuiltinParameter("prompt", .bool, default: .bool(false), doc: "hash the prompt's n-grams into the same vector"),
        ], category: "data",
        doc: "Hashed n-gram features (the hashing trick), as scikit-learn's HashingVectorizer: each n-gram's MurmurHash3-32 h (of its "
            + "UTF-8 bytes, with `seed`) adds sign(h) to bucket |h| mod dim, then each row is l2-normalised. Words are runs of letters, "
            + "digits and _ of two or more characters, lowercased; character n-grams run over the lowercased text. Stable across runs "
            + "and platforms. Adds features chosen and rejected (pairs), completion (unpaired), response (ratings) or responses "
            + "(ranked, [rows, k, dim]).",
        example: "let d = hash_ngrams(load(\"prefs.jsonl\"), words: 1..2, chars: none, dim: 4096)") { call in
            let d = try call.dataset(0)
            let dim = try call.int(3), seed = try call.int(4)
            guard dim >= 1, dim <= 1 << 24 else { throw call.error("dim must be between 1 and 2^24, got \(dim)") }
            guard let s = UInt32(exactly: seed) else { throw call.error("seed must be a whole number from 0 to 2^32 − 1") }
            let hasher = HashNgrams(words: try ngrams(call, 1), chars: try ngrams(call, 2), dim: dim, seed: s)
            let prompt = call.bool(5)
            return try run(call) { () throws(DataError) in try d.hashed(hasher, includePrompt: prompt) }
        }
    }

    private static var standardize: Builtin {
        Builtin("standardize", [BuiltinParameter("data", .native, doc: "a dataset with features"),
                                BuiltinParameter("like", default: Value.none, doc: "a dataset whose statistics to use (e.g. the training set); none: data's own")],
                category: "data",
                doc: "Features scaled to zero mean and unit variance per column, x ← (x − μ)/σ (σ = 1 for a constant column), with μ and σ "
                    + "pooled over every feature tensor of the same width (so chosen and rejected stay comparable).",
                example: "let test_std = standardize(test, like: train)") { call in
            let d = try call.dataset(0)
            let reference: Dataset? = call[1].isNone ? nil : try call.dataset(1)
            return try run(call) { () throws(DataError) in try d.standardized(using: reference) }
        }
    }

    private static var withFeatures: Builtin {
        Builtin("with_features", [BuiltinParameter("data", .native, doc: "a dataset"),
                                  BuiltinParameter("features", .record, doc: "name → tensor whose first axis has one entry per row")],
                category: "data", doc: "The dataset with feature tensors added or replaced, e.g. features computed in the script.",
                example: "let d2 = with_features(d, {chosen: xc, rejected: xr})") { call in
            var d = try call.dataset(0)
            guard case .record(let r) = call[1] else { return .none }
            for (k, v) in zip(r.keys, r.values) {
                guard case .tensor(let box) = v else { throw call.error("feature '\(k)' must be a tensor, got \(v.typeName)") }
                let t = try TensorValues.tensor(box)
                guard t.rank >= 1, t.shape[0] == d.count else {
                    throw call.error("feature '\(k)' has shape \(t.shape); its first axis must be the \(d.count) rows")
                }
                d.features[k] = t
            }
            return DatasetObject.value(d)
        }
    }
}
