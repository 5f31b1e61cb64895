import Layers

// Shape legend: B sequences, Tᵢ tokens of sequence i, N = ΣTᵢ real tokens, D model width,
// H heads, Dh = D / H head width, F feed-forward width, L layers.

/// The matrix products of an encoder forward pass over packed sequences (no padding), counted
/// analytically and replayed alone through `sgemm` to time the GEMM-heavy phase by itself.
///
/// Per layer, with N real tokens:
/// - projections: query, key, value, output `4 · 2·N·D²`; feed-forward `2·N·D·F + 2·N·F·D`,
///   together `2·N·(4·D² + 2·D·F)`;
/// - attention: scores `QKᵀ` and context `weights·V`, each `2·Tᵢ²·Dh` per head, together `4·ΣTᵢ²·D`.
///
/// Embeddings, LayerNorm, softmax, GELU and the pooler are not GEMMs and are not counted.
public struct EncoderGEMMWork: Codable, Sendable, Equatable {
    /// `[B]`: Tᵢ.
    public var lengths: [Int]
    /// D.
    public var dimension: Int
    /// H.
    public var heads: Int
    /// F.
    public var hidden: Int
    /// L.
    public var layers: Int

    public init(lengths: [Int], dimension: Int, heads: Int, hidden: Int, layers: Int) {
        precondition(heads > 0 && dimension % heads == 0, "D = \(dimension) must split into \(heads) heads")
        self.lengths = lengths
        self.dimension = dimension
        self.heads = heads
        self.hidden = hidden
        self.layers = layers
    }

    /// The work of `config`'s encoder on sequences of `lengths`.
    public init(lengths: [Int], config: BertConfig) {
        self.init(
            lengths: lengths, dimension: config.hiddenSize, heads: config.numAttentionHeads,
            hidden: config.intermediateSize, layers: config.numHiddenLayers)
    }

    /// N.
    public var tokens: Int { lengths.reduce(0, +) }

    /// `L · 2·N·(4·D² + 2·D·F)`.
    public var projectionFLOPs: Double {
        let n = Double(tokens)
        let d = Double(dimension)
        let f = Double(hidden)
        return Double(layers) * 2 * n * (4 * d * d + 2 * d * f)
    }

    /// `L · 4·ΣTᵢ²·D`.
    public var attentionFLOPs: Double {
        Double(layers) * 4 * Double(dimension) * lengths.reduce(0.0) { $0 + Double($1) * Double($1) }
    }

    /// All the forward pass's GEMM FLOPs.
    public var flops: Double { projectionFLOPs + attentionFLOPs }

    /// Times the forward pass's matrix products alone, at their real shapes, on seeded random
    /// operands: per layer the four `[N, D] x [D, D]ᵀ` projections, `[N, D] x [F, D]ᵀ`,
    /// `[N, F] x [D, F]ᵀ`, and per sequence and head `Q·Kᵀ` and `weights·V` on strided head views.
    public func measure(runner: BenchmarkRunner) -> TimingSummary {
        let n = tokens
        let d = dimension
        let f = hidden
        let dh = dimension / heads
        let longest = lengths.max() ?? 0
        var g = SeededGenerator(seed: 11)
        var buffers: [UnsafeMutablePointer<Float>] = []
        defer { for b in buffers { b.deallocate() } }
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let b = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            for i in 0..<count { b[i] = (g.nextUniform() - 0.5) * 0.1 }
            buffers.append(b)
            return b
        }
        let x = buffer(n * d)  // [N, D], doubles as Q, K and V
        let wSquare = buffer(d * d)  // [D, D]
        let wUp = buffer(f * d)  // [F, D]
        let wDown = buffer(d * f)  // [D, F]
        let y = buffer(n * d)  // [N, D]
        let up = buffer(n * f)  // [N, F]
        let scores = buffer(longest * longest)  // [T, T]
        let context = buffer(n * d)  // [N, D]

        return runner.measure {
            for _ in 0..<layers {
                for _ in 0..<4 {
                    // query, key, value, output: [N, D] x [D, D]ᵀ -> [N, D]
                    sgemm(
                        transposeA: false, transposeB: true, m: n, n: d, k: d,
                        a: x, lda: d, b: wSquare, ldb: d, c: y, ldc: d)
                }
                // [N, D] x [F, D]ᵀ -> [N, F]
                sgemm(
                    transposeA: false, transposeB: true, m: n, n: f, k: d,
                    a: x, lda: d, b: wUp, ldb: d, c: up, ldc: f)
                // [N, F] x [D, F]ᵀ -> [N, D]
                sgemm(
                    transposeA: false, transposeB: true, m: n, n: d, k: f,
                    a: up, lda: f, b: wDown, ldb: f, c: y, ldc: d)
                var row = 0
                for t in lengths {
                    for head in 0..<heads {
                        let q = x + row * d + head * dh  // [T, Dh] view, row stride D
                        // scores: [T, Dh] x [T, Dh]ᵀ -> [T, T]
                        sgemm(
                            transposeA: false, transposeB: true, m: t, n: t, k: dh,
                            a: q, lda: d, b: q, ldb: d, c: scores, ldc: t)
                        // context: [T, T] x [T, Dh] -> [T, Dh] view, row stride D
                        sgemm(
                            transposeA: false, transposeB: false, m: t, n: dh, k: t,
                            a: scores, lda: t, b: q, ldb: d, c: context + row * d + head * dh, ldc: d)
                    }
                    row += t
                }
            }
        }
    }
}
