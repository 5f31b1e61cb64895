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
/// Short sequences use products written with `SIMD16<Float>` (a BLAS call costs more than the work);
/// long ones call OpenBLAS, single-threaded inside each task (see `ComputeThreads`).
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
        let scores: UnsafeMutablePointer<Float>
        let scratch: UnsafeMutablePointer<Float>
        if tq * tk >= 48 * 48 {
            // Long sequences: one single-threaded OpenBLAS call per product (the threads are ours).
            scratch = UnsafeMutablePointer<Float>.allocate(capacity: tq * tk)
            scores = scratch
            // 1. [Tq, Dh] x [Tk, Dh]^T -> [Tq, Tk]
            sgemm(
                transposeA: false, transposeB: true, m: tq, n: tk, k: headDim, alpha: scale,
                a: q, lda: query.rowStride, b: k, ldb: key.rowStride, c: scores, ldc: tk)
        } else {
            // Short sequences: SIMD, key rows padded to a multiple of 16 so every load is whole.
            let tkPad = (tk + 15) / 16 * 16
            scratch = UnsafeMutablePointer<Float>.allocate(capacity: tq * tkPad + headDim * tkPad)
            scores = scratch  // [Tq, TkPad]
            let keysT = scratch + tq * tkPad  // [Dh, TkPad], zero beyond Tk
            for d in 0..<headDim {
                let row = keysT + d * tkPad
                for j in 0..<tk { row[j] = k[j * key.rowStride + d] }
                for j in tk..<tkPad { row[j] = 0 }
            }
            // 1. [Tq, Dh] x [Dh, TkPad] -> [Tq, TkPad], four query rows at a time sharing each key load.
            var i = 0
            while i < tq {
                let rowsHere = min(4, tq - i)
                let q0 = q + i * query.rowStride
                let q1 = q + (i + min(1, rowsHere - 1)) * query.rowStride
                let q2 = q + (i + min(2, rowsHere - 1)) * query.rowStride
                let q3 = q + (i + min(3, rowsHere - 1)) * query.rowStride
                var j = 0
                while j < tkPad {
                    var a0 = Float16x()
                    var a1 = Float16x()
                    var a2 = Float16x()
                    var a3 = Float16x()
                    for d in 0..<headDim {
                        let kv = UnsafeRawPointer(keysT + d * tkPad + j).loadUnaligned(as: Float16x.self)
                        a0 += kv * q0[d]
                        a1 += kv * q1[d]
                        a2 += kv * q2[d]
                        a3 += kv * q3[d]
                    }
                    let s0 = scores + i * tkPad + j
                    UnsafeMutableRawPointer(s0).storeBytes(of: a0 * scale, as: Float16x.self)
                    if rowsHere > 1 {
                        UnsafeMutableRawPointer(s0 + tkPad).storeBytes(of: a1 * scale, as: Float16x.self)
                    }
                    if rowsHere > 2 {
                        UnsafeMutableRawPointer(s0 + 2 * tkPad).storeBytes(of: a2 * scale, as: Float16x.self)
                    }
                    if rowsHere > 3 {
                        UnsafeMutableRawPointer(s0 + 3 * tkPad).storeBytes(of: a3 * scale, as: Float16x.self)
                    }
                    j += 16
                }
                i += 4
            }
            // Close up the rows to [Tq, Tk] when padding was added, for the mask and the outputs.
            if tkPad != tk {
                for r in 1..<max(1, tq) { (scores + r * tk).update(from: scores + r * tkPad, count: tk) }
            }
        }
        defer { scratch.deallocate() }
        // 2.
        mask?.apply(to: scores, queries: tq, keys: tk, batch: b, head: h, heads: heads)
        if let scoresOut { (scoresOut + (b * heads + h) * tq * tk).update(from: scores, count: tq * tk) }
        // 3.
        for r in 0..<tq { softmaxRow(scores + r * tk, count: tk) }
        if let weightsOut { (weightsOut + (b * heads + h) * tq * tk).update(from: scores, count: tq * tk) }
        // 4. [Tq, Tk] x [Tk, Dh] -> [Tq, Dh]
        if tq * tk >= 48 * 48 {
            sgemm(
                transposeA: false, transposeB: false, m: tq, n: headDim, k: tk,
                a: scores, lda: tk, b: v, ldb: value.rowStride, c: out, ldc: contextRowStride)
        } else if headDim % 16 == 0 {
            for r in 0..<tq {
                let w = scores + r * tk
                let o = out + r * contextRowStride
                var c0 = 0
                while c0 < headDim {
                    var acc0 = Float16x()
                    var acc1 = Float16x()
                    var j = 0
                    while j + 1 < tk {
                        acc0 += UnsafeRawPointer(v + j * value.rowStride + c0).loadUnaligned(as: Float16x.self) * w[j]
                        acc1 +=
                            UnsafeRawPointer(v + (j + 1) * value.rowStride + c0).loadUnaligned(as: Float16x.self)
                            * w[j + 1]
                        j += 2
                    }
                    if j < tk {
                        acc0 += UnsafeRawPointer(v + j * value.rowStride + c0).loadUnaligned(as: Float16x.self) * w[j]
                    }
                    UnsafeMutableRawPointer(o + c0).storeBytes(of: acc0 + acc1, as: Float16x.self)
                    c0 += 16
                }
            }
        } else {
            for r in 0..<tq {
                let w = scores + r * tk
                let o = out + r * contextRowStride
                for c in 0..<headDim { o[c] = 0 }
                for j in 0..<tk {
                    let vr = v + j * value.rowStride
                    for c in 0..<headDim { o[c] += w[j] * vr[c] }
                }
            }
        }
    }
}
