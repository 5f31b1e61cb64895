import COpenBLAS

/// Single-precision matrix product through OpenBLAS, row-major:
/// `C[M, N] = alpha · op(A)[M, K] · op(B)[K, N] + beta · C`, where `op` transposes when asked.
///
/// `lda`, `ldb`, `ldc` are the row strides (in elements) of A, B and C as stored, so a view of
/// some columns of a wider matrix (one head of a `[T, D]` projection) needs no copy.
@inlinable
public func sgemm(
    transposeA: Bool, transposeB: Bool,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    cblas_sgemm(
        CblasRowMajor,
        transposeA ? CblasTrans : CblasNoTrans,
        transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The matrix product of two rank-2 tensors: `[M, K] x [K, N] -> [M, N]`,
/// with optional transposes as in `torch.matmul(a.T, b)`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank == 2 && b.rank == 2, "matmul needs rank-2 tensors, got \(a.shape) and \(b.shape)")
    let m = transposeA ? a.shape[1] : a.shape[0]
    let k = transposeA ? a.shape[0] : a.shape[1]
    let kb = transposeB ? b.shape[1] : b.shape[0]
    let n = transposeB ? b.shape[0] : b.shape[1]
    precondition(
        k == kb,
        "matmul inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") x \(b.shape)\(transposeB ? "ᵀ" : "")")
    return Tensor(shape: [m, n]) { c in
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                sgemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    a: pa.baseAddress!, lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1],
                    c: c.baseAddress!, ldc: n)
            }
        }
    }
}

/// What OpenBLAS is running on, and with how many threads.
public enum BLASInfo {
    /// The kernel family OpenBLAS chose (`"Prescott"`, `"Haswell"`, `"SkylakeX"`, …).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
    /// The number of threads OpenBLAS uses for one call.
    public static var threads: Int { Int(openblas_get_num_threads()) }
    /// Sets the number of threads OpenBLAS uses for one call.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
}
