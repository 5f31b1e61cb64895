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
        precondition(
            bias == nil || bias!.shape == [weight.shape[0]],
            "Linear bias must be [\(weight.shape[0])], got \(bias!.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// A freshly initialised layer.
    public init(
        inFeatures: Int, outFeatures: Int, bias: Bool = true, initialization: Initialization = .pytorch,
        generator: inout SeededGenerator
    ) {
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

    /// Writes `activation(x Wᵀ + b)` for `rows` rows of `x` (`[rows, in]`) into `y` (`[rows, out]`).
    ///
    /// The product is split into tiles over `ComputeThreads.count` threads — by rows when there are
    /// many, by output columns when there are few (one short text) — each tile one single-threaded
    /// OpenBLAS call, with the bias and activation applied to the tile while it is in cache.
    public func apply(
        _ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, activation: Activation? = nil
    ) {
        let (n, k) = (outFeatures, inFeatures)
        guard rows > 0 else { return }
        let threads = ComputeThreads.count
        // Many rows: two row tiles a thread for balance; few rows: one column tile a thread.
        let tasks = rows >= 512 ? 2 * threads : threads
        let byRows = rows >= 16 * tasks
        weight.withUnsafeBufferPointer { w in
            let bias = self.bias
            parallelFor(tasks) { t in
                let (r0, r1, c0, c1): (Int, Int, Int, Int)
                if byRows {
                    (r0, r1, c0, c1) = (rows * t / tasks, rows * (t + 1) / tasks, 0, n)
                } else {
                    // Column tiles of a multiple of 16 so each thread's writes stay apart.
                    let block = (n + 16 * tasks - 1) / (16 * tasks) * 16
                    (r0, r1, c0, c1) = (0, rows, min(n, t * block), min(n, (t + 1) * block))
                }
                let (m, nc) = (r1 - r0, c1 - c0)
                guard m > 0, nc > 0 else { return }
                let yt = y + r0 * n + c0
                var beta: Float = 0
                if let bias {
                    bias.withUnsafeBufferPointer { b in
                        for r in 0..<m { (yt + r * n).update(from: b.baseAddress! + c0, count: nc) }
                    }
                    beta = 1
                }
                // [m, in] x [nc, in]^T -> [m, nc]
                sgemm(
                    transposeA: false, transposeB: true, m: m, n: nc, k: k,
                    a: x + r0 * k, lda: k, b: w.baseAddress! + c0 * k, ldb: k, beta: beta, c: yt, ldc: n)
                if let activation {
                    for r in 0..<m { activation.apply(inPlace: yt + r * n, count: nc) }
                }
            }
        }
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try body(joinName(prefix, "weight"), &weight)
        if bias != nil { try body(joinName(prefix, "bias"), &bias!) }
    }
}
