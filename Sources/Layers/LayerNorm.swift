/// Layer normalisation over the last dimension, as `torch.nn.LayerNorm`:
/// `y = (x − mean) / √(var + ε) · weight + bias`, with the biased variance.
///
/// BERT uses ε = 1e-12; PyTorch's default is 1e-5. (Ba, Kiros, Hinton 2016.)
public struct LayerNorm: ParameterVisitable, Sendable {
    /// `[D]`, γ.
    public var weight: Tensor
    /// `[D]`, β.
    public var bias: Tensor
    /// Added to the variance before the square root.
    public var epsilon: Float

    /// Ones and zeros, as PyTorch initialises it.
    public init(dimension: Int, epsilon: Float = 1e-5) {
        weight = Tensor(repeating: 1, shape: [dimension])
        bias = .zeros([dimension])
        self.epsilon = epsilon
    }

    /// From existing parameters, each `[D]`.
    public init(weight: Tensor, bias: Tensor, epsilon: Float = 1e-5) {
        precondition(
            weight.rank == 1 && bias.shape == weight.shape,
            "LayerNorm weight and bias must both be [D], got \(weight.shape) and \(bias.shape)")
        self.weight = weight
        self.bias = bias
        self.epsilon = epsilon
    }

    /// The width normalised.
    public var dimension: Int { weight.shape[0] }

    /// `[..., D] -> [..., D]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == dimension, "LayerNorm expects [..., \(dimension)], got \(x.shape)")
        var y = x
        y.withUnsafeMutableBufferPointer { p in apply(inPlace: p.baseAddress!, rows: x.count / dimension) }
        return y
    }

    /// Normalises `rows` rows of width D in place; with `residual`, first adds it (`x += residual`).
    /// Rows are spread over `ComputeThreads.count` threads when there are many.
    public func apply(inPlace x: UnsafeMutablePointer<Float>, rows: Int, adding residual: UnsafePointer<Float>? = nil) {
        let d = dimension
        let tasks = rows >= 64 ? ComputeThreads.count : 1
        weight.withUnsafeBufferPointer { g in
            bias.withUnsafeBufferPointer { b in
                let (gp, bp, eps) = (g.baseAddress!, b.baseAddress!, epsilon)
                let xs = UncheckedSendable(x)
                let rs = UncheckedSendable(residual)
                parallelFor(tasks) { t in
                    for r in (rows * t / tasks)..<(rows * (t + 1) / tasks) {
                        if let res = rs.value { addInPlace(xs.value + r * d, res + r * d, count: d) }
                        layerNormRow(xs.value + r * d, count: d, gamma: gp, beta: bp, epsilon: eps)
                    }
                }
            }
        }
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try body(joinName(prefix, "weight"), &weight)
        try body(joinName(prefix, "bias"), &bias)
    }
}
