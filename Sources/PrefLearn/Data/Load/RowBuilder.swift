import PrefCore

/// Accumulates decoded rows of one kind with their lines and feature values. A row and its
/// features are added together or not at all, so a skipped row leaves no trace.
struct RowBuilder {
    let kind: Dataset.Kind
    let features: [(name: String, source: LoadOptions.FeatureSource)]
    private var pairs = [PairRow](), unpaired = [UnpairedRow](), ranked = [RankedRow]()
    private var ratings = [RatingRow](), comparisons = [ComparisonRow](), logps = [LogpsRow]()
    private(set) var lines = [Int]()
    /// Feature values, one buffer per feature, that become the tensors without a copy.
    private var featureBuffers: [FeatureBuffer]
    private var featureDims: [Int?]

    init(kind: Dataset.Kind, features: [(name: String, source: LoadOptions.FeatureSource)]) {
        self.kind = kind
        self.features = features
        featureBuffers = features.map { _ in FeatureBuffer() }
        featureDims = Array(repeating: nil, count: features.count)
    }

    var count: Int { lines.count }

    /// Decodes the decoder's current object and appends it, or throws without changing anything.
    /// `parsed[k]`, when given, is feature k's vector already read by the loader (CSV numeric
    /// columns); nil leaves it to the decoder.
    mutating func add(_ d: RowDecoder, line: Int, parsed: [[Double]?] = []) throws(RowDecoder.Failure) {
        var vectors = [[Double]]()
        for (k, f) in features.enumerated() {
            let v: [Double]
            if k < parsed.count, let given = parsed[k] { v = given } else { v = try vector(d, f.source) }
            if let dim = featureDims[k], dim != v.count {
                let field = if case .array(let name) = f.source { name } else { f.name }
                throw RowDecoder.Failure(message: "feature '\(f.name)' has \(v.count) values in this row, \(dim) in earlier rows",
                                         hint: "every row needs the same length of '\(field)'", offset: d.raw(field)?.1 ?? d.recordOffset)
            }
            vectors.append(v)
        }
        switch kind {
        case .pairs: pairs.append(try d.pair())
        case .unpaired: unpaired.append(try d.unpaired())
        case .ranked: ranked.append(try d.ranked())
        case .ratings: ratings.append(try d.rating())
        case .comparisons: comparisons.append(try d.comparison())
        case .logps: logps.append(try d.logps())
        }
        for (k, v) in vectors.enumerated() {
            featureDims[k] = v.count
            guard featureBuffers[k].append(v) else {
                throw RowDecoder.Failure(message: "out of memory for feature '\(features[k].name)'", hint: nil, offset: d.recordOffset)
            }
        }
        lines.append(line)
    }

    private func vector(_ d: RowDecoder, _ source: LoadOptions.FeatureSource) throws(RowDecoder.Failure) -> [Double] {
        switch source {
        case .columns(let names):
            var out = [Double]()
            for n in names {
                guard let x = try d.number(n) else { throw d.missing(n) }
                out.append(x)
            }
            return out
        case .array(let field):
            guard let (v, at) = d.raw(field) else { throw d.missing(field) }
            var value = v
            if d.textual, case .string(let s) = v, let parsed = RowDecoder.parseJSON(s) { value = parsed }
            guard case .numbers(let xs) = value else { throw d.mistyped(field, "an array of numbers", value, at) }
            return xs
        }
    }

    /// The finished dataset (the feature buffers become its tensors).
    func dataset(source: String) throws(TensorError) -> Dataset {
        let rows: Dataset.Rows = switch kind {
        case .pairs: .pairs(pairs)
        case .unpaired: .unpaired(unpaired)
        case .ranked: .ranked(ranked)
        case .ratings: .ratings(ratings)
        case .comparisons: .comparisons(comparisons)
        case .logps: .logps(logps)
        }
        var set = FeatureSet()
        for (k, f) in features.enumerated() {
            let dim = featureDims[k] ?? 0
            set[f.name] = featureBuffers[k].tensor(rows: count, dim: dim)
        }
        return Dataset(rows, provenance: Provenance(source: source, lines: lines), features: set)
    }
}
