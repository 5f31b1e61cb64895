import Layers
import Model
import Testing

@Suite("Losses")
struct LossTests {
    @Test("cross-entropy over classes matches F.cross_entropy, loss and gradient")
    func crossEntropyClassification() throws {
        let f = try TrainingFixtures.open("losses")
        let logits = try f.tensor("input.ce_logits")
        let targets = try f.tensor("input.ce_targets").scalars.map { Int($0) }
        let (loss, dLogits) = try crossEntropyLoss(logits: logits, targets: targets)
        expectRelative(
            Tensor([loss], shape: [1]), try f.tensor("output.ce_loss"), tolerance: 1e-6, "cross-entropy loss")
        expectRelative(dLogits, try f.tensor("dinput.ce_logits"), tolerance: 1e-3, "cross-entropy dLogits")
    }

    @Test("masked-language-model cross-entropy ignores −100 as PyTorch does")
    func crossEntropyMaskedLanguageModel() throws {
        let f = try TrainingFixtures.open("losses")
        let logits = try f.tensor("input.mlm_logits")  // [2, 4, 7]
        let targets = try f.tensor("input.mlm_targets").scalars.map { Int($0) }
        let (loss, dLogits) = try crossEntropyLoss(logits: logits, targets: targets, ignoreIndex: -100)
        expectRelative(Tensor([loss], shape: [1]), try f.tensor("output.mlm_loss"), tolerance: 1e-6, "MLM loss")
        expectRelative(dLogits, try f.tensor("dinput.mlm_logits"), tolerance: 1e-3, "MLM dLogits")
        #expect(dLogits[0, 0, 3] == 0 && dLogits[1, 2, 6] == 0, "ignored tokens get no gradient")
    }

    @Test("cross-entropy: finite differences, all-ignored batches, invalid targets")
    func crossEntropyEdges() throws {
        let logits = Tensor((0..<12).map { Float($0 % 5) * 0.7 - 1 }, shape: [3, 4])
        let targets = [2, -100, 0]
        let (_, d) = try crossEntropyLoss(logits: logits, targets: targets)
        let numerical = finiteDifferences(at: logits) {
            Double((try? crossEntropyLoss(logits: $0, targets: targets))?.loss ?? .nan)
        }
        expectRelative(d, numerical, tolerance: 1e-2, "cross-entropy dLogits (finite differences)")
        let none = try crossEntropyLoss(logits: logits, targets: [-100, -100, -100])
        #expect(none.loss == 0 && none.dLogits.scalars.allSatisfy { $0 == 0 })
        #expect(throws: TrainingError.invalidTarget(index: 1, target: 4, classes: 4)) {
            try crossEntropyLoss(logits: logits, targets: [0, 4, 1])
        }
        #expect(throws: TrainingError.self) { try crossEntropyLoss(logits: logits, targets: [0, 1]) }
    }

    @Test("mean-squared error matches F.mse_loss")
    func meanSquaredError() throws {
        let f = try TrainingFixtures.open("losses")
        let (p, t) = (try f.tensor("input.mse_prediction"), try f.tensor("input.mse_target"))
        let (loss, d) = try meanSquaredErrorLoss(prediction: p, target: t)
        expectRelative(Tensor([loss], shape: [1]), try f.tensor("output.mse_loss"), tolerance: 1e-6, "MSE loss")
        expectRelative(d, try f.tensor("dinput.mse_prediction"), tolerance: 1e-3, "MSE dPrediction")
        #expect(throws: TrainingError.self) { try meanSquaredErrorLoss(prediction: p, target: t.reshaped([4, 3])) }
    }

    @Test("cosine-embedding (distillation) loss matches nn.CosineEmbeddingLoss, and finite differences")
    func cosineEmbedding() throws {
        let f = try TrainingFixtures.open("losses")
        let (s, t) = (try f.tensor("input.cos_student"), try f.tensor("input.cos_teacher"))
        let (loss, d) = try cosineEmbeddingLoss(student: s, teacher: t)
        expectRelative(Tensor([loss], shape: [1]), try f.tensor("output.cos_loss"), tolerance: 1e-6, "cosine loss")
        expectRelative(d, try f.tensor("dinput.cos_student"), tolerance: 1e-3, "cosine dStudent")
        let numerical = finiteDifferences(at: s, epsilon: 1e-2) {
            Double((try? cosineEmbeddingLoss(student: $0, teacher: t))?.loss ?? .nan)
        }
        expectRelative(d, numerical, tolerance: 1e-2, "cosine dStudent (finite differences)")
        let same = try cosineEmbeddingLoss(student: t, teacher: t)
        #expect(abs(same.loss) < 1e-6)
    }
}
