// Shapes: N looked-up ids, V table rows, D width.

/// What `Embedding.backward` needs from the forward pass.
public struct EmbeddingCache: Sendable {
    /// The ids looked up, `N` of them.
    public var ids: [Int]

    public init(ids: [Int]) { self.ids = ids }
}

extension Embedding {
    /// The forward pass (a lookup, `[N] -> [N, D]`), keeping the ids for `backward`.
    /// - Throws: `LayerError.invalidInput` for an id outside `0..<V`.
    public func forwardForTraining(_ ids: [Int]) throws -> (output: Tensor, cache: EmbeddingCache) {
        (try self(ids), EmbeddingCache(ids: ids))
    }

    /// The backward pass of a lookup: row `i` of `dOutput` is added to row `ids[i]` of the
    /// weight's gradient (`dW[ids[i], :] += dY[i, :]`, ids repeated add up), as
    /// `torch.nn.Embedding` with dense gradients. Ids have no gradient, so nothing is returned.
    ///
    /// - Parameters:
    ///   - dOutput: `[N, D]` (or any shape of N·D elements).
    ///   - prefix: the table's name; the gradient goes to `prefix.weight` `[V, D]`.
    ///   - paddingIndex: a row that never receives a gradient, as `nn.Embedding(padding_idx:)`
    ///     (Hugging Face BERT's word embeddings use `pad_token_id`).
    public func backward(
        _ dOutput: Tensor, cache: EmbeddingCache, gradients: inout Gradients, prefix: String, paddingIndex: Int? = nil
    ) {
        precondition(
            dOutput.count == cache.ids.count * dimension,
            "Embedding.backward: dOutput \(dOutput.shape) does not fit \(cache.ids.count) ids of width \(dimension)")
        dOutput.withUnsafeBufferPointer { dy in
            backward(dy.baseAddress!, ids: cache.ids, gradients: &gradients, prefix: prefix, paddingIndex: paddingIndex)
        }
    }

    /// `dW[ids[i], :] += dY[i, :]` from a raw `[N, D]` buffer, skipping `paddingIndex`.
    public func backward(
        _ dy: UnsafePointer<Float>, ids: [Int], gradients: inout Gradients, prefix: String, paddingIndex: Int? = nil
    ) {
        let d = dimension
        gradients.accumulate(into: joinName(prefix, "weight"), shape: [count, d]) { dw in
            for (i, id) in ids.enumerated() where id != paddingIndex {
                let src = dy + i * d
                let dst = dw + id * d
                for j in 0..<d { dst[j] += src[j] }
            }
        }
    }
}
