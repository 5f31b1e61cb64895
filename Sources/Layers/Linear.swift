/// A fully connected layer, `y = x Wᵀ + b`, as `torch.nn.Linear`.
///
/// The weight is stored as PyTorch stores it, `[out, in]`. Any input `[..., in]` is treated as
/// one matrix of all its rows, so a `[B, T, D]` input is a single GEMM over all B·T tokens.
public struct Linear: ParameterVisitable, Sendable {
    /// `[out, in]`.
    public var weight: Tensor
    /// `[out]`, or `nil` for a layer without bias.
    public var bias: Tensor?

    /// Input width.
    public var inFeatures: Int { weight.shape[1] }
    /// Output width.
    public var outFeatures: Int { weight.shape[0] }

    /// A layer from existing parameters.
    /// - Precondition: `weight` is `[out, in]` and `bias`, when present, is `[out]`.
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear weight must be [out, in], got \(weight.shape)")
        precondition(bias == nil || bias!.shape == [weight.shape[0]], "Linear bias must be [\(weight.shape[0])], got \(bias!.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// A freshly initialised layer.
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, initialization: Initialization = .pytorch, generator: inout SeededGenerator) {
        switch initialization {
        case .pytorch:
            let bound = 1 / Float(inFeatures).squareRoot()
            weight = .uniform([outFeatures, inFeatures], low: -bound, high: bound, generator: &generator)
            self.bias = bias ? .uniform([outFeatures], low: -bound, high: bound, generator: &generator) : nil
        case .bert(let std):
            weight = .normal([outFeatures, inFeatures], std: std, generator: &generator)
            self.bias = bias ? .zeros([outFeatures]) : nil
        }
    }

    /// `[..., in] -> [..., out]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 1 && x.shape.last == inFeatures, "Linear expects [..., \(inFeatures)], got \(x.shape)")
        let rows = x.count / inFeatures
        return Tensor(shape: Array(x.shape.dropLast()) + [outFeatures]) { y in
            x.withUnsafeBufferPointer { px in
                apply(px.baseAddress!, rows: rows, into: y.baseAddress!)
            }
        }
    }

    /// Writes `x Wᵀ + b` for `rows` rows of `x` (`[rows, in]`) into `y` (`[rows, out]`).
    public func apply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        let (n, k) = (outFeatures, inFeatures)
        var beta: Float = 0
        if let bias {
            bias.withUnsafeBufferPointer { b in
                for r in 0..<rows { (y + r * n).update(from: b.baseAddress!, count: n) }
            }
            beta = 1
        }
        weight.withUnsafeBufferPointer { w in
            // [rows, in] x [out, in]^T -> [rows, out]
            sgemm(transposeA: false, transposeB: true, m: rows, n: n, k: k,
                  a: x, lda: k, b: w.baseAddress!, ldb: k, beta: beta, c: y, ldc: n)
        }
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try body(joinName(prefix, "weight"), &weight)
        if bias != nil { try body(joinName(prefix, "bias"), &bias!) }
    }
}
