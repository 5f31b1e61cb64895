import Foundation
import Layers

// Shapes: N rows, D input width, K components.

/// The top principal directions of a set of vectors, uncentred: an orthonormal basis `[K, D]` of
/// the K-dimensional subspace that keeps the most of `Σ xxᵀ` (the second-moment matrix, not the
/// covariance, so projecting keeps dot products and cosines as well as K dimensions can).
///
/// Computed by subspace iteration (Golub & Van Loan, §8.2.4): `Q ← orth(M Q)` with `M = XᵀX / N`
/// and Gram–Schmidt in Double. Only the subspace is returned (its rotation is arbitrary), which is
/// all a projection needs.
public enum PrincipalComponents {
    /// - Parameters:
    ///   - rows: `[N, D]`.
    ///   - count: K ≤ D.
    /// - Returns: `[K, D]` with orthonormal rows.
    public static func basis(of rows: Tensor, count k: Int, iterations: Int = 40, seed: UInt64 = 0) -> Tensor {
        precondition(rows.rank == 2, "PrincipalComponents: rows must be [N, D], got \(rows.shape)")
        let (n, d) = (rows.shape[0], rows.shape[1])
        precondition(k > 0 && k <= d, "PrincipalComponents: count must be in 1...\(d), got \(k)")
        let moment = matmul(rows, rows, transposeA: true) * (1 / Float(max(n, 1)))  // [N, D]^T x [N, D] -> [D, D]
        var generator = SeededGenerator(seed: seed)
        var basis = orthonormalRows(.normal([k, d], generator: &generator))  // [K, D]
        for _ in 0..<iterations {
            basis = orthonormalRows(matmul(basis, moment))  // [K, D] x [D, D] -> [K, D] (M is symmetric)
        }
        return basis
    }

    /// Modified Gram–Schmidt on the rows, in Double (a row that collapses is replaced by a unit axis).
    static func orthonormalRows(_ m: Tensor) -> Tensor {
        let (k, d) = (m.shape[0], m.shape[1])
        var rows = (0..<k).map { r in m.withUnsafeBufferPointer { p in (0..<d).map { Double(p[r * d + $0]) } } }
        for i in 0..<k {
            for j in 0..<i {
                var dot = 0.0
                for x in 0..<d { dot += rows[i][x] * rows[j][x] }
                for x in 0..<d { rows[i][x] -= dot * rows[j][x] }
            }
            var norm = 0.0
            for x in 0..<d { norm += rows[i][x] * rows[i][x] }
            norm = norm.squareRoot()
            if norm < 1e-20 {
                rows[i] = (0..<d).map { $0 == i % d ? 1 : 0 }
            } else {
                for x in 0..<d { rows[i][x] /= norm }
            }
        }
        return Tensor(rows.flatMap { $0.map(Float.init) }, shape: [k, d])
    }
}
