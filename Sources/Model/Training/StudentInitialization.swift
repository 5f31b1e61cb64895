import Foundation
import Layers

// Shapes: V the student's vocabulary, Vt the teacher's, P positions, D the student's width, Dt the teacher's.

extension BertModel {
    /// Starts a student's embeddings from a teacher's: word, position and token-type embeddings
    /// are the teacher's rows projected on the top D principal directions of the teacher's word
    /// embeddings (`PrincipalComponents`), so tokens that the teacher places near each other start
    /// near each other. The rest of the student keeps its random initialisation.
    ///
    ///     E = Eₜ[teacherIds] Bᵀ          // [V, Dt] x [D, Dt]^T -> [V, D]
    ///
    /// - Parameters:
    ///   - teacher: the teacher model (width Dt ≥ D).
    ///   - teacherIds: for each student token id, the teacher's id of the same token.
    /// - Precondition: the student is no wider than the teacher and `teacherIds` has one entry per student token.
    public mutating func initializeEmbeddings(fromTeacher teacher: BertModel, teacherIds: [Int], seed: UInt64 = 0) {
        let (d, dt) = (hiddenSize, teacher.hiddenSize)
        precondition(d <= dt, "initializeEmbeddings: the student (width \(d)) is wider than the teacher (\(dt))")
        precondition(
            teacherIds.count == embeddings.words.count,
            "initializeEmbeddings: \(teacherIds.count) teacher ids for \(embeddings.words.count) student tokens")
        let teacherWords = gatherRows(teacher.embeddings.words.weight, teacherIds)  // [V, Dt]
        let basis = PrincipalComponents.basis(of: teacherWords, count: d, seed: seed)  // [D, Dt]
        embeddings.words.weight = matmul(teacherWords, basis, transposeB: true)  // [V, Dt] x [D, Dt]^T -> [V, D]
        let positions = min(embeddings.positions.count, teacher.embeddings.positions.count)
        let teacherPositions = teacher.embeddings.positions.weight.slice(0..<positions)
        var projected = matmul(teacherPositions, basis, transposeB: true)  // [P, Dt] x [D, Dt]^T -> [P, D]
        if positions < embeddings.positions.count {
            projected = Tensor.stack(
                (0..<embeddings.positions.count).map {
                    $0 < positions
                        ? projected.slice($0..<$0 + 1).reshaped([d])
                        : embeddings.positions.weight.slice($0..<$0 + 1).reshaped([d])
                })
        }
        embeddings.positions.weight = projected
        if teacher.embeddings.tokenTypes.count == embeddings.tokenTypes.count {
            embeddings.tokenTypes.weight = matmul(teacher.embeddings.tokenTypes.weight, basis, transposeB: true)
        }
    }
}
