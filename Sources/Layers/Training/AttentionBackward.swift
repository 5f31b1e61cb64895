// Shapes: B batch, H heads, Tq queries, Tk keys, Dh head width.
//
// Training needs the attention weights of every head kept for the backward pass, so unlike the
// inference kernel (`attentionKernel`, which reuses one scratch row block) these kernels read and
// write whole `[B, H, Tq, Tk]` buffers. Operands are strided views, as in `AttentionOperand`:
// row `t` of head `h` of sequence `b` is at `base + b·batchStride + h·headStride + t·rowStride`,
// so one kernel serves `[B, H, T, Dh]` tensors and `[B, T, D]` projections with heads side by side.

/// A strided view of per-head matrices inside a larger buffer (see the file comment). Views of
/// inputs are made from read-only pointers and never written through.
struct HeadView {
    var base: UnsafeMutablePointer<Float>
    var batchStride: Int
    var headStride: Int
    var rowStride: Int

    /// The first row of head `h` of sequence `b`.
    func at(_ b: Int, _ h: Int) -> UnsafeMutablePointer<Float> { base + b * batchStride + h * headStride }

    /// `[B, H, T, Dh]`, contiguous.
    static func splitHeads(_ p: UnsafePointer<Float>, heads: Int, rows: Int, headDim: Int) -> HeadView {
        HeadView(
            base: UnsafeMutablePointer(mutating: p), batchStride: heads * rows * headDim, headStride: rows * headDim,
            rowStride: headDim)
    }

    /// `[B, T, H·Dh]`: head `h` is columns `h·Dh ..< (h+1)·Dh`.
    static func sideBySide(_ p: UnsafePointer<Float>, heads: Int, rows: Int, headDim: Int) -> HeadView {
        HeadView(
            base: UnsafeMutablePointer(mutating: p), batchStride: rows * heads * headDim, headStride: headDim,
            rowStride: heads * headDim)
    }
}

/// The sizes of one batched attention call.
struct AttentionGeometry {
    var batch: Int
    var heads: Int
    var queries: Int
    var keys: Int
    var headDim: Int
    var scale: Float
    /// Tq·Tk, the size of one head's weight matrix.
    var block: Int { queries * keys }
}

/// Passes 1–3 of attention for every sequence and head, into `weights` `[B, H, Tq, Tk]`:
///
///     scores  = Q Kᵀ · scale      // [Tq, Dh] x [Tk, Dh]^T -> [Tq, Tk]
///     scores += mask
///     weights = softmax(scores)
func attentionWeightsForTraining(
    query: HeadView, key: HeadView, geometry g: AttentionGeometry, mask: AttentionMask?,
    weights: UnsafeMutablePointer<Float>
) {
    for b in 0..<g.batch {
        for h in 0..<g.heads {
            let w = weights + (b * g.heads + h) * g.block
            // 1. [Tq, Dh] x [Tk, Dh]^T -> [Tq, Tk]
            sgemm(
                transposeA: false, transposeB: true, m: g.queries, n: g.keys, k: g.headDim, alpha: g.scale,
                a: query.at(b, h), lda: query.rowStride, b: key.at(b, h), ldb: key.rowStride, c: w, ldc: g.keys)
            // 2.
            mask?.apply(to: w, queries: g.queries, keys: g.keys, batch: b, head: h, heads: g.heads)
            // 3.
            for i in 0..<g.queries { softmaxRow(w + i * g.keys, count: g.keys) }
        }
    }
}

/// Pass 4 for every sequence and head: `context = weights V` // [Tq, Tk] x [Tk, Dh] -> [Tq, Dh]
func attentionContextForTraining(
    weights: UnsafePointer<Float>, value: HeadView, geometry g: AttentionGeometry, context: HeadView
) {
    for b in 0..<g.batch {
        for h in 0..<g.heads {
            // [Tq, Tk] x [Tk, Dh] -> [Tq, Dh]
            sgemm(
                transposeA: false, transposeB: false, m: g.queries, n: g.headDim, k: g.keys,
                a: weights + (b * g.heads + h) * g.block, lda: g.keys, b: value.at(b, h), ldb: value.rowStride,
                c: context.at(b, h), ldc: context.rowStride)
        }
    }
}

