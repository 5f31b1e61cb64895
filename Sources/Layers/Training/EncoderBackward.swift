// Shapes: B batch, T tokens, D width.

/// What `Encoder.backward` needs from the forward pass.
public struct EncoderCache: Sendable {
    /// One cache per block, in order.
    public var blocks: [EncoderBlockCache]
    /// The final norm's cache, when the encoder has one.
    public var finalNorm: LayerNormCache?
}

extension Encoder {
    /// Every block for training, `[B, T, D] -> [B, T, D]`, then the final norm if any.
    /// Dropout masks are drawn from `generator` block after block.
    public func forwardForTraining(
        _ x: Tensor, mask: AttentionMask? = nil, dropout rates: DropoutRates, generator: inout SeededGenerator
    ) -> (output: Tensor, cache: EncoderCache) {
        var h = x
        var caches: [EncoderBlockCache] = []
        caches.reserveCapacity(blocks.count)
        for block in blocks {
            let (out, cache) = block.forwardForTraining(h, mask: mask, dropout: rates, generator: &generator)
            h = out
            caches.append(cache)
        }
        var normCache: LayerNormCache?
        if let finalNorm { (h, normCache) = finalNorm.forwardForTraining(h) }
        return (h, EncoderCache(blocks: caches, finalNorm: normCache))
    }

    /// `forwardForTraining` without dropout.
    public func forwardForTraining(_ x: Tensor, mask: AttentionMask? = nil) -> (output: Tensor, cache: EncoderCache) {
        var unused = SeededGenerator(seed: 0)
        return forwardForTraining(x, mask: mask, dropout: .none, generator: &unused)
    }

    /// The backward pass: the final norm, then the blocks in reverse order.
    /// - Parameters:
    ///   - dOutput: `[B, T, D]`.
    ///   - prefix: the encoder's name (`encoder`); gradients go to `prefix.layer.N.*` and `prefix.norm.*`.
    /// - Returns: `[B, T, D]`, the gradient with respect to the encoder's input.
    public func backward(_ dOutput: Tensor, cache: EncoderCache, gradients: inout Gradients, prefix: String) -> Tensor {
        precondition(
            cache.blocks.count == blocks.count,
            "Encoder.backward: \(cache.blocks.count) block caches for \(blocks.count) blocks")
        var d = dOutput
        if let finalNorm, let normCache = cache.finalNorm {
            d = finalNorm.backward(d, cache: normCache, gradients: &gradients, prefix: joinName(prefix, "norm"))
        }
        for i in blocks.indices.reversed() {
            d = blocks[i].backward(
                d, cache: cache.blocks[i], gradients: &gradients, prefix: joinName(prefix, "layer.\(i)"))
        }
        return d
    }
}
