/// What scaled dot-product attention computes, with its intermediate values.
public struct AttentionResult: Sendable {
    /// `[B, H, Tq, Dh]`: `weights · V`.
    public var context: Tensor
    /// `[B, H, Tq, Tk]`: `Q Kᵀ · scale + mask`, before the softmax.
    public var scores: Tensor
    /// `[B, H, Tq, Tk]`: `softmax(scores)`; each row sums to 1.
    public var weights: Tensor
}

/// Scaled dot-product attention (Vaswani et al. 2017, §3.2.1):
/// `scores = Q Kᵀ / √d_k + mask`, `weights = softmax(scores)`, `context = weights · V`.
///
/// - Parameters:
///   - query: `[B, H, Tq, Dh]`.
///   - key: `[B, H, Tk, Dh]`.
///   - value: `[B, H, Tk, Dh]`.
///   - mask: padding, additive and causal masks (see `AttentionMask`); `nil` attends everywhere.
///   - scale: defaults to `1/√Dh`.
public func scaledDotProductAttention(
    query: Tensor, key: Tensor, value: Tensor, mask: AttentionMask? = nil, scale: Float? = nil
) -> AttentionResult {
    precondition(
        query.rank == 4 && key.rank == 4 && value.rank == 4,
        "attention expects [B, H, T, Dh] tensors, got \(query.shape), \(key.shape), \(value.shape)")
    let (b, h, tq, dh) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
    let tk = key.shape[2]
    precondition(
        key.shape == [b, h, tk, dh] && value.shape == key.shape,
        "key \(key.shape) and value \(value.shape) do not fit query \(query.shape)")
    let s = scale ?? 1 / Float(dh).squareRoot()
    var scores = Tensor.zeros([b, h, tq, tk])
    var weights = Tensor.zeros([b, h, tq, tk])
    var context = Tensor.zeros([b, h, tq, dh])
    query.withUnsafeBufferPointer { q in
        key.withUnsafeBufferPointer { k in
            value.withUnsafeBufferPointer { v in
                context.withUnsafeMutableBufferPointer { c in
                    scores.withUnsafeMutableBufferPointer { so in
                        weights.withUnsafeMutableBufferPointer { wo in
                            // [B, H, T, Dh]: sequence b starts at b·H·T·Dh, head h at h·T·Dh, rows Dh apart.
                            attentionKernel(
                                query: AttentionOperand(
                                    base: q.baseAddress!, offsets: (0..<b).map { $0 * h * tq * dh },
                                    headStride: tq * dh, rowStride: dh),
                                key: AttentionOperand(
                                    base: k.baseAddress!, offsets: (0..<b).map { $0 * h * tk * dh },
                                    headStride: tk * dh, rowStride: dh),
                                value: AttentionOperand(
                                    base: v.baseAddress!, offsets: (0..<b).map { $0 * h * tk * dh },
                                    headStride: tk * dh, rowStride: dh),
                                context: c.baseAddress!, contextOffsets: (0..<b).map { $0 * h * tq * dh },
                                contextHeadStride: tq * dh, contextRowStride: dh,
                                queryLengths: Array(repeating: tq, count: b),
                                keyLengths: Array(repeating: tk, count: b),
                                heads: h, headDim: dh, scale: s, mask: mask,
                                scoresOut: so.baseAddress, weightsOut: wo.baseAddress)
                        }
                    }
                }
            }
        }
    }
    return AttentionResult(context: context, scores: scores, weights: weights)
}

/// `[B, T, D] -> [B, H, T, D/H]`: the columns of head `h` are `h·Dh ..< (h+1)·Dh`.
public func splitHeads(_ x: Tensor, heads: Int) -> Tensor {
    precondition(
        x.rank == 3 && x.shape[2] % heads == 0,
        "splitHeads needs [B, T, D] with D divisible by \(heads), got \(x.shape)")
    let (b, t, d) = (x.shape[0], x.shape[1], x.shape[2])
    let dh = d / heads
    return Tensor(shape: [b, heads, t, dh]) { out in
        x.withUnsafeBufferPointer { p in
            for bi in 0..<b {
                for h in 0..<heads {
                    for ti in 0..<t {
                        (out.baseAddress! + ((bi * heads + h) * t + ti) * dh).update(
                            from: p.baseAddress! + (bi * t + ti) * d + h * dh, count: dh)
                    }
                }
            }
        }
    }
}

/// `[B, H, T, Dh] -> [B, T, H·Dh]`: the inverse of `splitHeads`.
public func mergeHeads(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4, "mergeHeads needs [B, H, T, Dh], got \(x.shape)")
    let (b, heads, t, dh) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let d = heads * dh
    return Tensor(shape: [b, t, d]) { out in
        x.withUnsafeBufferPointer { p in
            for bi in 0..<b {
                for h in 0..<heads {
                    for ti in 0..<t {
                        (out.baseAddress! + (bi * t + ti) * d + h * dh).update(
                            from: p.baseAddress! + ((bi * heads + h) * t + ti) * dh, count: dh)
                    }
                }
            }
        }
    }
}