/// The backward pass of attention for every sequence and head, in numbered passes
/// (P the softmax weights, M the dropout mask, P′ = P·M the weights applied to V):
///
///     1. dP′ = dC Vᵀ                 // [Tq, Dh] x [Tk, Dh]^T -> [Tq, Tk]
///     2. dV  = P′ᵀ dC                // [Tq, Tk]^T x [Tq, Dh] -> [Tk, Dh]
///     3. dP  = dP′ · M
///     4. dS  = P · (dP − Σⱼ dP·P)    // softmax backward, row by row
///     5. dQ  = scale · dS K          // [Tq, Tk] x [Tk, Dh] -> [Tq, Dh]
///     6. dK  = scale · dSᵀ Q         // [Tq, Tk]^T x [Tq, Dh] -> [Tk, Dh]
///
/// The additive mask is a constant, so the gradient passes through it unchanged (masked positions
/// have P = 0 and get dS = 0). `dQuery`, `dKey`, `dValue` are written, not accumulated.
func attentionBackward(
    dContext: HeadView, query: HeadView, key: HeadView, value: HeadView,
    weights: UnsafePointer<Float>, appliedWeights: UnsafePointer<Float>, dropoutMask: UnsafePointer<Float>?,
    geometry g: AttentionGeometry, dQuery: HeadView, dKey: HeadView, dValue: HeadView
) {
    let dScores = UnsafeMutablePointer<Float>.allocate(capacity: max(1, g.block))
    defer { dScores.deallocate() }
    for b in 0..<g.batch {
        for h in 0..<g.heads {
            let offset = (b * g.heads + h) * g.block
            let dc = dContext.at(b, h)
            // 1. dP′[Tq, Tk] = dC[Tq, Dh] x V[Tk, Dh]^T
            sgemm(
                transposeA: false, transposeB: true, m: g.queries, n: g.keys, k: g.headDim,
                a: dc, lda: dContext.rowStride, b: value.at(b, h), ldb: value.rowStride, c: dScores, ldc: g.keys)
            // 2. dV[Tk, Dh] = P′[Tq, Tk]^T x dC[Tq, Dh]
            sgemm(
                transposeA: true, transposeB: false, m: g.keys, n: g.headDim, k: g.queries,
                a: appliedWeights + offset, lda: g.keys, b: dc, ldb: dContext.rowStride, c: dValue.at(b, h),
                ldc: dValue.rowStride)
            // 3.
            if let dropoutMask {
                for i in 0..<g.block { dScores[i] *= dropoutMask[offset + i] }
            }
            // 4.
            for i in 0..<g.queries {
                softmaxBackwardRow(dScores + i * g.keys, output: weights + offset + i * g.keys, count: g.keys)
            }
            // 5. dQ[Tq, Dh] = scale · dS[Tq, Tk] x K[Tk, Dh]
            sgemm(
                transposeA: false, transposeB: false, m: g.queries, n: g.headDim, k: g.keys, alpha: g.scale,
                a: dScores, lda: g.keys, b: key.at(b, h), ldb: key.rowStride, c: dQuery.at(b, h), ldc: dQuery.rowStride)
            // 6. dK[Tk, Dh] = scale · dS[Tq, Tk]^T x Q[Tq, Dh]
            sgemm(
                transposeA: true, transposeB: false, m: g.keys, n: g.headDim, k: g.queries, alpha: g.scale,
                a: dScores, lda: g.keys, b: query.at(b, h), ldb: query.rowStride, c: dKey.at(b, h), ldc: dKey.rowStride)
        }
    }
}

/// What `scaledDotProductAttentionBackward` needs from the forward pass.
public struct AttentionCache: Sendable {
    /// `[B, H, Tq, Dh]`.
    public var query: Tensor
    /// `[B, H, Tk, Dh]`.
    public var key: Tensor
    /// `[B, H, Tk, Dh]`.
    public var value: Tensor
    /// `[B, H, Tq, Tk]`: `softmax(Q Kᵀ · scale + mask)`, before dropout.
    public var weights: Tensor
    /// `[B, H, Tq, Tk]`: the dropout mask on the weights (0 or 1/(1−p)), `nil` without dropout.
    public var dropoutMask: Tensor?
    /// The factor on `Q Kᵀ`.
    public var scale: Float
}

/// Scaled dot-product attention for training (see `scaledDotProductAttention`), with optional
/// dropout on the attention weights (BERT's `attention_probs_dropout_prob`):
/// `context = dropout(softmax(Q Kᵀ · scale + mask)) · V`.
///
/// - Parameters:
///   - query: `[B, H, Tq, Dh]`; `key`, `value`: `[B, H, Tk, Dh]`.
///   - mask: padding, additive and causal masks; `nil` attends everywhere.
///   - scale: defaults to `1/√Dh`.
///   - dropout: the probability of zeroing a weight, in `[0, 1)`; the mask is drawn from `generator`
///     in `[B, H, Tq, Tk]` order.
/// - Returns: the context `[B, H, Tq, Dh]` and what the backward pass needs.
public func scaledDotProductAttentionForTraining(
    query: Tensor, key: Tensor, value: Tensor, mask: AttentionMask? = nil, scale: Float? = nil,
    dropout: Float, generator: inout SeededGenerator
) -> (output: Tensor, cache: AttentionCache) {
    precondition(
        query.rank == 4 && key.rank == 4 && value.rank == 4,
        "attention expects [B, H, T, Dh] tensors, got \(query.shape), \(key.shape), \(value.shape)")
    let (b, h, tq, dh) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
    let tk = key.shape[2]
    precondition(
        key.shape == [b, h, tk, dh] && value.shape == key.shape,
        "key \(key.shape) and value \(value.shape) do not fit query \(query.shape)")
    let g = AttentionGeometry(
        batch: b, heads: h, queries: tq, keys: tk, headDim: dh, scale: scale ?? 1 / Float(dh).squareRoot())
    var weights = Tensor.zeros([b, h, tq, tk])
    query.withUnsafeBufferPointer { pq in
        key.withUnsafeBufferPointer { pk in
            weights.withUnsafeMutableBufferPointer { w in
                attentionWeightsForTraining(
                    query: .splitHeads(pq.baseAddress!, heads: h, rows: tq, headDim: dh),
                    key: .splitHeads(pk.baseAddress!, heads: h, rows: tk, headDim: dh),
                    geometry: g, mask: mask, weights: w.baseAddress!)
            }
        }
    }
    var applied = weights
    var dropoutMask: Tensor?
    if dropout > 0 { (applied, dropoutMask) = Dropout(probability: dropout).training(weights, generator: &generator) }
    var context = Tensor.zeros([b, h, tq, dh])
    applied.withUnsafeBufferPointer { w in
        value.withUnsafeBufferPointer { pv in
            context.withUnsafeMutableBufferPointer { c in
                attentionContextForTraining(
                    weights: w.baseAddress!, value: .splitHeads(pv.baseAddress!, heads: h, rows: tk, headDim: dh),
                    geometry: g,
                    context: .splitHeads(UnsafePointer(c.baseAddress!), heads: h, rows: tq, headDim: dh))
            }
        }
    }
    return (
        context,
        AttentionCache(query: query, key: key, value: value, weights: weights, dropoutMask: dropoutMask, scale: g.scale)
    )
}

