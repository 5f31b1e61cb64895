/// The intermediate values of one multi-head attention call, for inspection.
public struct MultiHeadAttentionOutput: Sendable {
    /// `[B, Tq, D]`: the projected output.
    public var output: Tensor
    /// `[B, H, Tq, Tk]`: scaled scores with the mask added, before the softmax (when asked).
    public var scores: Tensor?
    /// `[B, H, Tq, Tk]`: each head's attention weights (when asked).
    public var weights: Tensor?
}

/// Multi-head attention (Vaswani et al. 2017, §3.2.2), with Hugging Face BERT's parameter names.
///
/// `Q = x Wqᵀ + bq`, `K`, `V` likewise; split into H heads of width Dh = D/H; scaled dot-product
/// attention per head; heads concatenated; `output = context Woᵀ + bo`.
///
/// Parameters (relative to the prefix, `attention` in BERT): `self.query`, `self.key`,
/// `self.value`, `output.dense`, each a `Linear` `[D, D]` with bias `[D]`.
public struct MultiHeadAttention: ParameterVisitable, Sendable {
    public var query: Linear
    public var key: Linear
    public var value: Linear
    public var output: Linear
    /// H.
    public let heads: Int

    /// D.
    public var dimension: Int { query.outFeatures }
    /// Dh = D / H.
    public var headDimension: Int { dimension / heads }

    /// From existing projections.
    /// - Throws: `LayerError.invalidConfiguration` when D is not divisible by H or the projections disagree.
    public init(query: Linear, key: Linear, value: Linear, output: Linear, heads: Int) throws {
        let d = query.outFeatures
        guard heads > 0, d % heads == 0 else {
            throw LayerError.invalidConfiguration("width \(d) is not divisible by \(heads) attention heads")
        }
        guard key.outFeatures == d, value.outFeatures == d, output.inFeatures == d else {
            throw LayerError.invalidConfiguration(
                "query, key and value must all project to \(d) and the output take \(d), got \(key.outFeatures), \(value.outFeatures), \(output.inFeatures)"
            )
        }
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        self.heads = heads
    }

    /// A freshly initialised layer of width `dimension` with `heads` heads.
    public init(dimension: Int, heads: Int, initialization: Initialization = .pytorch, generator: inout SeededGenerator)
        throws
    {
        guard heads > 0, dimension > 0, dimension % heads == 0 else {
            throw LayerError.invalidConfiguration("width \(dimension) is not divisible by \(heads) attention heads")
        }
        try self.init(
            query: Linear(
                inFeatures: dimension, outFeatures: dimension, initialization: initialization, generator: &generator),
            key: Linear(
                inFeatures: dimension, outFeatures: dimension, initialization: initialization, generator: &generator),
            value: Linear(
                inFeatures: dimension, outFeatures: dimension, initialization: initialization, generator: &generator),
            output: Linear(
                inFeatures: dimension, outFeatures: dimension, initialization: initialization, generator: &generator),
            heads: heads)
    }

    /// Self-attention: `[B, T, D] -> [B, T, D]`.
    public func callAsFunction(_ x: Tensor, mask: AttentionMask? = nil) -> Tensor {
        forward(x, mask: mask).output
    }

