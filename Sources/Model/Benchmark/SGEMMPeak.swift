import Layers

/// The single-precision matrix-product rate of this machine's OpenBLAS, the ceiling for the
/// GEMM-heavy parts of the encoder: `C[n, n] = A[n, n] · B[n, n]`, `2n³` FLOPs a call.
public struct SGEMMPeak: Codable, Sendable, Equatable {
    /// n.
    public var size: Int
    /// OpenBLAS threads during the measurement.
    public var threads: Int
    /// The kernel family OpenBLAS used (`SkylakeX`, `Haswell`, `Prescott`, …).
    public var coreName: String
    public var timing: TimingSummary
    /// `2n³ / median time`, in 10⁹ FLOP/s.
    public var gflops: Double
    /// `2n³ / best time`, in 10⁹ FLOP/s.
    public var bestGFLOPs: Double
}

/// Measures `sgemm` (from `Layers`) on an `size × size` square product with `threads` OpenBLAS
/// threads, then restores the previous thread count.
/// - Parameters:
///   - size: n; 1024-2048 is past the size where OpenBLAS reaches its plateau.
///   - threads: OpenBLAS threads for the measurement.
///   - runs: timed runs after two warm-up runs.
public func measureSGEMMPeak(size: Int = 2048, threads: Int, runs: Int = 10) -> SGEMMPeak {
    precondition(size > 0, "the sgemm size must be positive, got \(size)")
    let previous = BLASInfo.threads
    BLASInfo.setThreads(threads)
    defer { BLASInfo.setThreads(previous) }
    let used = BLASInfo.threads

    var g = SeededGenerator(seed: 7)
    let a = (0..<size * size).map { _ in g.nextUniform() - 0.5 }  // [n, n]
    let b = (0..<size * size).map { _ in g.nextUniform() - 0.5 }  // [n, n]
    var c = [Float](repeating: 0, count: size * size)  // [n, n]
    let timing = a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                BenchmarkRunner(warmup: 2, runs: runs).measure {
                    // [n, n] x [n, n] -> [n, n]
                    sgemm(
                        transposeA: false, transposeB: false, m: size, n: size, k: size,
                        a: pa.baseAddress!, lda: size, b: pb.baseAddress!, ldb: size, c: pc.baseAddress!, ldc: size)
                }
            }
        }
    }
    consume(c)
    let flops = 2 * Double(size) * Double(size) * Double(size)
    return SGEMMPeak(
        size: size, threads: used, coreName: BLASInfo.coreName, timing: timing,
        gflops: flops / timing.median / 1e9, bestGFLOPs: flops / timing.min / 1e9)
}
