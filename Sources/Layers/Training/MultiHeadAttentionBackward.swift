// Shapes: B batch, T tokens, D width, H heads, Dh = D/H. Projections are `[B, T, D]` with the
// heads side by side (head h is columns h·Dh ..< (h+1)·Dh), never split into copies.

/// What `MultiHeadAttention.backward` needs from the forward pass.
public struct MultiHeadAttentionCache: Sendable {
    /// `[B, T, D]`: the input x.
    public var input: Tensor
    /// `[B, T, D]`: `Q = x Wqᵀ + bq`.
    public var query: Tensor
    /// `[B, T, D]`: `K = x Wkᵀ + bk`.
    public var key: Tensor
    /// `[B, T, D]`: `V = x Wvᵀ + bv`.
    public var value: Tensor
    /// `[B, H, T, T]`: the softmax weights, before dropout.
    public var weights: Tensor
    /// `[B, H, T, T]`: the dropout mask on the weights, `nil` without dropout.
    public var dropoutMask: Tensor?
    /// `[B, T, D]`: the heads' contexts side by side, the input of `output.dense`.
    public var context: Tensor
}

extension MultiHeadAttention {
    /// Self-attention for training, `[B, T, D] -> [B, T, D]`, with optional dropout on the attention
    /// weights (BERT's `attention_probs_dropout_prob`, drawn from `generator` in `[B, H, T, T]` order):
    ///
    ///     Q, K, V = x Wqᵀ + bq, x Wkᵀ + bk, x Wvᵀ + bv       // [B·T, D] x [D, D]^T -> [B·T, D]
    ///     context = dropout(softmax(Q Kᵀ/√Dh + mask)) V     // per head
    ///     output  = context Woᵀ + bo                        // [B·T, D] x [D, D]^T -> [B·T, D]
    public func forwardForTraining(
        _ x: Tensor, mask: AttentionMask? = nil, dropout: Float, generator: inout SeededGenerator
    ) -> (output: Tensor, cache: MultiHeadAttentionCache) {
        precondition(
            x.rank == 3 && x.shape[2] == dimension, "MultiHeadAttention expects [B, T, \(dimension)], got \(x.shape)")
        let (b, t, d) = (x.shape[0], x.shape[1], dimension)
        let q = query(x)  // [B, T, D] x [D, D]^T -> [B, T, D]
        let k = key(x)  // [B, T, D] x [D, D]^T -> [B, T, D]
        let v = value(x)  // [B, T, D] x [D, D]^T -> [B, T, D]
        let g = AttentionGeometry(
            batch: b, heads: heads, queries: t, keys: t, headDim: headDimension,
            scale: 1 / Float(headDimension).squareRoot())
        var weights = Tensor.zeros([b, heads, t, t])
        q.withUnsafeBufferPointer { pq in
            k.withUnsafeBufferPointer { pk in
                weights.withUnsafeMutableBufferPointer { w in
                    attentionWeightsForTraining(
                        query: .sideBySide(pq.baseAddress!, heads: heads, rows: t, headDim: headDimension),
                        key: .sideBySide(pk.baseAddress!, heads: heads, rows: t, headDim: headDimension),
                        geometry: g, mask: mask, weights: w.baseAddress!)
                }
            }
        }
        var applied = weights
        var dropoutMask: Tensor?
        if dropout > 0 {
            (applied, dropoutMask) = Dropout(probability: dropout).training(weights, generator: &generator)
        }
        var context = Tensor.zeros([b, t, d])
        applied.withUnsafeBufferPointer { w in
            v.withUnsafeBufferPointer { pv in
                context.withUnsafeMutableBufferPointer { c in
                    attentionContextForTraining(
                        weights: w.baseAddress!,
                        value: .sideBySide(pv.baseAddress!, heads: heads, rows: t, headDim: headDimension),
                        geometry: g, context: .sideBySide(c.baseAddress!, heads: heads, rows: t, headDim: headDimension)
                    )
                }
            }
        }
        let y = output(context)  // [B, T, D] x [D, D]^T -> [B, T, D]
        return (
            y,
            MultiHeadAttentionCache(
                input: x, query: q, key: k, value: v, weights: weights, dropoutMask: dropoutMask, context: context)
        )
    }

