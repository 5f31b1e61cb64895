import Foundation
import Layers

// Shapes: B batch, T tokens, D width.

/// What `BertModel.forwardForTraining` computes.
public struct BertTrainingOutput: Sendable {
    /// `[B, T, D]`: the last hidden state.
    public var lastHiddenState: Tensor
    /// `[B, D]`: the pooler output `tanh(dense(h[CLS]))`, when the model has a pooler.
    public var pooled: Tensor?
}

/// What `BertModel.backward` needs from the forward pass.
public struct BertModelCache: Sendable {
    public var embeddings: BertEmbeddingsCache
    public var encoder: EncoderCache
    /// `[B, D]`: each sequence's first hidden row, the pooler's input.
    public var firstRows: Tensor?
    /// `[B, D]`: the pooler output (its tanh), for the tanh derivative.
    public var pooled: Tensor?
    /// `[B, T, D]`.
    public var hiddenShape: [Int]
}

extension BertConfig {
    /// The dropout probabilities the configuration asks for in training.
    public var dropoutRates: DropoutRates {
        DropoutRates(attention: Float(attentionProbsDropoutProb), hidden: Float(hiddenDropoutProb))
    }
}

extension BertModel {
    /// The forward pass for training on a padded batch, as `transformers.BertModel(input_ids,
    /// token_type_ids, attention_mask)` in training mode: embeddings, the encoder blocks and,
    /// when present, the pooler. As there, the word embedding of `pad_token_id` gets no gradient. Dropout masks (embeddings, then block after block) are drawn from
    /// `generator`; pass `config.dropoutRates` for BERT's, `.none` for none.
    ///
    /// - Parameters:
    ///   - ids: `[B][T]` token ids (padding included).
    ///   - typeIds: `[B][T]` token type ids (default all 0).
    ///   - attentionMask: `[B][T]`, 1 for real tokens, 0 for padding (default all real).
    /// - Throws: `LayerError.invalidInput` or `ModelError.invalidInput` for inputs the model cannot take.
    public func forwardForTraining(
        ids: [[Int]], typeIds: [[Int]]? = nil, attentionMask: [[Int]]? = nil,
        dropout rates: DropoutRates, generator: inout SeededGenerator
    ) throws -> (output: BertTrainingOutput, cache: BertModelCache) {
        let (b, t) = (ids.count, ids.first?.count ?? 0)
        guard b > 0, t > 0 else {
            throw ModelError.invalidInput("an empty batch (\(b) sequences of \(t) tokens) cannot be trained on")
        }
        var mask: AttentionMask?
        if let attentionMask {
            guard attentionMask.count == b, attentionMask.allSatisfy({ $0.count == t }) else {
                throw ModelError.invalidInput("attention mask shape does not match the ids [\(b)][\(t)]")
            }
            mask = AttentionMask(attentionMask: Tensor(attentionMask.flatMap { $0.map(Float.init) }, shape: [b, t]))
        }
        let (x, embeddingsCache) = try embeddings.forwardForTraining(
            ids: ids, typeIds: typeIds, paddingId: config.padTokenId, dropout: rates.hidden, generator: &generator)
        let (h, encoderCache) = encoder.forwardForTraining(x, mask: mask, dropout: rates, generator: &generator)
        var firstRows: Tensor?
        var pooled: Tensor?
        if pooler != nil {
            let first = Self.firstRows(of: h)  // [B, D]
            firstRows = first
            pooled = self.pooled(firstRows: first)
        }
        return (
            BertTrainingOutput(lastHiddenState: h, pooled: pooled),
            BertModelCache(
                embeddings: embeddingsCache, encoder: encoderCache, firstRows: firstRows, pooled: pooled,
                hiddenShape: h.shape)
        )
    }

    /// `forwardForTraining` without dropout.
    public func forwardForTraining(ids: [[Int]], typeIds: [[Int]]? = nil, attentionMask: [[Int]]? = nil) throws -> (
        output: BertTrainingOutput, cache: BertModelCache
    ) {
        var unused = SeededGenerator(seed: 0)
        return try forwardForTraining(
            ids: ids, typeIds: typeIds, attentionMask: attentionMask, dropout: .none, generator: &unused)
    }

    /// The backward pass of the whole model, accumulating the gradient of every parameter under its
    /// Hugging Face name (`embeddings.*`, `encoder.layer.N.*`, `pooler.dense.*`, after `prefix`):
    ///
    ///     dFirst = (dPooled · (1 − pooled²)) Wp       // [B, D] x [D, D] -> [B, D]  (tanh, then dense)
    ///     dH     = dLastHiddenState, plus dFirst on each sequence's row 0
    ///     then the encoder and the embeddings backward.
    ///
    /// - Parameters:
    ///   - dLastHiddenState: `[B, T, D]`, or `nil` when the loss does not use it (zeros).
    ///   - dPooled: `[B, D]`, or `nil` when the loss does not use the pooler (it then gets no gradient).
    public func backward(
        _ dLastHiddenState: Tensor?, dPooled: Tensor? = nil, cache: BertModelCache, gradients: inout Gradients,
        prefix: String = ""
    ) {
        let shape = cache.hiddenShape
        let (b, t, d) = (shape[0], shape[1], shape[2])
        var dh = dLastHiddenState ?? .zeros(shape)
        precondition(dh.shape == shape, "BertModel.backward: dLastHiddenState \(dh.shape) does not fit \(shape)")
        if let dPooled, let pooler, let pooled = cache.pooled, let first = cache.firstRows {
            precondition(
                dPooled.shape == [b, d], "BertModel.backward: dPooled \(dPooled.shape) does not fit [\(b), \(d)]")
            // tanh′ = 1 − tanh²
            var dDense = dPooled
            dDense.withUnsafeMutableBufferPointer { g in
                pooled.withUnsafeBufferPointer { y in for i in 0..<g.count { g[i] *= 1 - y[i] * y[i] } }
            }
            // [B, D] x [D, D] -> [B, D]
            let dFirst = pooler.backward(
                dDense, cache: LinearCache(input: first), gradients: &gradients,
                prefix: joinName(prefix, "pooler.dense"))
            dh.withUnsafeMutableBufferPointer { g in
                dFirst.withUnsafeBufferPointer { f in
                    for bi in 0..<b { for j in 0..<d { g[bi * t * d + j] += f[bi * d + j] } }
                }
            }
        }
        let dx = encoder.backward(dh, cache: cache.encoder, gradients: &gradients, prefix: joinName(prefix, "encoder"))
        embeddings.backward(dx, cache: cache.embeddings, gradients: &gradients, prefix: joinName(prefix, "embeddings"))
    }

    /// `[B, T, D] -> [B, D]`: row 0 of every sequence.
    static func firstRows(of h: Tensor) -> Tensor {
        let (b, t, d) = (h.shape[0], h.shape[1], h.shape[2])
        return Tensor(shape: [b, d]) { out in
            h.withUnsafeBufferPointer { p in
                for bi in 0..<b { (out.baseAddress! + bi * d).update(from: p.baseAddress! + bi * t * d, count: d) }
            }
        }
    }
}
