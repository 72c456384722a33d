/// An optimizer's per-parameter state as named tensors and step counts, for checkpoints:
/// `state()` copies it out, `restore(_:)` copies it back, so a resumed optimizer continues
/// bit-identically. Names are "<position>/<buffer>" ("0/m", "0/v", "0/vmax", "0/momentum").
public protocol OptimizerStateful: Optimizer {
    /// The state tensors (copies) and each parameter's update count (-1: no state yet).
    func state() -> (tensors: [(name: String, tensor: Tensor)], steps: [Int])
    /// Replaces the state; throws when a tensor does not fit its parameter.
    func restore(tensors: [String: Tensor], steps: [Int]) throws(TensorError)
}

extension AdamEngine {
    func export() -> (tensors: [(name: String, tensor: Tensor)], steps: [Int]) {
        var out = [(name: String, tensor: Tensor)]()
        for (i, s) in state.enumerated() {
            guard let s else { continue }
            out += [("\(i)/m", s.m.copy()), ("\(i)/v", s.v.copy())]
            if let vm = s.vMax { out.append(("\(i)/vmax", vm.copy())) }
        }
        return (out, state.map { $0?.step ?? -1 })
    }

    mutating func load(_ parameters: [Parameter], _ tensors: [String: Tensor], _ steps: [Int], op: String) throws(TensorError) {
        guard steps.count == parameters.count else { throw TensorError(op: op, "the state has \(steps.count) parameters, not \(parameters.count)") }
        var next = [AdamMoments?]()
        for (i, p) in parameters.enumerated() {
            guard steps[i] >= 0 else { next.append(nil); continue }
            guard let m = tensors["\(i)/m"], let v = tensors["\(i)/v"] else { throw TensorError(op: op, "the state of parameter #\(i) is missing") }
            for t in [m, v] { try requireStateFits(t, p, i, op: op) }
            next.append(AdamMoments(m: m.copy(), v: v.copy(), vMax: tensors["\(i)/vmax"]?.copy(), step: steps[i]))
        }
        state = next
    }
}

extension Adam: OptimizerStateful {
    public func state() -> (tensors: [(name: String, tensor: Tensor)], steps: [Int]) { engine.export() }
    public func restore(tensors: [String: Tensor], steps: [Int]) throws(TensorError) {
        try engine.load(parameters, tensors, steps, op: "adam")
    }
}

extension AdamW: OptimizerStateful {
    public func state() -> (tensors: [(name: String, tensor: Tensor)], steps: [Int]) { engine.export() }
    public func restore(tensors: [String: Tensor], steps: [Int]) throws(TensorError) {
        try engine.load(parameters, tensors, steps, op: "adamw")
    }
}

extension SGD: OptimizerStateful {
    public func state() -> (tensors: [(name: String, tensor: Tensor)], steps: [Int]) {
        (buffers.enumerated().compactMap { i, b in b.map { ("\(i)/momentum", $0.copy()) } }, buffers.map { $0 == nil ? -1 : 0 })
    }
    public func restore(tensors: [String: Tensor], steps: [Int]) throws(TensorError) {
        guard steps.count == parameters.count else { throw TensorError(op: "sgd", "the state has \(steps.count) parameters, not \(parameters.count)") }
        var next = [Tensor?]()
        for (i, p) in parameters.enumerated() {
            guard steps[i] >= 0, let b = tensors["\(i)/momentum"] else { next.append(nil); continue }
            try requireStateFits(b, p, i, op: "sgd")
            next.append(b.copy())
        }
        buffers = next
    }
}
