import Layers

/// The attention weights of every layer and head for one text, with its tokens: what
/// `BertModel(output_attentions=True)` returns, for inspecting or drawing.
///
/// Shapes: L layers, H heads, T tokens. `weights(layer:head:)[i][j]` is how much token i (the
/// query, a row) attends to token j (the key, a column); each row sums to 1.
public struct AttentionMap: Sendable {
    /// The T word pieces, `[CLS]` and `[SEP]` included.
    public let tokens: [String]
    /// L.
    public let layerCount: Int
    /// H.
    public let headCount: Int
    /// One `[H, T, T]` tensor per layer.
    private let layers: [Tensor]

    /// From `EncoderOutput.attentions` for a batch of one: L tensors `[1, H, T, T]`.
    public init(tokens: [String], attentions: [Tensor]) {
        let t = tokens.count
        precondition(!attentions.isEmpty, "no attention weights")
        let h = attentions[0].shape[1]
        for a in attentions {
            precondition(
                a.shape == [1, h, t, t], "attention weights of shape \(a.shape) for \(t) tokens and \(h) heads")
        }
        self.tokens = tokens
        layerCount = attentions.count
        headCount = h
        layers = attentions.map { $0.reshaped([h, t, t]) }
    }

    /// `[T][T]` for one head of one layer (both from 0).
    public func weights(layer: Int, head: Int) -> [[Float]] {
        precondition(
            layer >= 0 && layer < layerCount && head >= 0 && head < headCount,
            "layer \(layer), head \(head) of \(layerCount)×\(headCount)")
        let t = tokens.count
        return layers[layer].withUnsafeBufferPointer { p in
            (0..<t).map { i in Array(p[(head * t + i) * t..<(head * t + i + 1) * t]) }
        }
    }

    /// `[T][T]`: the mean over the heads of one layer (rows still sum to 1).
    public func meanWeights(layer: Int) -> [[Float]] {
        let t = tokens.count
        var mean = [[Float]](repeating: [Float](repeating: 0, count: t), count: t)
        for head in 0..<headCount {
            let w = weights(layer: layer, head: head)
            for i in 0..<t { for j in 0..<t { mean[i][j] += w[i][j] / Float(headCount) } }
        }
        return mean
    }
}

extension SentenceEncoder {
    /// Runs one text through the model and keeps every layer's attention weights.
    /// - Parameter maxLength: a token limit below the model's (the text is truncated to it).
    public func attention(_ text: String, maxLength: Int? = nil) throws -> AttentionMap {
        let encoding = encode(text, maxLength: maxLength)
        let output = try model.forward(ids: [encoding.ids], typeIds: [encoding.typeIds], returnAttentions: true)
        return AttentionMap(tokens: encoding.tokens, attentions: output.attentions)
    }
}
