// Shapes: B batch, T tokens, D width (every tensor here is [B, T, D]).

/// What `EncoderBlock.backward` needs from the forward pass.
public struct EncoderBlockCache: Sendable {
    public var attention: MultiHeadAttentionCache
    /// The dropout mask on the attention output, `nil` without dropout.
    public var attentionDropoutMask: Tensor?
    public var attentionNorm: LayerNormCache
    public var feedForward: FeedForwardCache
    /// The dropout mask on the feed-forward output, `nil` without dropout.
    public var feedForwardDropoutMask: Tensor?
    public var outputNorm: LayerNormCache
}

extension EncoderBlock {
    /// One block for training, `[B, T, D] -> [B, T, D]`, with BERT's dropouts (`rates.attention` on the
    /// attention weights, `rates.hidden` on each sublayer's output before the residual sum):
    ///
    ///     post:  h = LN₁(x + drop(Attn(x)))          y = LN₂(h + drop(FF(h)))
    ///     pre:   h = x + drop(Attn(LN₁(x)))          y = h + drop(FF(LN₂(h)))
    ///
    /// Dropout masks are drawn from `generator` in the order: attention weights, attention output,
    /// feed-forward output.
    public func forwardForTraining(
        _ x: Tensor, mask: AttentionMask? = nil, dropout rates: DropoutRates, generator: inout SeededGenerator
    ) -> (output: Tensor, cache: EncoderBlockCache) {
        precondition(
            x.rank == 3 && x.shape[2] == dimension, "EncoderBlock expects [B, T, \(dimension)], got \(x.shape)")
        switch placement {
        case .post:
            let (a, attentionCache) = attention.forwardForTraining(
                x, mask: mask, dropout: rates.attention, generator: &generator)
            let (aDropped, aMask) = dropoutForTraining(a, probability: rates.hidden, generator: &generator)
            let (h, norm1) = attentionNorm.forwardForTraining(x + aDropped)  // LN₁(x + Attn(x))
            let (f, ffCache) = feedForward.forwardForTraining(h)
            let (fDropped, fMask) = dropoutForTraining(f, probability: rates.hidden, generator: &generator)
            let (y, norm2) = outputNorm.forwardForTraining(h + fDropped)  // LN₂(h + FF(h))
            return (
                y,
                EncoderBlockCache(
                    attention: attentionCache, attentionDropoutMask: aMask, attentionNorm: norm1,
                    feedForward: ffCache, feedForwardDropoutMask: fMask, outputNorm: norm2)
            )
        case .pre:
            let (n1, norm1) = attentionNorm.forwardForTraining(x)
            let (a, attentionCache) = attention.forwardForTraining(
                n1, mask: mask, dropout: rates.attention, generator: &generator)
            let (aDropped, aMask) = dropoutForTraining(a, probability: rates.hidden, generator: &generator)
            let h = x + aDropped  // x + Attn(LN₁(x))
            let (n2, norm2) = outputNorm.forwardForTraining(h)
            let (f, ffCache) = feedForward.forwardForTraining(n2)
            let (fDropped, fMask) = dropoutForTraining(f, probability: rates.hidden, generator: &generator)
            return (
                h + fDropped,
                EncoderBlockCache(
                    attention: attentionCache, attentionDropoutMask: aMask, attentionNorm: norm1,
                    feedForward: ffCache, feedForwardDropoutMask: fMask, outputNorm: norm2)
            )  // h + FF(LN₂(h))
        }
    }

    /// `forwardForTraining` without dropout.
    public func forwardForTraining(_ x: Tensor, mask: AttentionMask? = nil) -> (
        output: Tensor, cache: EncoderBlockCache
    ) {
        var unused = SeededGenerator(seed: 0)
        return forwardForTraining(x, mask: mask, dropout: .none, generator: &unused)
    }

    /// The backward pass; each residual sum sends its gradient down both branches and adds them:
    ///
    ///     post:  dS₂ = LN₂ᵀ(dY);  dH = dS₂ + FFᵀ(drop(dS₂));  dS₁ = LN₁ᵀ(dH);  dX = dS₁ + Attnᵀ(drop(dS₁))
    ///     pre:   dH = dY + LN₂ᵀ(FFᵀ(drop(dY)));  dX = dH + LN₁ᵀ(Attnᵀ(drop(dH)))
    ///
    /// - Parameters:
    ///   - dOutput: `[B, T, D]`.
    ///   - prefix: the block's name (`encoder.layer.N`); gradients go under the names of `visitParameters`.
    /// - Returns: `[B, T, D]`, the gradient with respect to the block's input.
    public func backward(_ dOutput: Tensor, cache: EncoderBlockCache, gradients: inout Gradients, prefix: String)
        -> Tensor
    {
        let attentionPrefix = joinName(prefix, "attention")
        let norm1Prefix = joinName(prefix, "attention.output.LayerNorm")
        let norm2Prefix = joinName(prefix, "output.LayerNorm")
        switch placement {
        case .post:
            let dS2 = outputNorm.backward(dOutput, cache: cache.outputNorm, gradients: &gradients, prefix: norm2Prefix)
            let dF = dropoutBackward(dS2, mask: cache.feedForwardDropoutMask)
            let dH = dS2 + feedForward.backward(dF, cache: cache.feedForward, gradients: &gradients, prefix: prefix)
            let dS1 = attentionNorm.backward(dH, cache: cache.attentionNorm, gradients: &gradients, prefix: norm1Prefix)
            let dA = dropoutBackward(dS1, mask: cache.attentionDropoutMask)
            return dS1 + attention.backward(dA, cache: cache.attention, gradients: &gradients, prefix: attentionPrefix)
        case .pre:
            let dF = dropoutBackward(dOutput, mask: cache.feedForwardDropoutMask)
            let dN2 = feedForward.backward(dF, cache: cache.feedForward, gradients: &gradients, prefix: prefix)
            let dH =
                dOutput + outputNorm.backward(dN2, cache: cache.outputNorm, gradients: &gradients, prefix: norm2Prefix)
            let dA = dropoutBackward(dH, mask: cache.attentionDropoutMask)
            let dN1 = attention.backward(dA, cache: cache.attention, gradients: &gradients, prefix: attentionPrefix)
            return dH
                + attentionNorm.backward(dN1, cache: cache.attentionNorm, gradients: &gradients, prefix: norm1Prefix)
        }
    }
}
