/// What `load` reads: the row kind, how the file's names map to the kind's fields, the format,
/// what to do with bad rows, and which fields become feature tensors.
public struct LoadOptions: Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case auto, jsonl, json, csv, tsv
    }

    /// Where a feature tensor's values come from.
    public enum FeatureSource: Sendable, Equatable {
        /// One field holding an array of numbers (an embedding): a [count, dim] tensor.
        case array(String)
        /// Several numeric fields: a [count, k] tensor, one column per field.
        case columns([String])
    }

    public var kind: Dataset.Kind
    /// Canonical field name → the name in the file.
    public var columns: [String: String]
    /// Ratings only: columns that each hold one aspect's score (instead of a `scores` object).
    public var aspectColumns: [String]?
    public var format: Format
    /// Skip bad rows (counting them and keeping the first reasons) instead of stopping.
    public var skipErrors: Bool
    /// Stop after this many loaded rows.
    public var limit: Int?
    /// Feature tensors to build while reading, by name.
    public var features: [(name: String, source: FeatureSource)]

    public init(kind: Dataset.Kind, columns: [String: String] = [:], aspectColumns: [String]? = nil, format: Format = .auto,
                skipErrors: Bool = false, limit: Int? = nil, features: [(name: String, source: FeatureSource)] = []) {
        self.kind = kind
        self.columns = columns
        self.aspectColumns = aspectColumns
        self.format = format
        self.skipErrors = skipErrors
        self.limit = limit
        self.features = features
    }

    /// The format of `path` under `.auto`: by extension (after `.gz`), else JSONL.
    public func resolvedFormat(for path: String) -> Format {
        guard format == .auto else { return format }
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".csv") { return .csv }
        if name.hasSuffix(".tsv") || name.hasSuffix(".tab") { return .tsv }
        // A .json file may hold one array, or (as many exports do) one object per line: the
        // loader looks at its first byte.
        if name.hasSuffix(".json") { return .json }
        return .jsonl
    }
}
