/// The dropout probabilities of a BERT-style encoder in training (Devlin et al. 2019, §A.2):
/// `attention` on the attention weights (`attention_probs_dropout_prob`), `hidden` after the
/// embeddings' LayerNorm and on each sublayer's output before its residual sum (`hidden_dropout_prob`).
public struct DropoutRates: Sendable, Equatable {
    /// On the softmax weights of every head, in `[0, 1)`.
    public var attention: Float
    /// On the embeddings and on the attention and feed-forward outputs, in `[0, 1)`.
    public var hidden: Float

    public init(attention: Float, hidden: Float) {
        precondition(
            (0..<1).contains(attention) && (0..<1).contains(hidden),
            "dropout probabilities must be in [0, 1), got \(attention) and \(hidden)")
        self.attention = attention
        self.hidden = hidden
    }

    /// No dropout (evaluation, or gradient checks).
    public static let none = DropoutRates(attention: 0, hidden: 0)
}

/// Applies dropout with probability `p` when `p > 0`, returning the output and the mask
/// (`nil` when nothing was dropped).
func dropoutForTraining(_ x: Tensor, probability p: Float, generator: inout SeededGenerator) -> (
    output: Tensor, mask: Tensor?
) {
    guard p > 0 else { return (x, nil) }
    let (y, mask) = Dropout(probability: p).training(x, generator: &generator)
    return (y, mask)
}

/// `dY · mask`, or `dY` when there was no dropout.
func dropoutBackward(_ dOutput: Tensor, mask: Tensor?) -> Tensor {
    guard let mask else { return dOutput }
    return dOutput.multiplied(by: mask)
}
