import Foundation
import Layers

// Shapes: N examples, B batch, T tokens, D the student's width, Dt the teacher's width.

/// Distillation of a sentence-embedding teacher into a smaller student (a `BertModel` with the
/// same pooling): the student learns the teacher's embeddings of a corpus, computed once.
///
/// The loss of a batch, with `s` the student's pooled vectors `[B, D]` and `t` the teacher's unit
/// embeddings `[B, Dt]`:
///
///     loss = wₛ · mean_ij (cos(sᵢ, sⱼ) − tᵢ·tⱼ)²        the similarity matrices (`similarityMatrixLoss`)
///          + wₚ · mean_i (1 − cos(sᵢ, P tᵢ))              the teacher projected to D dimensions
///
/// The first term needs no equal widths. The second gives every example its own target: `P`
/// `[D, Dt]` is a fixed (not learned) projection on the teacher's top D principal directions
/// (uncentred, so cosines survive it: `cos(Ptᵢ, Ptⱼ) ≈ tᵢ·tⱼ` when the dropped variance is small;
/// see `PrincipalComponents`). It is used only in training: the saved student is a plain
/// `BertModel` + pooling + normalisation that `transformers` and `sentence-transformers` load as is.
/// `wₚ = 0` (or no projection, e.g. when D ≥ Dt) leaves the similarity-matrix loss alone.
public struct DistillationTask: TrainingTask {
    public typealias Parameters = BertModel
    /// `[N][≤T]`: each text's token ids in the student's vocabulary, `[CLS]` … `[SEP]`.
    public let sequences: [[Int]]
    /// `[N, Dt]`: the teacher's unit embeddings.
    public let teacher: Tensor
    /// `[N, D]`: the teacher's embeddings projected to the student's width (unit rows), if used.
    public let projectedTeacher: Tensor?
    public let pooling: PoolingStrategy
    public let padId: Int
    /// wₛ and wₚ.
    public var similarityWeight: Float
    public var projectionWeight: Float

    /// - Throws: `TrainingError.shapeMismatch` when the teacher's rows do not match the texts.
    public init(
        sequences: [[Int]], teacherEmbeddings: Tensor, projection: Tensor? = nil, pooling: PoolingStrategy = .mean,
        padId: Int = 0, similarityWeight: Float = 10, projectionWeight: Float = 1
    ) throws(TrainingError) {
        guard teacherEmbeddings.rank == 2, teacherEmbeddings.shape[0] == sequences.count else {
            throw .shapeMismatch(
                what: "teacher embeddings", expected: [sequences.count, -1], found: teacherEmbeddings.shape)
        }
        self.sequences = sequences
        teacher = normalizedRows(teacherEmbeddings)
        if let projection {
            guard projection.rank == 2, projection.shape[1] == teacherEmbeddings.shape[1] else {
                throw .shapeMismatch(
                    what: "projection", expected: [-1, teacherEmbeddings.shape[1]], found: projection.shape)
            }
            // [N, Dt] x [D, Dt]^T -> [N, D]
            projectedTeacher = normalizedRows(matmul(teacher, projection, transposeB: true))
        } else {
            projectedTeacher = nil
        }
        self.pooling = pooling
        self.padId = padId
        self.similarityWeight = similarityWeight
        self.projectionWeight = projectionWeight
    }

    public var exampleCount: Int { sequences.count }

    public func lossAndGradients(
        _ model: BertModel, batch: [Int], dropout: DropoutRates, generator: inout SeededGenerator
    ) throws -> (loss: Float, gradients: Gradients) {
        let (ids, mask) = paddedBatch(batch.map { sequences[$0] }, padId: padId)
        let (output, cache) = try model.forwardForTraining(
            ids: ids, attentionMask: mask, dropout: dropout, generator: &generator)
        // [B, D]
        let (pooled, poolingCache) = try pooling.forwardForTraining(output.lastHiddenState, attentionMask: mask)
        let targets = gatherRows(teacher, batch)
        let teacherSimilarities = matmul(targets, targets, transposeB: true)  // [B, Dt] x [B, Dt]^T -> [B, B]
        var (loss, dPooled) = try similarityMatrixLoss(student: pooled, teacherSimilarities: teacherSimilarities)
        loss *= similarityWeight
        dPooled = dPooled * similarityWeight
        if let projectedTeacher, projectionWeight > 0, projectedTeacher.shape[1] == pooled.shape[1] {
            let (cosineLoss, dCosine) = try cosineEmbeddingLoss(
                student: pooled, teacher: gatherRows(projectedTeacher, batch))
            loss += projectionWeight * cosineLoss
            dPooled = dPooled + dCosine * projectionWeight
        }
        var gradients = Gradients()
        let dHidden = pooling.backward(dPooled, cache: poolingCache)  // [B, D] -> [B, T, D]
        model.backward(dHidden, cache: cache, gradients: &gradients)
        return (loss, gradients)
    }
}
