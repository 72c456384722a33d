import PrefCore

/// Named feature tensors of a dataset, in insertion order. Each tensor's first axis is the row
/// axis (shape [count, …]), so selecting rows gathers the same rows from every tensor.
///
/// Conventional names: "chosen" and "rejected" for pairs, "completion" for unpaired rows,
/// "response" for ratings, "responses" ([count, k, dim]) for ranked rows, "prompt" for any kind.
public struct FeatureSet: Sendable {
    public private(set) var names: [String] = []
    public private(set) var tensors: [Tensor] = []

    public init() {}

    public init(_ pairs: [(String, Tensor)]) {
        for (n, t) in pairs { self[n] = t }
    }

    public var isEmpty: Bool { names.isEmpty }

    /// The tensor of a name; setting nil removes it.
    public subscript(name: String) -> Tensor? {
        get { names.firstIndex(of: name).map { tensors[$0] } }
        set {
            if let i = names.firstIndex(of: name) {
                if let newValue { tensors[i] = newValue } else { names.remove(at: i); tensors.remove(at: i) }
            } else if let newValue {
                names.append(name)
                tensors.append(newValue)
            }
        }
    }

    func selecting(_ indices: [Int]) throws(TensorError) -> FeatureSet {
        guard !names.isEmpty else { return self }
        let idx = try IndexTensor(indices)
        var out = FeatureSet()
        for (n, t) in zip(names, tensors) { out[n] = try t.gather(idx, axis: 0) }
        return out
    }

    /// The features every part has (in the first part's order), each concatenated along the
    /// rows; a feature whose parts' shapes do not line up is left out, as is one some part lacks
    /// (e.g. joint pairs' chosen_prompt next to ordinary pairs' prompt).
    static func concatenating(_ parts: [FeatureSet]) -> FeatureSet {
        guard let first = parts.first else { return FeatureSet() }
        var out = FeatureSet()
        for n in first.names {
            let tensors = parts.compactMap { $0[n] }
            guard tensors.count == parts.count, let t = try? Tensor.concat(tensors, axis: 0) else { continue }
            out[n] = t
        }
        return out
    }
}