    /// `forwardForTraining` without dropout.
    public func forwardForTraining(_ x: Tensor, mask: AttentionMask? = nil) -> (
        output: Tensor, cache: MultiHeadAttentionCache
    ) {
        var unused = SeededGenerator(seed: 0)
        return forwardForTraining(x, mask: mask, dropout: 0, generator: &unused)
    }

    /// The backward pass of self-attention:
    ///
    ///     dContext   = output.dense backward(dY)                          // [B·T, D] x [D, D] -> [B·T, D]
    ///     dQ, dK, dV = attention backward per head (see `attentionBackward`)
    ///     dX         = dQ Wq + dK Wk + dV Wv                             // [B·T, D] x [D, D] -> [B·T, D], three times
    ///
    /// - Parameters:
    ///   - dOutput: `[B, T, D]`.
    ///   - prefix: the layer's name (`…attention` in BERT); gradients go to `prefix.self.{query,key,value}.*`
    ///     and `prefix.output.dense.*`.
    /// - Returns: `[B, T, D]`, the gradient with respect to x.
    public func backward(_ dOutput: Tensor, cache: MultiHeadAttentionCache, gradients: inout Gradients, prefix: String)
        -> Tensor
    {
        let x = cache.input
        precondition(
            dOutput.shape == x.shape, "MultiHeadAttention.backward: dOutput \(dOutput.shape) does not fit \(x.shape)")
        let (b, t, d) = (x.shape[0], x.shape[1], dimension)
        let rows = b * t
        let g = AttentionGeometry(
            batch: b, heads: heads, queries: t, keys: t, headDim: headDimension,
            scale: 1 / Float(headDimension).squareRoot())
        // [B·T, D] x [D, D] -> [B·T, D]
        let dContext = output.backward(
            dOutput, cache: LinearCache(input: cache.context), gradients: &gradients,
            prefix: joinName(prefix, "output.dense"))
        let applied = cache.dropoutMask.map { cache.weights.multiplied(by: $0) } ?? cache.weights
        // dQ, dK, dV side by side in one [3, B·T, D] buffer.
        let dqkv = UnsafeMutablePointer<Float>.allocate(capacity: max(1, 3 * rows * d))
        defer { dqkv.deallocate() }
        let (dq, dk, dv) = (dqkv, dqkv + rows * d, dqkv + 2 * rows * d)
        func view(_ p: UnsafePointer<Float>) -> HeadView {
            .sideBySide(p, heads: heads, rows: t, headDim: headDimension)
        }
        cache.query.withUnsafeBufferPointer { pq in
            cache.key.withUnsafeBufferPointer { pk in
                cache.value.withUnsafeBufferPointer { pv in
                    dContext.withUnsafeBufferPointer { pdc in
                        cache.weights.withUnsafeBufferPointer { w in
                            applied.withUnsafeBufferPointer { aw in
                                withOptionalPointer(cache.dropoutMask) { m in
                                    attentionBackward(
                                        dContext: view(pdc.baseAddress!), query: view(pq.baseAddress!),
                                        key: view(pk.baseAddress!), value: view(pv.baseAddress!),
                                        weights: w.baseAddress!, appliedWeights: aw.baseAddress!, dropoutMask: m,
                                        geometry: g,
                                        dQuery: view(dq), dKey: view(dk), dValue: view(dv))
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape) { dx in
            x.withUnsafeBufferPointer { px in
                // dX[B·T, D] = dQ x Wq + dK x Wk + dV x Wv, each [B·T, D] x [D, D]
                query.backward(
                    dq, input: px.baseAddress!, rows: rows, dInput: dx.baseAddress!, gradients: &gradients,
                    prefix: joinName(prefix, "self.query"))
                key.backward(
                    dk, input: px.baseAddress!, rows: rows, dInput: dx.baseAddress!, accumulateInput: true,
                    gradients: &gradients, prefix: joinName(prefix, "self.key"))
                value.backward(
                    dv, input: px.baseAddress!, rows: rows, dInput: dx.baseAddress!, accumulateInput: true,
                    gradients: &gradients, prefix: joinName(prefix, "self.value"))
            }
        }
    }
}
