// Shapes: B batch, T tokens, D width, V vocabulary, P positions, TT token types.

/// What `BertEmbeddings.backward` needs from the forward pass.
public struct BertEmbeddingsCache: Sendable {
    /// `B·T` token ids, row after row.
    public var ids: [Int]
    /// `B·T` token type ids.
    public var typeIds: [Int]
    /// `B·T` positions (`0..<T` for each sequence).
    public var positions: [Int]
    /// The word id whose row gets no gradient (`pad_token_id`), if any.
    public var paddingId: Int?
    public var layerNorm: LayerNormCache
    /// The dropout mask after the LayerNorm, `nil` without dropout.
    public var dropoutMask: Tensor?
}

extension BertEmbeddings {
    /// The embeddings of a padded batch `[B][T]` for training, `[B, T, D]`:
    ///
    ///     e = dropout(LN(word[ids] + type[typeIds] + position[0..<T]))
    ///
    /// with dropout probability `dropout` (BERT's `hidden_dropout_prob`) drawn from `generator`.
    /// With `paddingId` (Hugging Face: `pad_token_id`), that row of the word table gets no gradient,
    /// as `nn.Embedding(padding_idx: pad_token_id)` in `transformers.BertEmbeddings`.
    /// - Throws: `LayerError.invalidInput` for ragged rows, an id, type id or length the tables do not cover.
    public func forwardForTraining(
        ids: [[Int]], typeIds: [[Int]]? = nil, paddingId: Int? = nil, dropout: Float, generator: inout SeededGenerator
    ) throws -> (output: Tensor, cache: BertEmbeddingsCache) {
        let (b, t) = (ids.count, ids.first?.count ?? 0)
        guard ids.allSatisfy({ $0.count == t }) else {
            throw LayerError.invalidInput("padded batch rows must have equal lengths")
        }
        if let typeIds, typeIds.count != b || !typeIds.allSatisfy({ $0.count == t }) {
            throw LayerError.invalidInput("token type ids do not have the shape of the ids [\(b)][\(t)]")
        }
        guard t <= maxPositions else {
            throw LayerError.invalidInput(
                "a sequence of \(t) tokens is longer than the \(maxPositions) positions the model knows")
        }
        let flatIds = ids.flatMap { $0 }
        let flatTypes = typeIds?.flatMap { $0 } ?? Array(repeating: 0, count: flatIds.count)
        let positionIds = (0..<b).flatMap { _ in 0..<t }
        var x = try words(flatIds)  // [B·T, D]
        try tokenTypes.add(flatTypes, to: &x)
        try positions.add(positionIds, to: &x)
        let (normed, normCache) = layerNorm.forwardForTraining(x)
        let (y, dropoutMask) = dropoutForTraining(normed, probability: dropout, generator: &generator)
        return (
            y.reshaped([b, t, dimension]),
            BertEmbeddingsCache(
                ids: flatIds, typeIds: flatTypes, positions: positionIds, paddingId: paddingId, layerNorm: normCache,
                dropoutMask: dropoutMask)
        )
    }

    /// `forwardForTraining` without dropout.
    public func forwardForTraining(ids: [[Int]], typeIds: [[Int]]? = nil, paddingId: Int? = nil) throws -> (
        output: Tensor, cache: BertEmbeddingsCache
    ) {
        var unused = SeededGenerator(seed: 0)
        return try forwardForTraining(ids: ids, typeIds: typeIds, paddingId: paddingId, dropout: 0, generator: &unused)
    }

    /// The backward pass: through dropout and LayerNorm to the sum `dE`, which each of the three
    /// tables receives at its looked-up rows (`dW[id, :] += dE[i, :]`; never the word row `paddingId`).
    /// Ids have no gradient.
    /// - Parameters:
    ///   - dOutput: `[B, T, D]`.
    ///   - prefix: `embeddings` in BERT; gradients go to `prefix.word_embeddings.weight`,
    ///     `prefix.position_embeddings.weight`, `prefix.token_type_embeddings.weight`, `prefix.LayerNorm.*`.
    public func backward(_ dOutput: Tensor, cache: BertEmbeddingsCache, gradients: inout Gradients, prefix: String) {
        precondition(
            dOutput.count == cache.ids.count * dimension,
            "BertEmbeddings.backward: dOutput \(dOutput.shape) does not fit \(cache.ids.count) tokens of width \(dimension)"
        )
        let d = dropoutBackward(dOutput.reshaped([cache.ids.count, dimension]), mask: cache.dropoutMask)
        let dSum = layerNorm.backward(
            d, cache: cache.layerNorm, gradients: &gradients, prefix: joinName(prefix, "LayerNorm"))
        dSum.withUnsafeBufferPointer { p in
            words.backward(
                p.baseAddress!, ids: cache.ids, gradients: &gradients, prefix: joinName(prefix, "word_embeddings"),
                paddingIndex: cache.paddingId)
            positions.backward(
                p.baseAddress!, ids: cache.positions, gradients: &gradients,
                prefix: joinName(prefix, "position_embeddings"))
            tokenTypes.backward(
                p.baseAddress!, ids: cache.typeIds, gradients: &gradients,
                prefix: joinName(prefix, "token_type_embeddings"))
        }
    }
}
