import Foundation
import Layers

// Losses return the mean loss over the batch and its gradient with respect to the first input,
// ready for a model's `backward`. Sums are taken in Double.
// Shapes: N rows, C classes (V for a masked language model), B batch, D width.

/// Cross-entropy over logits, as `torch.nn.functional.cross_entropy(logits, targets, ignore_index=-100)`
/// with mean reduction: for the rows whose target is not `ignoreIndex`,
///
///     loss    = mean_i ( logsumexp(zᵢ) − zᵢ[targetᵢ] )
///     dLogits = (softmax(zᵢ) − onehot(targetᵢ)) / n          (0 on ignored rows)
///
/// where n is the number of rows not ignored. Classification passes `[B, C]` logits and B targets;
/// a masked language model passes `[B, T, V]` logits and B·T targets with −100 on the tokens that
/// were not masked (Hugging Face's `labels`). When every row is ignored PyTorch returns NaN; this
/// returns a loss of 0 and a zero gradient so a batch without masked tokens does nothing.
///
/// - Parameters:
///   - logits: `[..., C]`, one row per target.
///   - targets: one class index per row (row-major over the leading dimensions).
///   - ignoreIndex: the target value of rows that take no part (default −100).
/// - Throws: `TrainingError.shapeMismatch` when the counts differ, `.invalidTarget` for a class outside `0..<C`.
public func crossEntropyLoss(logits: Tensor, targets: [Int], ignoreIndex: Int = -100) throws(TrainingError) -> (
    loss: Float, dLogits: Tensor
) {
    guard logits.rank >= 1, let c = logits.shape.last, c > 0 else {
        throw .shapeMismatch(what: "logits", expected: [targets.count, -1], found: logits.shape)
    }
    let rows = logits.count / c
    guard rows == targets.count else {
        throw .shapeMismatch(what: "logits (one row per target)", expected: [targets.count, c], found: logits.shape)
    }
    for (i, t) in targets.enumerated() where t != ignoreIndex && !(0..<c).contains(t) {
        throw .invalidTarget(index: i, target: t, classes: c)
    }
    let counted = targets.filter { $0 != ignoreIndex }.count
    guard counted > 0 else { return (0, .zeros(logits.shape)) }
    var total: Double = 0
    let dLogits = Tensor(shape: logits.shape) { d in
        logits.withUnsafeBufferPointer { z in
            for r in 0..<rows where targets[r] != ignoreIndex {
                let row = z.baseAddress! + r * c
                var m = -Float.infinity
                for j in 0..<c where row[j] > m { m = row[j] }
                var sum: Double = 0
                for j in 0..<c { sum += Foundation.exp(Double(row[j] - m)) }
                let logSumExp = Double(m) + Foundation.log(sum)
                total += logSumExp - Double(row[targets[r]])
                let scale = 1 / Double(counted)
                for j in 0..<c { d[r * c + j] = Float(Foundation.exp(Double(row[j]) - logSumExp) * scale) }
                d[r * c + targets[r]] -= Float(scale)
            }
        }
    }
    return (Float(total / Double(counted)), dLogits)
}

/// Mean-squared error, as `torch.nn.functional.mse_loss` with mean reduction:
///
///     loss        = mean (prediction − target)²
///     dPrediction = 2 (prediction − target) / count
///
/// - Throws: `TrainingError.shapeMismatch` when the shapes differ.
public func meanSquaredErrorLoss(prediction: Tensor, target: Tensor) throws(TrainingError) -> (
    loss: Float, dPrediction: Tensor
) {
    guard prediction.shape == target.shape else {
        throw .shapeMismatch(what: "target", expected: prediction.shape, found: target.shape)
    }
    let n = prediction.count
    guard n > 0 else { return (0, prediction) }
    var total: Double = 0
    let d = Tensor(shape: prediction.shape) { d in
        prediction.withUnsafeBufferPointer { p in
            target.withUnsafeBufferPointer { t in
                for i in 0..<n {
                    let diff = p[i] - t[i]
                    total += Double(diff) * Double(diff)
                    d[i] = 2 * diff / Float(n)
                }
            }
        }
    }
    return (Float(total / Double(n)), d)
}

/// The cosine-embedding (distillation) loss of a student's vectors against a teacher's, as
/// `torch.nn.CosineEmbeddingLoss()(student, teacher, ones(B))`: the mean over the batch of
/// `1 − cos(s, t)`, with PyTorch's `ε = 1e-12` inside each squared norm:
///
///     cos  = s·t / √((|s|² + ε)(|t|² + ε))
///     loss = mean_b (1 − cos_b)
///     dS_b = −(t / √((|s|² + ε)(|t|² + ε)) − cos_b · s / (|s|² + ε)) / B
///
/// The teacher is a constant (no gradient).
/// - Parameters:
///   - student: `[B, D]`.
///   - teacher: `[B, D]`.
/// - Throws: `TrainingError.shapeMismatch` unless both are `[B, D]` of one shape.
public func cosineEmbeddingLoss(student: Tensor, teacher: Tensor) throws(TrainingError) -> (
    loss: Float, dStudent: Tensor
) {
    guard student.rank == 2 else { throw .shapeMismatch(what: "student", expected: [-1, -1], found: student.shape) }
    guard teacher.shape == student.shape else {
        throw .shapeMismatch(what: "teacher", expected: student.shape, found: teacher.shape)
    }
    let (b, d) = (student.shape[0], student.shape[1])
    guard b > 0 else { return (0, student) }
    let epsilon = 1e-12
    var total: Double = 0
    let dStudent = Tensor(shape: student.shape) { ds in
        student.withUnsafeBufferPointer { s in
            teacher.withUnsafeBufferPointer { t in
                for r in 0..<b {
                    var dot: Double = 0
                    var ss: Double = 0
                    var tt: Double = 0
                    for j in 0..<d {
                        let (x, y) = (Double(s[r * d + j]), Double(t[r * d + j]))
                        dot += x * y
                        ss += x * x
                        tt += y * y
                    }
                    let (magS, magT) = (ss + epsilon, tt + epsilon)
                    let denominator = (magS * magT).squareRoot()
                    let cos = dot / denominator
                    total += 1 - cos
                    for j in 0..<d {
                        let dCos = Double(t[r * d + j]) / denominator - cos * Double(s[r * d + j]) / magS
                        ds[r * d + j] = Float(-dCos / Double(b))
                    }
                }
            }
        }
    }
    return (Float(total / Double(b)), dStudent)
}
