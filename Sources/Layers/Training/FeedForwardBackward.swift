// Shapes: N rows (B·T), D width, F hidden width.

/// What `FeedForward.backward` needs from the forward pass.
public struct FeedForwardCache: Sendable {
    /// `[..., D]`: the block's input.
    public var input: Tensor
    /// `[..., F]`: `intermediate(x)`, before the activation.
    public var preActivation: Tensor
    /// `[..., F]`: `activation(intermediate(x))`, the input of `output`.
    public var hidden: Tensor
}

extension FeedForward {
    /// The forward pass, `y = output(activation(intermediate(x)))`, keeping what `backward` needs.
    /// (BERT has no dropout inside this block; the dropout after `output.dense` belongs to `EncoderBlock`.)
    /// - Parameter x: `[..., D]`. Returns `[..., D]`.
    public func forwardForTraining(_ x: Tensor) -> (output: Tensor, cache: FeedForwardCache) {
        let pre = intermediate(x)  // [N, D] x [F, D]^T -> [N, F]
        let hidden = activation(pre)
        let y = output(hidden)  // [N, F] x [D, F]^T -> [N, D]
        return (y, FeedForwardCache(input: x, preActivation: pre, hidden: hidden))
    }

    /// The backward pass:
    ///
    ///     dH   = dY Wo                 // [N, D] x [D, F] -> [N, F]   (and dWo, dbo)
    ///     dPre = dH · f′(pre)
    ///     dX   = dPre Wi               // [N, F] x [F, D] -> [N, D]   (and dWi, dbi)
    ///
    /// - Parameters:
    ///   - dOutput: `[..., D]`.
    ///   - prefix: the block's prefix (`encoder.layer.N` in BERT); gradients go to
    ///     `prefix.intermediate.dense.*` and `prefix.output.dense.*`.
    /// - Returns: `[..., D]`.
    public func backward(_ dOutput: Tensor, cache: FeedForwardCache, gradients: inout Gradients, prefix: String)
        -> Tensor
    {
        let dHidden = output.backward(
            dOutput, cache: LinearCache(input: cache.hidden), gradients: &gradients,
            prefix: joinName(prefix, "output.dense"))
        let dPre = activation.backward(dHidden, cache: ActivationCache(input: cache.preActivation))
        return intermediate.backward(
            dPre, cache: LinearCache(input: cache.input), gradients: &gradients,
            prefix: joinName(prefix, "intermediate.dense"))
    }
}
