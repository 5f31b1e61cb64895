/// Where an encoder block puts its layer norms.
public enum NormPlacement: String, Sendable {
    /// After each residual sum: `x = LN(x + sublayer(x))` (BERT; PyTorch's `norm_first=False`).
    case post
    /// Before each sublayer: `x = x + sublayer(LN(x))` (PyTorch's `norm_first=True`).
    case pre
}

/// One Transformer encoder block: self-attention and a feed-forward block, each with a residual
/// connection and a layer norm (Vaswani et al. 2017, §3.1).
///
/// Parameters, relative to the block's prefix (`encoder.layer.N` in BERT):
/// `attention.self.{query,key,value}`, `attention.output.dense`, `attention.output.LayerNorm`,
/// `intermediate.dense`, `output.dense`, `output.LayerNorm`. With pre-norm, `attention.output.LayerNorm`
/// is the norm before attention and `output.LayerNorm` the one before the feed-forward block.
public struct EncoderBlock: ParameterVisitable, Sendable {
    public var attention: MultiHeadAttention
    /// The norm around attention (PyTorch's `norm1`).
    public var attentionNorm: LayerNorm
    public var feedForward: FeedForward
    /// The norm around the feed-forward block (PyTorch's `norm2`).
    public var outputNorm: LayerNorm
    public var placement: NormPlacement

    public init(
        attention: MultiHeadAttention, attentionNorm: LayerNorm, feedForward: FeedForward, outputNorm: LayerNorm,
        placement: NormPlacement = .post
    ) {
        self.attention = attention
        self.attentionNorm = attentionNorm
        self.feedForward = feedForward
        self.outputNorm = outputNorm
        self.placement = placement
    }

    /// A freshly initialised block.
    public init(
        dimension: Int, heads: Int, hidden: Int, activation: Activation = .gelu, placement: NormPlacement = .post,
        layerNormEpsilon: Float = 1e-5, initialization: Initialization = .pytorch, generator: inout SeededGenerator
    ) throws {
        self.init(
            attention: try MultiHeadAttention(
                dimension: dimension, heads: heads, initialization: initialization, generator: &generator),
            attentionNorm: LayerNorm(dimension: dimension, epsilon: layerNormEpsilon),
            feedForward: FeedForward(
                dimension: dimension, hidden: hidden, activation: activation, initialization: initialization,
                generator: &generator),
            outputNorm: LayerNorm(dimension: dimension, epsilon: layerNormEpsilon),
            placement: placement)
    }

    /// D.
    public var dimension: Int { attention.dimension }

    /// `[B, T, D] -> [B, T, D]`, with an optional padding/additive/causal mask.
    public func callAsFunction(_ x: Tensor, mask: AttentionMask? = nil) -> Tensor {
        forward(x, mask: mask).output
    }

    /// `[B, T, D] -> [B, T, D]`, also returning the attention weights `[B, H, T, T]` when asked.
    public func forward(_ x: Tensor, mask: AttentionMask? = nil, returnWeights: Bool = false) -> (
        output: Tensor, weights: Tensor?
    ) {
        precondition(
            x.rank == 3 && x.shape[2] == dimension, "EncoderBlock expects [B, T, \(dimension)], got \(x.shape)")
        switch placement {
        case .post:
            let a = attention.forward(x, mask: mask, returnWeights: returnWeights)
            let h = attentionNorm(x + a.output)  // LN(x + Attn(x))
            return (outputNorm(h + feedForward(h)), a.weights)  // LN(h + FF(h))
        case .pre:
            let a = attention.forward(attentionNorm(x), mask: mask, returnWeights: returnWeights)
            let h = x + a.output  // x + Attn(LN(x))
            return (h + feedForward(outputNorm(h)), a.weights)  // h + FF(LN(h))
        }
    }

    /// Applies the block in place to `[rows, D]` activations grouped as `layout` says.
    public func apply(inPlace x: UnsafeMutablePointer<Float>, layout: TokenLayout) {
        let rows = layout.rows
        let n = rows * dimension
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, 2 * n))
        defer { scratch.deallocate() }
        let sub = scratch
        let normed = scratch + n
        switch placement {
        case .post:
            attention.apply(x, layout: layout, into: sub)
            attentionNorm.apply(inPlace: x, rows: rows, adding: sub)  // x = LN(x + Attn(x))
            feedForward.apply(x, rows: rows, into: sub)
            outputNorm.apply(inPlace: x, rows: rows, adding: sub)  // x = LN(x + FF(x))
        case .pre:
            normed.update(from: x, count: n)
            attentionNorm.apply(inPlace: normed, rows: rows)
            attention.apply(normed, layout: layout, into: sub)
            addInPlace(x, sub, count: n)
            normed.update(from: x, count: n)
            outputNorm.apply(inPlace: normed, rows: rows)
            feedForward.apply(normed, rows: rows, into: sub)
            addInPlace(x, sub, count: n)
        }
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try attention.visitParameters(prefix: joinName(prefix, "attention"), body)
        try attentionNorm.visitParameters(prefix: joinName(prefix, "attention.output.LayerNorm"), body)
        try feedForward.visitParameters(prefix: prefix, body)
        try outputNorm.visitParameters(prefix: joinName(prefix, "output.LayerNorm"), body)
    }
}
