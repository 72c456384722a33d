/// Kind-independent operations on the typed row arrays.
extension Dataset.Rows {
    public var kind: Dataset.Kind {
        switch self {
        case .pairs: .pairs
        case .unpaired: .unpaired
        case .ranked: .ranked
        case .ratings: .ratings
        case .comparisons: .comparisons
        case .logps: .logps
        }
    }

    public var count: Int {
        switch self {
        case .pairs(let r): r.count
        case .unpaired(let r): r.count
        case .ranked(let r): r.count
        case .ratings(let r): r.count
        case .comparisons(let r): r.count
        case .logps(let r): r.count
        }
    }

    /// The rows at `indices`, in that order.
    public func selecting(_ indices: [Int]) -> Dataset.Rows {
        switch self {
        case .pairs(let r): .pairs(indices.map { r[$0] })
        case .unpaired(let r): .unpaired(indices.map { r[$0] })
        case .ranked(let r): .ranked(indices.map { r[$0] })
        case .ratings(let r): .ratings(indices.map { r[$0] })
        case .comparisons(let r): .comparisons(indices.map { r[$0] })
        case .logps(let r): .logps(indices.map { r[$0] })
        }
    }

    /// Appends rows of the same kind; rows of another kind are ignored (callers check kinds).
    public mutating func append(contentsOf other: Dataset.Rows) {
        switch (self, other) {
        case (.pairs(var a), .pairs(let b)): a += b; self = .pairs(a)
        case (.unpaired(var a), .unpaired(let b)): a += b; self = .unpaired(a)
        case (.ranked(var a), .ranked(let b)): a += b; self = .ranked(a)
        case (.ratings(var a), .ratings(let b)): a += b; self = .ratings(a)
        case (.comparisons(var a), .comparisons(let b)): a += b; self = .comparisons(a)
        case (.logps(var a), .logps(let b)): a += b; self = .logps(a)
        default: break
        }
    }

    /// The prompt of row `i` (comparisons and logps rows have none: the empty text).
    public func prompt(_ i: Int) -> PrefText {
        switch self {
        case .pairs(let r): r[i].prompt
        case .unpaired(let r): r[i].prompt
        case .ranked(let r): r[i].prompt
        case .ratings(let r): r[i].prompt
        case .comparisons, .logps: .empty
        }
    }
}
