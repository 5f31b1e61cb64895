import Foundation
import Layers
import Model
import Testing

/// Named tensors as a `ParameterVisitable` (what an optimizer sees of a model).
struct ParameterList: ParameterVisitable {
    var entries: [(name: String, value: Tensor)]

    mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        for i in entries.indices { try body(joinName(prefix, entries[i].name), &entries[i].value) }
    }

    func value(_ name: String) -> Tensor { entries.first { $0.name == name }!.value }
}

@Suite("AdamW")
struct AdamWTests {
    static let names = ["a", "b", "c"]

    /// The fixture's starting parameters of `case_`.
    func start(_ f: SafeTensorsFile, _ case_: String) throws -> ParameterList {
        ParameterList(entries: try Self.names.map { ($0, try f.tensor("\(case_).param.\($0)")) })
    }

    /// The gradients of step `step` (a parameter without one is absent).
    func gradients(_ f: SafeTensorsFile, _ case_: String, step: Int) throws -> Gradients {
        var g = Gradients()
        for name in Self.names where f.names.contains("\(case_).step\(step).grad.\(name)") {
            g.accumulate(name, try f.tensor("\(case_).step\(step).grad.\(name)"))
        }
        return g
    }

    @Test("five steps equal torch.optim.AdamW(lr=1e-2) step by step")
    func constantLearningRate() throws {
        let f = try TrainingFixtures.open("adamw")
        var parameters = try start(f, "constant")
        var optimizer = AdamW(learningRate: 1e-2)
        for step in 0..<5 {
            optimizer.step(parameters: &parameters, gradients: try gradients(f, "constant", step: step))
            for name in Self.names {
                expectAbsolute(
                    parameters.value(name), try f.tensor("constant.step\(step).param.\(name)"), atol: 1e-6,
                    "step \(step) \(name)")
            }
        }
        #expect(optimizer.stepCount == 5)
    }

    @Test("with get_linear_schedule_with_warmup, weight decay 0.1 and a missing gradient, as PyTorch")
    func scheduleAndMissingGradient() throws {
        let f = try TrainingFixtures.open("adamw")
        var parameters = try start(f, "schedule")
        var optimizer = AdamW(learningRate: 0, weightDecay: 0.1)
        let schedule = LinearWarmupSchedule(peakLearningRate: 3e-2, warmupSteps: 2, totalSteps: 5)
        let lrs = try f.tensor("schedule.lr").scalars
        for step in 0..<5 {
            optimizer.learningRate = schedule.learningRate(afterSteps: optimizer.stepCount)
            #expect(abs(optimizer.learningRate - Double(lrs[step])) < 1e-9, "learning rate of step \(step)")
            optimizer.step(parameters: &parameters, gradients: try gradients(f, "schedule", step: step))
            for name in Self.names {
                expectAbsolute(
                    parameters.value(name), try f.tensor("schedule.step\(step).param.\(name)"), atol: 1e-6,
                    "step \(step) \(name)")
            }
        }
        let state = Dictionary(uniqueKeysWithValues: optimizer.stateTensors().map { ($0.name, $0.tensor) })
        for name in Self.names {
            for part in ["exp_avg", "exp_avg_sq", "step"] {
                expectAbsolute(
                    try #require(state["\(name).\(part)"]), try f.tensor("schedule.state.\(name).\(part)"), atol: 1e-6,
                    "state \(name).\(part)")
            }
        }
        #expect(state["c.step"]!.scalars == [4], "a step without a gradient does not count")
    }

