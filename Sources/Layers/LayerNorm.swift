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
        precondition(weight.rank == 1 && bias.shape == weight.shape, "LayerNorm weight and bias must both be [D], got \(weight.shape) and \(bias.shape)")
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

    /// Normalises `rows` rows of width D in place.
    public func apply(inPlace x: UnsafeMutablePointer<Float>, rows: Int) {
        let d = dimension
        weight.withUnsafeBufferPointer { g in
            bias.withUnsafeBufferPointer { b in
                for r in 0..<rows {
                    layerNormRow(x + r * d, count: d, gamma: g.baseAddress!, beta: b.baseAddress!, epsilon: epsilon)
                }
            }
        }
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try body(joinName(prefix, "weight"), &weight)
        try body(joinName(prefix, "bias"), &bias)
    }
}

/// One row of layer norm in place: two passes (mean, then variance of the deviations) for accuracy.
@inlinable
func layerNormRow(_ x: UnsafeMutablePointer<Float>, count d: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
    var sum: Float = 0
    for j in 0..<d { sum += x[j] }
    let mean = sum / Float(d)
    var sq: Float = 0
    for j in 0..<d {
        let c = x[j] - mean
        sq += c * c
    }
    let inv = 1 / (sq / Float(d) + epsilon).squareRoot()
    for j in 0..<d { x[j] = (x[j] - mean) * inv * gamma[j] + beta[j] }
}
