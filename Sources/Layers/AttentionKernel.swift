/// The attention kernel shared by `scaledDotProductAttention` and `MultiHeadAttention`.
///
/// For every sequence `b` and head `h` (one task each, spread over `ComputeThreads.count` threads),
/// in numbered passes:
///   1. scores  = Q Kᵀ · scale               // [Tq, Dh] x [Tk, Dh]^T -> [Tq, Tk]
///   2. scores += mask                        // padding, additive, causal
///   3. weights = softmax(scores) row by row  // [Tq, Tk]
///   4. context = weights V                   // [Tq, Tk] x [Tk, Dh] -> [Tq, Dh]
///
/// Operands are views into larger buffers: row `t` of head `h` of sequence `b` starts at
/// `base + offsets[b] + h * headStride + t * rowStride`. So a `[B·T, D]` projection whose heads
/// sit side by side (column `h·Dh`) is attended without splitting it into a `[B, H, T, Dh]` copy.
/// The products are small (Dh is 32 or 64), so they are written with `SIMD16<Float>` here rather
/// than calling BLAS from many threads at once.
@usableFromInline
struct AttentionOperand: @unchecked Sendable {
    @usableFromInline var base: UnsafePointer<Float>
    @usableFromInline var offsets: [Int]
    @usableFromInline var headStride: Int
    @usableFromInline var rowStride: Int

    @usableFromInline
    func head(_ b: Int, _ h: Int) -> UnsafePointer<Float> { base + offsets[b] + h * headStride }
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
    let sequences = queryLengths.count
    parallelFor(sequences * heads) { task in
        let (b, h) = (task / heads, task % heads)
        let (tq, tk) = (queryLengths[b], keyLengths[b])
        guard tq > 0 else { return }
        let out = context + contextOffsets[b] + h * contextHeadStride
        if tk == 0 {
            for t in 0..<tq { (out + t * contextRowStride).update(repeating: 0, count: headDim) }
            return
        }
        let q = query.head(b, h)
        let k = key.head(b, h)
        let v = value.head(b, h)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: tq * tk + headDim * tk)
        defer { scores.deallocate() }
        let keysT = scores + tq * tk  // [Dh, Tk]
        for j in 0..<tk {
            let row = k + j * key.rowStride
            for d in 0..<headDim { keysT[d * tk + j] = row[d] }
        }
        // 1. [Tq, Dh] x [Dh, Tk] -> [Tq, Tk], vectorised over keys.
        for i in 0..<tq {
            let s = scores + i * tk
            let qi = q + i * query.rowStride
            var j = 0
            while j < tk {
                let c = min(16, tk - j)
                var acc = Float16x()
                for d in 0..<headDim {
                    acc += simdLoad(keysT + d * tk + j, count: c) * (qi[d] * scale)
                }
                simdStore(acc, s + j, count: c)
                j += 16
            }
        }
        // 2.
        mask?.apply(to: scores, queries: tq, keys: tk, batch: b, head: h, heads: heads)
        if let scoresOut { (scoresOut + (b * heads + h) * tq * tk).update(from: scores, count: tq * tk) }
        // 3.
        for i in 0..<tq { softmaxRow(scores + i * tk, count: tk) }
        if let weightsOut { (weightsOut + (b * heads + h) * tq * tk).update(from: scores, count: tq * tk) }
        // 4. [Tq, Tk] x [Tk, Dh] -> [Tq, Dh], vectorised over the head width.
        for i in 0..<tq {
            let w = scores + i * tk
            let o = out + i * contextRowStride
            var c0 = 0
            while c0 < headDim {
                let c = min(16, headDim - c0)
                var acc = Float16x()
                for j in 0..<tk { acc += simdLoad(v + j * value.rowStride + c0, count: c) * w[j] }
                simdStore(acc, o + c0, count: c)
                c0 += 16
            }
        }
    }
}