    /// Attention of `query` `[B, Tq, D]` over `keyValue` `[B, Tk, D]` (self-attention when `nil`),
    /// returning the scores and weights `[B, H, Tq, Tk]` when asked.
    public func forward(
        _ x: Tensor, keyValue: Tensor? = nil, mask: AttentionMask? = nil,
        returnScores: Bool = false, returnWeights: Bool = false
    ) -> MultiHeadAttentionOutput {
        precondition(
            x.rank == 3 && x.shape[2] == dimension, "MultiHeadAttention expects [B, T, \(dimension)], got \(x.shape)")
        let kv = keyValue ?? x
        precondition(
            kv.rank == 3 && kv.shape[0] == x.shape[0] && kv.shape[2] == dimension,
            "key/value \(kv.shape) does not fit query \(x.shape)")
        let (b, tq, tk, d) = (x.shape[0], x.shape[1], kv.shape[1], dimension)
        let q = query(x)  // [B, Tq, D] x [D, D]^T -> [B, Tq, D]
        let k = key(kv)  // [B, Tk, D] x [D, D]^T -> [B, Tk, D]
        let v = value(kv)  // [B, Tk, D] x [D, D]^T -> [B, Tk, D]
        var context = Tensor.zeros([b, tq, d])
        // Fresh tensors own their storage alone, so the kernel writes into them directly.
        let scores: Tensor? = returnScores ? .zeros([b, heads, tq, tk]) : nil
        let weights: Tensor? = returnWeights ? .zeros([b, heads, tq, tk]) : nil
        q.withUnsafeBufferPointer { pq in
            k.withUnsafeBufferPointer { pk in
                v.withUnsafeBufferPointer { pv in
                    context.withUnsafeMutableBufferPointer { pc in
                        // [B, T, D] seen as heads side by side: head h is columns h·Dh ..< (h+1)·Dh.
                        attentionKernel(
                            query: AttentionOperand(
                                base: pq.baseAddress!, offsets: (0..<b).map { $0 * tq * d }, headStride: headDimension,
                                rowStride: d),
                            key: AttentionOperand(
                                base: pk.baseAddress!, offsets: (0..<b).map { $0 * tk * d }, headStride: headDimension,
                                rowStride: d),
                            value: AttentionOperand(
                                base: pv.baseAddress!, offsets: (0..<b).map { $0 * tk * d }, headStride: headDimension,
                                rowStride: d),
                            context: pc.baseAddress!, contextOffsets: (0..<b).map { $0 * tq * d },
                            contextHeadStride: headDimension, contextRowStride: d,
                            queryLengths: Array(repeating: tq, count: b), keyLengths: Array(repeating: tk, count: b),
                            heads: heads, headDim: headDimension, scale: 1 / Float(headDimension).squareRoot(),
                            mask: mask, scoresOut: scores?.storage.base, weightsOut: weights?.storage.base)
                    }
                }
            }
        }
        // [B, Tq, D] x [D, D]^T -> [B, Tq, D]
        return MultiHeadAttentionOutput(output: output(context), scores: scores, weights: weights)
    }

    /// Self-attention over rows `[rows, D]` grouped as `layout` says, writing `[rows, D]` into `y`.
    /// With a packed layout each sequence attends only to its own rows and no padding is computed.
    public func apply(_ x: UnsafePointer<Float>, layout: TokenLayout, into y: UnsafeMutablePointer<Float>) {
        let rows = layout.rows
        let d = dimension
        let qkv = UnsafeMutablePointer<Float>.allocate(capacity: 3 * rows * d)
        let context = UnsafeMutablePointer<Float>.allocate(capacity: rows * d)
        defer {
            qkv.deallocate()
            context.deallocate()
        }
        query.apply(x, rows: rows, into: qkv)  // [rows, D] x [D, D]^T -> [rows, D]
        key.apply(x, rows: rows, into: qkv + rows * d)
        value.apply(x, rows: rows, into: qkv + 2 * rows * d)
        let sequences = layout.sequences
        let offsets = sequences.map { $0.start * d }
        let lengths = sequences.map { $0.length }
        attentionKernel(
            query: AttentionOperand(base: qkv, offsets: offsets, headStride: headDimension, rowStride: d),
            key: AttentionOperand(base: qkv + rows * d, offsets: offsets, headStride: headDimension, rowStride: d),
            value: AttentionOperand(
                base: qkv + 2 * rows * d, offsets: offsets, headStride: headDimension, rowStride: d),
            context: context, contextOffsets: offsets, contextHeadStride: headDimension, contextRowStride: d,
            queryLengths: lengths, keyLengths: lengths, heads: heads, headDim: headDimension,
            scale: 1 / Float(headDimension).squareRoot(), mask: layout.mask)
        output.apply(context, rows: rows, into: y)  // [rows, D] x [D, D]^T -> [rows, D]
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try query.visitParameters(prefix: joinName(prefix, "self.query"), body)
        try key.visitParameters(prefix: joinName(prefix, "self.key"), body)
        try value.visitParameters(prefix: joinName(prefix, "self.value"), body)
        try output.visitParameters(prefix: joinName(prefix, "output.dense"), body)
    }
}
