/// The attention kernel shared by `scaledDotProductAttention` and `MultiHeadAttention`.
///
/// For every sequence `b` and head `h`, in numbered passes:
///   1. scores  = Q Kᵀ · scale               // [Tq, Dh] x [Tk, Dh]^T -> [Tq, Tk]
///   2. scores += mask                        // padding, additive, causal
///   3. weights = softmax(scores) row by row  // [Tq, Tk]
///   4. context = weights V                   // [Tq, Tk] x [Tk, Dh] -> [Tq, Dh]
///
/// Operands are views into larger buffers: row `t` of head `h` of sequence `b` starts at
/// `base + offsets[b] + h * headStride + t * rowStride`. So a `[B·T, D]` projection whose heads
/// sit side by side (column `h·Dh`) is attended without splitting it into a `[B, H, T, Dh]` copy.
@usableFromInline
struct AttentionOperand {
    @usableFromInline var base: UnsafePointer<Float>
    @usableFromInline var offsets: [Int]
    @usableFromInline var headStride: Int
    @usableFromInline var rowStride: Int
}

/// Runs the kernel. `scoresOut`/`weightsOut`, when given, receive `[B, H, Tq, Tk]` (padded layout:
/// every sequence has the same Tq and Tk).
@usableFromInline
func attentionKernel(
    query: AttentionOperand, key: AttentionOperand, value: AttentionOperand,
    context: UnsafeMutablePointer<Float>, contextOffsets: [Int], contextHeadStride: Int, contextRowStride: Int,
    queryLengths: [Int], keyLengths: [Int], heads: Int, headDim: Int, scale: Float,
    mask: AttentionMask?,
    scoresOut: UnsafeMutablePointer<Float>? = nil, weightsOut: UnsafeMutablePointer<Float>? = nil
) {
    let maxScores = zip(queryLengths, keyLengths).map { $0 * $1 }.max() ?? 0
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, maxScores))
    defer { scratch.deallocate() }
    for b in 0..<queryLengths.count {
        let (tq, tk) = (queryLengths[b], keyLengths[b])
        guard tq > 0 else { continue }
        for h in 0..<heads {
            let q = query.base + query.offsets[b] + h * query.headStride
            let k = key.base + key.offsets[b] + h * key.headStride
            let v = value.base + value.offsets[b] + h * value.headStride
            let out = context + contextOffsets[b] + h * contextHeadStride
            if tk == 0 {
                for t in 0..<tq { (out + t * contextRowStride).update(repeating: 0, count: headDim) }
                continue
            }
            let scores = scratch
            // 1. [Tq, Dh] x [Tk, Dh]^T -> [Tq, Tk]
            sgemm(transposeA: false, transposeB: true, m: tq, n: tk, k: headDim, alpha: scale,
                  a: q, lda: query.rowStride, b: k, ldb: key.rowStride, c: scores, ldc: tk)
            // 2.
            mask?.apply(to: scores, queries: tq, keys: tk, batch: b, head: h, heads: heads)
            if let scoresOut { (scoresOut + (b * heads + h) * tq * tk).update(from: scores, count: tq * tk) }
            // 3.
            for i in 0..<tq { softmaxRow(scores + i * tk, count: tk) }
            if let weightsOut { (weightsOut + (b * heads + h) * tq * tk).update(from: scores, count: tq * tk) }
            // 4. [Tq, Tk] x [Tk, Dh] -> [Tq, Dh]
            sgemm(transposeA: false, transposeB: false, m: tq, n: headDim, k: tk,
                  a: scores, lda: tk, b: v, ldb: value.rowStride, c: out, ldc: contextRowStride)
        }
    }
}
