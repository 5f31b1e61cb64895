import Foundation
import Layers

// Shapes: B batch, D the student's width, Dt the teacher's.

/// The distillation loss that needs no equal widths: the mean squared difference between the
/// student's and the teacher's in-batch cosine-similarity matrices. With `uᵢ = sᵢ / |sᵢ|` the
/// student's unit vectors and `C*` the teacher's cosines (the teacher is a constant):
///
///     C     = U Uᵀ                              // [B, D] x [B, D]^T -> [B, B]
///     loss  = mean_ij (Cᵢⱼ − C*ᵢⱼ)²
///     dC    = 2 (C − C*) / B²
///     dU    = (dC + dCᵀ) U                      // [B, B] x [B, D] -> [B, D]
///     dsᵢ   = (dUᵢ − (dUᵢ·uᵢ) uᵢ) / |sᵢ|        (through the normalisation)
///
/// The diagonal is 1 on both sides and contributes nothing. As in sentence-transformers'
/// `MSELoss` on similarity matrices (and "Distilling Knowledge … via similarity-preserving",
/// Tung & Mori 2019), the student learns the teacher's geometry, not its coordinates.
///
/// - Parameters:
///   - student: `[B, D]`, the student's (unnormalised) sentence vectors.
///   - teacherSimilarities: `[B, B]`, the teacher's cosines.
/// - Throws: `TrainingError.shapeMismatch` when the shapes do not agree.
public func similarityMatrixLoss(student: Tensor, teacherSimilarities: Tensor) throws(TrainingError) -> (
    loss: Float, dStudent: Tensor
) {
    guard student.rank == 2 else { throw .shapeMismatch(what: "student", expected: [-1, -1], found: student.shape) }
    let (b, d) = (student.shape[0], student.shape[1])
    guard teacherSimilarities.shape == [b, b] else {
        throw .shapeMismatch(what: "teacher similarities", expected: [b, b], found: teacherSimilarities.shape)
    }
    guard b > 0 else { return (0, student) }
    var norms = [Float](repeating: 0, count: b)
    let units = Tensor(shape: [b, d]) { u in
        student.withUnsafeBufferPointer { s in
            for i in 0..<b {
                var sum: Float = 0
                for j in 0..<d { sum += s[i * d + j] * s[i * d + j] }
                norms[i] = max(sum.squareRoot(), 1e-12)
                for j in 0..<d { u[i * d + j] = s[i * d + j] / norms[i] }
            }
        }
    }
    let c = matmul(units, units, transposeB: true)  // [B, D] x [B, D]^T -> [B, B]
    var total: Double = 0
    let scale = 2 / Float(b * b)
    let dSymmetric = Tensor(shape: [b, b]) { g in  // dC + dCᵀ = 2 dC (both matrices are symmetric)
        c.withUnsafeBufferPointer { cp in
            teacherSimilarities.withUnsafeBufferPointer { tp in
                for i in 0..<b * b {
                    let diff = cp[i] - tp[i]
                    total += Double(diff) * Double(diff)
                    g[i] = 2 * scale * diff
                }
            }
        }
    }
    let dUnits = matmul(dSymmetric, units)  // [B, B] x [B, D] -> [B, D]
    let dStudent = Tensor(shape: [b, d]) { ds in
        dUnits.withUnsafeBufferPointer { du in
            units.withUnsafeBufferPointer { u in
                for i in 0..<b {
                    var dot: Float = 0
                    for j in 0..<d { dot += du[i * d + j] * u[i * d + j] }
                    for j in 0..<d { ds[i * d + j] = (du[i * d + j] - dot * u[i * d + j]) / norms[i] }
                }
            }
        }
    }
    return (Float(total / Double(b * b)), dStudent)
}

/// Rows `indices` of a `[N, D]` matrix, `[B, D]`.
func gatherRows(_ matrix: Tensor, _ indices: [Int]) -> Tensor {
    let d = matrix.shape[1]
    return Tensor(shape: [indices.count, d]) { out in
        matrix.withUnsafeBufferPointer { m in
            for (r, i) in indices.enumerated() {
                (out.baseAddress! + r * d).update(from: m.baseAddress! + i * d, count: d)
            }
        }
    }
}

/// Each row scaled to unit length (rows of zeros stay zero).
public func normalizedRows(_ matrix: Tensor) -> Tensor {
    let d = matrix.shape[1]
    var out = matrix
    out.withUnsafeMutableBufferPointer { p in
        for r in 0..<(matrix.count / max(d, 1)) {
            var sum: Float = 0
            for j in 0..<d { sum += p[r * d + j] * p[r * d + j] }
            let inv = 1 / max(sum.squareRoot(), 1e-12)
            for j in 0..<d { p[r * d + j] *= inv }
        }
    }
    return out
}
