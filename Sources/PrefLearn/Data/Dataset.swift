import PrefCore

/// Preference data of one row kind (DESIGN.md §3 Data): the rows, where each came from, and
/// optional feature tensors whose first axis is the row axis, for whole-batch use.
///
/// Every row-selecting transform (take, shuffle, filter, split, batches…) goes through
/// `selecting(_:)`, which keeps rows, origins and features in step.
public struct Dataset: Sendable {
    /// The row kinds `load(kind:)` accepts.
    public enum Kind: String, CaseIterable, Sendable {
        case pairs, unpaired, ranked, ratings, comparisons, logps
    }

    /// The rows, typed by kind.
    public enum Rows: Sendable, Codable {
        case pairs([PairRow])
        case unpaired([UnpairedRow])
        case ranked([RankedRow])
        case ratings([RatingRow])
        case comparisons([ComparisonRow])
        case logps([LogpsRow])
    }

    public var rows: Rows
    /// Where the rows came from; `origins` is empty for generated data.
    public var provenance: Provenance
    /// Named tensors of shape [count, …] (e.g. "chosen" and "rejected" feature matrices).
    public var features: FeatureSet

    public init(_ rows: Rows, provenance: Provenance = Provenance(), features: FeatureSet = FeatureSet()) {
        self.rows = rows
        self.provenance = provenance
        self.features = features
    }

    public init(pairs: [PairRow]) { self.init(.pairs(pairs)) }
    public init(unpaired: [UnpairedRow]) { self.init(.unpaired(unpaired)) }
    public init(ranked: [RankedRow]) { self.init(.ranked(ranked)) }
    public init(ratings: [RatingRow]) { self.init(.ratings(ratings)) }
    public init(comparisons: [ComparisonRow]) { self.init(.comparisons(comparisons)) }
    public init(logps: [LogpsRow]) { self.init(.logps(logps)) }

    /// An empty dataset of a kind.
    public init(empty kind: Kind) {
        switch kind {
        case .pairs: self.init(.pairs([]))
        case .unpaired: self.init(.unpaired([]))
        case .ranked: self.init(.ranked([]))
        case .ratings: self.init(.ratings([]))
        case .comparisons: self.init(.comparisons([]))
        case .logps: self.init(.logps([]))
        }
    }

    public var kind: Kind { rows.kind }
    public var count: Int { rows.count }

    /// The rows at `indices` (in that order, repeats allowed), with their origins and feature
    /// rows. Indices must be in 0..<count.
    public func selecting(_ indices: [Int]) throws(TensorError) -> Dataset {
        Dataset(rows.selecting(indices), provenance: provenance.selecting(indices), features: try features.selecting(indices))
    }

    /// The first `n` rows (all of them when n ≥ count).
    public func prefix(_ n: Int) throws(TensorError) -> Dataset {
        try selecting(Array(0..<Swift.max(0, Swift.min(n, count))))
    }

    /// Datasets of one kind one after another. Each feature every part has, with concatenable
    /// shapes, is kept; the others are dropped.
    public static func concatenating(_ parts: [Dataset]) throws(DataError) -> Dataset {
        guard let first = parts.first else { throw DataError("needs at least one dataset") }
        var rows = first.rows
        for (i, p) in parts.enumerated().dropFirst() {
            guard p.kind == first.kind else {
                throw DataError("dataset \(i) holds \(p.kind.rawValue), dataset 0 holds \(first.kind.rawValue)",
                                hint: "convert first, e.g. with to_pairs or to_unpaired")
            }
            rows.append(contentsOf: p.rows)
        }
        let provenance = Provenance.concatenating(parts.map(\.provenance), counts: parts.map(\.count))
        return Dataset(rows, provenance: provenance, features: FeatureSet.concatenating(parts.map(\.features)))
    }
}

/// Where rows came from: the source files, and per row which source and which line (1-based).
/// Empty `origins` means generated data (no file).
public struct Provenance: Sendable, Codable {
    public var sources: [String]
    public var origins: [RowOrigin]

    public init(sources: [String] = [], origins: [RowOrigin] = []) {
        self.sources = sources
        self.origins = origins
    }

    /// One source file, one line number per row.
    public init(source: String, lines: [Int]) {
        self.init(sources: [source], origins: lines.map { RowOrigin(source: 0, line: $0) })
    }

    /// "path:line" of row `i`, or nil for generated rows.
    public func location(ofRow i: Int) -> String? {
        guard i >= 0, i < origins.count else { return nil }
        let o = origins[i]
        guard o.source >= 0, o.source < sources.count else { return nil }
        return "\(sources[Int(o.source)]):\(o.line)"
    }

    func selecting(_ indices: [Int]) -> Provenance {
        guard !origins.isEmpty else { return self }
        return Provenance(sources: sources, origins: indices.map { origins[$0] })
    }

    static func concatenating(_ parts: [Provenance], counts: [Int]) -> Provenance {
        var out = Provenance()
        // Sources shared by several parts (two splits of one file) are listed once.
        func index(_ s: String) -> Int32 {
            if let i = out.sources.firstIndex(of: s) { return Int32(i) }
            out.sources.append(s)
            return Int32(out.sources.count - 1)
        }
        let maps = parts.map { $0.sources.map(index) }
        guard parts.contains(where: { !$0.origins.isEmpty }) else { return out }
        for (k, (p, n)) in zip(parts, counts).enumerated() {
            if p.origins.isEmpty {
                out.origins += Array(repeating: RowOrigin(source: -1, line: 0), count: n)
            } else {
                out.origins += p.origins.map { o in RowOrigin(source: o.source >= 0 ? maps[k][Int(o.source)] : -1, line: Int(o.line)) }
            }
        }
        return out
    }
}

/// A row's source file (an index into `Provenance.sources`, −1 for none) and line.
public struct RowOrigin: Sendable, Hashable, Codable {
    public var source: Int32
    public var line: Int32

    public init(source: Int32, line: Int) {
        self.source = source
        self.line = Int32(clamping: line)
    }
}

/// A problem with data or with a data operation, independent of any script location; the
/// runtime attaches the call site.
public struct DataError: Error, Sendable {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}
