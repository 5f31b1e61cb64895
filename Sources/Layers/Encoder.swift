/// What an encoder stack computes, with the intermediate values asked for.
public struct EncoderOutput: Sendable {
    /// `[B, T, D]`: the output of the last block (after the final norm, if any).
    public var lastHiddenState: Tensor
    /// The input and each block's output, `N + 1` tensors `[B, T, D]` (when asked).
    public var hiddenStates: [Tensor]
    /// Each block's attention weights `[B, H, T, T]` (when asked).
    public var attentions: [Tensor]
}

/// A stack of N encoder blocks (`encoder.layer.0 … encoder.layer.N-1` in BERT), with an
/// optional final layer norm (as `nn.TransformerEncoder(norm=…)` for pre-norm stacks).
public struct Encoder: ParameterVisitable, Sendable {
    public var blocks: [EncoderBlock]
    /// Applied after the last block, when present (parameter `norm`).
    public var finalNorm: LayerNorm?

    public init(blocks: [EncoderBlock], finalNorm: LayerNorm? = nil) {
        precondition(!blocks.isEmpty, "An encoder needs at least one block")
        precondition(blocks.allSatisfy { $0.dimension == blocks[0].dimension }, "Encoder blocks must share one width")
        self.blocks = blocks
        self.finalNorm = finalNorm
    }

    /// D.
    public var dimension: Int { blocks[0].dimension }

    /// `[B, T, D] -> [B, T, D]`.
    public func callAsFunction(_ x: Tensor, mask: AttentionMask? = nil) -> Tensor {
        forward(x, mask: mask).lastHiddenState
    }

    /// Runs every block, keeping the hidden states and attention weights when asked.
    public func forward(
        _ x: Tensor, mask: AttentionMask? = nil, returnHiddenStates: Bool = false, returnAttentions: Bool = false
    ) -> EncoderOutput {
        var h = x
        var states: [Tensor] = returnHiddenStates ? [x] : []
        var attentions: [Tensor] = []
        for block in blocks {
            let (out, weights) = block.forward(h, mask: mask, returnWeights: returnAttentions)
            h = out
            if returnHiddenStates { states.append(h) }
            if let weights { attentions.append(weights) }
        }
        if let finalNorm { h = finalNorm(h) }
        return EncoderOutput(lastHiddenState: h, hiddenStates: states, attentions: attentions)
    }

    /// Runs every block in place over `[rows, D]` activations grouped as `layout` says.
    public func apply(inPlace x: UnsafeMutablePointer<Float>, layout: TokenLayout) {
        for block in blocks { block.apply(inPlace: x, layout: layout) }
        finalNorm?.apply(inPlace: x, rows: layout.rows)
    }

    /// `[ΣLᵢ, D] -> [ΣLᵢ, D]` for sequences of `lengths` stored back to back, with no padding.
    public func packed(_ x: Tensor, lengths: [Int]) -> Tensor {
        precondition(
            x.rank == 2 && x.shape[1] == dimension && x.shape[0] == lengths.reduce(0, +),
            "packed input must be [\(lengths.reduce(0, +)), \(dimension)], got \(x.shape)")
        var y = x
        y.withUnsafeMutableBufferPointer { p in apply(inPlace: p.baseAddress!, layout: .packed(lengths: lengths)) }
        return y
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        for i in blocks.indices {
            try blocks[i].visitParameters(prefix: joinName(prefix, "layer.\(i)"), body)
        }
        if finalNorm != nil { try finalNorm!.visitParameters(prefix: joinName(prefix, "norm"), body) }
    }
}
