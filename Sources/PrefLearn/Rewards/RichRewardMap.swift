import PrefCore

/// The feature map shared by the richer reward models (GPM's value head, PAL's item projector,
/// the mixture-of-experts' capability experts): an affine map f(x) = xW + b when `hidden` is 0,
/// else a one-hidden-layer tanh MLP f(x) = tanh(xW₁ + b₁)W₂ + b₂ (spec §9.5: "MLP (tanh, H)").
/// Weights are drawn N(0, 1/fan_in) from the given stream; biases start at 0.
public struct RichRewardMap: Sendable {
    public let inputDim: Int
    public let outputDim: Int
    public let hidden: Int
    /// [W, b] or [W₁, b₁, W₂, b₂].
    public let parameters: [Parameter]

    public init(inputDim: Int, outputDim: Int, hidden: Int = 0, name: String, rng: inout RandomStream,
                dtype: DType = .f64) throws(TensorError) {
        guard inputDim >= 1, outputDim >= 1, hidden >= 0 else {
            throw TensorError(op: name, "dimensions must be positive (input \(inputDim), output \(outputDim), hidden \(hidden))")
        }
        self.inputDim = inputDim
        self.outputDim = outputDim
        self.hidden = hidden
        func layer(_ fanIn: Int, _ fanOut: Int, _ tag: String, rng: inout RandomStream) -> [Parameter] {
            [Parameter(rng.normalTensor([fanIn, fanOut], std: 1 / Double(fanIn).squareRoot(), dtype: dtype), name: "\(name).W\(tag)"),
             Parameter(Tensor(zeros: [1, fanOut], dtype: dtype), name: "\(name).b\(tag)")]
        }
        parameters = hidden == 0
            ? layer(inputDim, outputDim, "", rng: &rng)
            : layer(inputDim, hidden, "1", rng: &rng) + layer(hidden, outputDim, "2", rng: &rng)
    }

    /// f(x) for a batch x of shape [B, inputDim], with `params` the recorded parameters (in the
    /// order of `parameters`). Returns [B, outputDim].
    public func apply(_ x: Var, _ params: ArraySlice<Var>) throws(TensorError) -> Var {
        let p = Array(params)
        guard p.count == parameters.count else {
            throw TensorError(op: "reward map", "expected \(parameters.count) parameters, got \(p.count)")
        }
        guard x.shape.rank == 2, x.shape[1] == inputDim else {
            throw TensorError(op: "reward map", "features must be [n, \(inputDim)], got \(x.shape)",
                              hint: "the model was built for \(inputDim) features per response")
        }
        let first = try x.matmul(p[0]) + p[1]
        return hidden == 0 ? first : try first.tanh().matmul(p[2]) + p[3]
    }
}