/// `scaledDotProductAttentionForTraining` without dropout.
public func scaledDotProductAttentionForTraining(
    query: Tensor, key: Tensor, value: Tensor, mask: AttentionMask? = nil, scale: Float? = nil
) -> (output: Tensor, cache: AttentionCache) {
    var unused = SeededGenerator(seed: 0)
    return scaledDotProductAttentionForTraining(
        query: query, key: key, value: value, mask: mask, scale: scale, dropout: 0, generator: &unused)
}

/// The backward pass of scaled dot-product attention (see `attentionBackward` for the passes).
/// - Parameter dContext: `[B, H, Tq, Dh]`, the gradient with respect to the context.
/// - Returns: the gradients with respect to the query `[B, H, Tq, Dh]`, key and value `[B, H, Tk, Dh]`.
public func scaledDotProductAttentionBackward(_ dContext: Tensor, cache: AttentionCache) -> (
    dQuery: Tensor, dKey: Tensor, dValue: Tensor
) {
    let (q, k, v) = (cache.query, cache.key, cache.value)
    let (b, h, tq, dh) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
    let tk = k.shape[2]
    precondition(
        dContext.shape == q.shape,
        "scaledDotProductAttentionBackward: dContext \(dContext.shape) does not fit \(q.shape)")
    let g = AttentionGeometry(batch: b, heads: h, queries: tq, keys: tk, headDim: dh, scale: cache.scale)
    var dq = Tensor.zeros(q.shape)
    var dk = Tensor.zeros(k.shape)
    var dv = Tensor.zeros(v.shape)
    let applied = cache.dropoutMask.map { cache.weights.multiplied(by: $0) } ?? cache.weights
    func view(_ p: UnsafeBufferPointer<Float>, rows: Int) -> HeadView {
        .splitHeads(p.baseAddress!, heads: h, rows: rows, headDim: dh)
    }
    func view(_ p: UnsafeMutableBufferPointer<Float>, rows: Int) -> HeadView {
        .splitHeads(p.baseAddress!, heads: h, rows: rows, headDim: dh)
    }
    q.withUnsafeBufferPointer { pq in
        k.withUnsafeBufferPointer { pk in
            v.withUnsafeBufferPointer { pv in
                dContext.withUnsafeBufferPointer { pdc in
                    dq.withUnsafeMutableBufferPointer { pdq in
                        dk.withUnsafeMutableBufferPointer { pdk in
                            dv.withUnsafeMutableBufferPointer { pdv in
                                cache.weights.withUnsafeBufferPointer { w in
                                    applied.withUnsafeBufferPointer { aw in
                                        withOptionalPointer(cache.dropoutMask) { m in
                                            attentionBackward(
                                                dContext: view(pdc, rows: tq), query: view(pq, rows: tq),
                                                key: view(pk, rows: tk), value: view(pv, rows: tk),
                                                weights: w.baseAddress!, appliedWeights: aw.baseAddress!,
                                                dropoutMask: m, geometry: g,
                                                dQuery: view(pdq, rows: tq), dKey: view(pdk, rows: tk),
                                                dValue: view(pdv, rows: tk))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return (dq, dk, dv)
}

/// Calls `body` with the elements of `tensor`, or `nil`.
func withOptionalPointer<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) throws -> R) rethrows -> R {
    guard let tensor else { return try body(nil) }
    return try tensor.withUnsafeBufferPointer { try body($0.baseAddress!) }
}

extension Tensor {
    /// The elementwise product with a tensor of the same shape.
    func multiplied(by other: Tensor) -> Tensor {
        precondition(shape == other.shape, "Cannot multiply shapes \(shape) and \(other.shape)")
        var out = self
        out.withUnsafeMutableBufferPointer { o in
            other.withUnsafeBufferPointer { r in for i in 0..<o.count { o[i] *= r[i] } }
        }
        return out
    }
}
