import PrefCore

extension Dataset {
    /// The same pairs with chosen and rejected exchanged where `swap[i]` (the row's scores and
    /// every paired feature `chosen…`/`rejected…`, ids included), and each row's annotator set
    /// to `annotators[i]` when given: how a labelling source orients unlabelled pairs.
    public func orientingPairs(swap: [Bool], annotators: [String]? = nil) throws(DataError) -> Dataset {
        guard case .pairs(var ps) = rows else { throw DataError("needs pairs, got \(kind.rawValue)") }
        guard swap.count == ps.count, annotators.map({ $0.count == ps.count }) ?? true else {
            throw DataError("\(swap.count) labels for \(ps.count) pairs")
        }
        for i in ps.indices {
            if swap[i] {
                let p = ps[i]
                (ps[i].chosen, ps[i].rejected) = (p.rejected, p.chosen)
                (ps[i].scoreChosen, ps[i].scoreRejected) = (p.scoreRejected, p.scoreChosen)
            }
            if let annotators { ps[i].annotator = annotators[i] }
        }
        var out = self
        out.rows = .pairs(ps)
        let n = ps.count
        for name in features.names where name.hasPrefix("chosen") {
            let other = "rejected" + name.dropFirst("chosen".count)
            guard let a = features[name], let b = features[other], a.shape == b.shape, a.rank >= 1, a.shape[0] == n else { continue }
            let both = try tensorSafe { () throws(TensorError) in try Tensor.concat([a, b], axis: 0) }
            out.features[name] = try tensorSafe { () throws(TensorError) in try both.gather(try IndexTensor((0..<n).map { swap[$0] ? n + $0 : $0 })) }
            out.features[other] = try tensorSafe { () throws(TensorError) in try both.gather(try IndexTensor((0..<n).map { swap[$0] ? $0 : n + $0 })) }
        }
        return out
    }
}