    @Test("saving and restoring the state resumes exactly")
    func resume() throws {
        let f = try TrainingFixtures.open("adamw")
        let schedule = LinearWarmupSchedule(peakLearningRate: 3e-2, warmupSteps: 2, totalSteps: 5)
        func run(_ steps: Range<Int>, _ parameters: inout ParameterList, _ optimizer: inout AdamW) throws {
            for step in steps {
                optimizer.learningRate = schedule.learningRate(afterSteps: optimizer.stepCount)
                optimizer.step(parameters: &parameters, gradients: try gradients(f, "schedule", step: step))
            }
        }
        var straight = try start(f, "schedule")
        var optimizer = AdamW(weightDecay: 0.1)
        try run(0..<5, &straight, &optimizer)

        var resumed = try start(f, "schedule")
        var first = AdamW(weightDecay: 0.1)
        try run(0..<3, &resumed, &first)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "adamw-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try first.save(to: url)
        var second = AdamW(weightDecay: 0.1)
        try second.load(from: url)
        #expect(second.stepCount == 3)
        try run(3..<5, &resumed, &second)
        for name in Self.names { #expect(resumed.value(name) == straight.value(name), "\(name) after resuming") }

        var broken = Dictionary(uniqueKeysWithValues: first.stateTensors().map { ($0.name, $0.tensor) })
        broken["a.exp_avg"] = nil
        #expect(throws: TrainingError.self) { try second.restore(stateTensors: broken, stepCount: 3) }
    }

    @Test("linear warm-up and decay as transformers' lr_lambda; Trainer's no-decay names")
    func schedule() {
        let s = LinearWarmupSchedule(peakLearningRate: 1, warmupSteps: 4, totalSteps: 10)
        let expected: [Double] = [0, 0.25, 0.5, 0.75, 1, 5.0 / 6, 4.0 / 6, 3.0 / 6, 2.0 / 6, 1.0 / 6, 0, 0]
        let multipliers = (0...11).map { s.multiplier(afterSteps: $0) }
        #expect(multipliers == expected)
        #expect(
            LinearWarmupSchedule(peakLearningRate: 2, warmupSteps: 0, totalSteps: 2).learningRate(afterSteps: 0) == 2)
        #expect(AdamW.transformersNoDecay("encoder.layer.0.output.dense.bias"))
        #expect(AdamW.transformersNoDecay("embeddings.LayerNorm.weight"))
        #expect(!AdamW.transformersNoDecay("encoder.layer.0.output.dense.weight"))
    }
}

/// A BERT encoder with a classification head on the pooler output (for the training-loop test).
struct TinyClassifier: ParameterVisitable {
    var bert: BertModel
    var head: Linear

    mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try bert.visitParameters(prefix: joinName(prefix, "bert"), body)
        try head.visitParameters(prefix: joinName(prefix, "classifier"), body)
    }
}

@Suite("AdamW training loop")
struct AdamWTrainingLoopTests {
    @Test("forward, cross-entropy, backward, clipping and AdamW steps fit a tiny BertModel to its labels")
    func fitsTinyClassifier() throws {
        let config = BertConfig(
            vocabSize: 12, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 32,
            maxPositionEmbeddings: 8)
        var g = SeededGenerator(seed: 1)
        var model = TinyClassifier(
            bert: try BertModel(config: config, seed: 1), head: Linear(inFeatures: 16, outFeatures: 2, generator: &g))
        // Label 1 when the sequence holds token 7.
        let ids = [[1, 7, 3, 4, 2], [1, 5, 3, 0, 0], [1, 4, 4, 7, 2], [1, 6, 5, 2, 0]]
        let mask = ids.map { row in row.map { $0 == 0 ? 0 : 1 } }
        let labels = [1, 0, 1, 0]
        var optimizer = AdamW(learningRate: 0, excludeFromWeightDecay: AdamW.transformersNoDecay)
        let schedule = LinearWarmupSchedule(peakLearningRate: 3e-3, warmupSteps: 5, totalSteps: 60)
        var dropout = SeededGenerator(seed: 2)
        var losses: [Float] = []
        for _ in 0..<60 {
            let (out, cache) = try model.bert.forwardForTraining(
                ids: ids, attentionMask: mask, dropout: config.dropoutRates, generator: &dropout)
            let pooled = try #require(out.pooled)
            let (logits, headCache) = model.head.forwardForTraining(pooled)
            let (loss, dLogits) = try crossEntropyLoss(logits: logits, targets: labels)
            losses.append(loss)
            var gradients = Gradients()
            let dPooled = model.head.backward(dLogits, cache: headCache, gradients: &gradients, prefix: "classifier")
            model.bert.backward(nil, dPooled: dPooled, cache: cache, gradients: &gradients, prefix: "bert")
            #expect(gradients.names.count == model.namedParameters().count)
            gradients.clip(maxNorm: 1)
            optimizer.learningRate = schedule.learningRate(afterSteps: optimizer.stepCount)
            optimizer.step(parameters: &model, gradients: gradients)
        }
        let first: Float = losses.prefix(5).reduce(0, +) / 5
        let last: Float = losses.suffix(5).reduce(0, +) / 5
        #expect(losses.allSatisfy { $0.isFinite })
        #expect(last < 0.5 * first, "losses \(losses)")
    }
}
