import Foundation
import Layers
import Model
import Testing

/// A tiny world for trainer tests: a 1-layer, 16-wide BERT over a 29-token vocabulary.
enum TinyTraining {
    static let words = [
        "good", "great", "fine", "nice", "bad", "awful", "poor", "sad", "the", "a", "movie", "film", "day",
        "food", "was", "is", "very", "quite", "not", "and", "it", "so", "really", "cat",
    ]
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words

    static func tokenizer() throws -> BertTokenizer { try BertTokenizer(vocabulary: vocabulary) }

    static func model(seed: UInt64 = 1, width: Int = 16) throws -> BertModel {
        try BertModel(
            config: BertConfig(
                vocabSize: vocabulary.count, hiddenSize: width, numHiddenLayers: 1, numAttentionHeads: 2,
                intermediateSize: 2 * width, maxPositionEmbeddings: 16),
            seed: seed)
    }

    /// Short seeded sentences of the vocabulary's words.
    static func sentences(_ n: Int, seed: UInt64 = 7) -> [String] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in
            (0..<(2 + Int(g.next() % 5))).map { _ in words[Int(g.next() % UInt64(words.count))] }.joined(separator: " ")
        }
    }

    /// A distillation task over `n` sentences with a random 24-wide "teacher".
    static func distillation(_ n: Int = 10, projected: Bool = true) throws -> DistillationTask {
        let tokenizer = try tokenizer()
        let texts = sentences(n)
        var g = SeededGenerator(seed: 3)
        let teacher = Tensor.normal([n, 24], generator: &g)
        return try DistillationTask(
            sequences: texts.map { tokenizer.encode($0).ids }, teacherEmbeddings: teacher,
            projection: projected ? PrincipalComponents.basis(of: teacher, count: 16) : nil)
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "trainer-tests-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite("Trainer")
struct TrainerTests {
    func options(steps: Int, checkpoints: URL? = nil) -> TrainingOptions {
        var options = TrainingOptions(steps: steps, batchSize: 4, learningRate: 3e-3, seed: 42)
        options.dropout = DropoutRates(attention: 0.1, hidden: 0.1)
        options.checkpointDirectory = checkpoints
        options.checkpointEvery = checkpoints == nil ? 0 : 2
        return options
    }

    @Test("a run interrupted at step k and resumed gives the same losses, bit for bit, as an uninterrupted run")
    func resumeIsExact() throws {
        let task = try TinyTraining.distillation()
        var uninterrupted = Trainer(task: task, parameters: try TinyTraining.model(), options: options(steps: 9))
        try uninterrupted.run()

        let directory = try TinyTraining.temporaryDirectory("resume")
        defer { try? FileManager.default.removeItem(at: directory) }
        var first = Trainer(
            task: task, parameters: try TinyTraining.model(), options: options(steps: 9, checkpoints: directory))
        try first.run(stopAt: 5)  // checkpoints at 2, 4 and (stopping) 5; 10 examples / 4 per batch: epochs wrap
        #expect(first.step == 5)
        // A new process: other starting weights, which the checkpoint must replace.
        var resumed = Trainer(
            task: task, parameters: try TinyTraining.model(seed: 99), options: options(steps: 9, checkpoints: directory)
        )
        try resumed.resume(from: directory)
        #expect(resumed.step == 5)
        try resumed.run()

        #expect(resumed.losses.count == 9)
        #expect(
            resumed.losses.map(\.bitPattern) == uninterrupted.losses.map(\.bitPattern),
            "losses: \(resumed.losses) vs \(uninterrupted.losses)")
        let a = resumed.parameters.parameters()
        for (name, value) in uninterrupted.parameters.namedParameters() {
            #expect(a[name] == value, "parameter \(name) differs after resuming")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["optimizer-00000009.safetensors", "parameters-00000009.safetensors", "trainer_state.json"])
    }

    @Test("resuming with another seed or batch size is refused")
    func resumeChecksTheRun() throws {
        let task = try TinyTraining.distillation()
        let directory = try TinyTraining.temporaryDirectory("refuse")
        defer { try? FileManager.default.removeItem(at: directory) }
        var trainer = Trainer(
            task: task, parameters: try TinyTraining.model(), options: options(steps: 4, checkpoints: directory))
        try trainer.run(stopAt: 2)
        var other = options(steps: 4, checkpoints: directory)
        other.seed = 43
        var mismatched = Trainer(task: task, parameters: try TinyTraining.model(), options: other)
        #expect(throws: TrainingRunError.self) { try mismatched.resume(from: directory) }
    }

    @Test("distillation lowers its loss on a tiny set")
    func distillationLearns() throws {
        for projected in [false, true] {
            var options = options(steps: 60)
            options.dropout = .none
            var trainer = Trainer(
                task: try TinyTraining.distillation(8, projected: projected), parameters: try TinyTraining.model(),
                options: options)
            try trainer.run()
            let early = trainer.losses.prefix(5).reduce(0, +) / 5
            let late = trainer.losses.suffix(5).reduce(0, +) / 5
            #expect(late < 0.5 * early, "projected \(projected): loss \(early) -> \(late)")
        }
    }

    @Test("classification learns a trivially separable toy set")
    func classificationLearns() throws {
        let tokenizer = try TinyTraining.tokenizer()
        var lines: [String] = []
        for (i, text) in TinyTraining.sentences(24, seed: 11).enumerated() {
            let positive = i % 2 == 0
            lines.append((positive ? "pos\t" : "neg\t") + (positive ? "good " : "awful ") + text)
        }
        let data = try LabelledTexts(tsv: lines.joined(separator: "\n") + "\n", file: "toy.tsv")
        #expect(data.labels == ["neg", "pos"])
        let task = ClassificationTask(sequences: data.texts.map { tokenizer.encode($0).ids }, targets: data.targets)
        var options = options(steps: 80)
        options.batchSize = 8
        options.learningRate = 5e-3
        options.dropout = .none
        let classifier = TextClassifier(encoder: try TinyTraining.model(), classes: 2, pooling: .cls)
        var trainer = Trainer(task: task, parameters: classifier, options: options)
        try trainer.run()
        let predictions = try trainer.parameters.predict(task.sequences)
        #expect(predictions == data.targets, "loss \(trainer.losses.first!) -> \(trainer.losses.last!)")
        #expect(
            trainer.losses.suffix(5).reduce(0, +) / 5 < 0.1,
            "loss \(trainer.losses.prefix(5)) ... \(trainer.losses.suffix(5))")
    }

    @Test("a TSV line without a tab is an error naming the line")
    func badTSV() {
        #expect(throws: TrainingRunError.invalidData(file: "x.tsv", reason: "line 2 has no tab between label and text"))
        {
            try LabelledTexts(tsv: "a\tone\nno tab here\n", file: "x.tsv")
        }
    }

    @Test("the similarity-matrix loss's gradient matches finite differences")
    func similarityMatrixGradient() throws {
        var g = SeededGenerator(seed: 5)
        let student = Tensor.normal([4, 3], generator: &g)
        let teacher = normalizedRows(Tensor.normal([4, 6], generator: &g))
        let targets = matmul(teacher, teacher, transposeB: true)
        let (_, analytic) = try similarityMatrixLoss(student: student, teacherSimilarities: targets)
        let numeric = finiteDifferences(at: student, epsilon: 1e-2) { x in
            Double((try? similarityMatrixLoss(student: x, teacherSimilarities: targets).loss) ?? .nan)
        }
        expectRelative(analytic, numeric, tolerance: 2e-2, "dStudent")
    }

    @Test("batch order: every example once per epoch, fixed by the seed")
    func batchOrder() {
        var order = BatchOrder(count: 10, batchSize: 4, seed: 1)
        let stream = (0..<5).flatMap { order.batch(step: $0) }
        #expect(Set(stream.prefix(10)) == Set(0..<10))
        #expect(Set(stream[10..<20]) == Set(0..<10))
        var again = BatchOrder(count: 10, batchSize: 4, seed: 1)
        #expect(again.batch(step: 3) == Array(stream[12..<16]))
    }

    @Test("the loss curve is an SVG with both lines")
    func lossCurve() {
        let svg = LossCurveSVG.render(losses: [4, 2, 1, 0.5, 0.1, 0.05])
        #expect(svg.hasPrefix("<svg") && svg.contains("polyline") && svg.contains("log scale"))
    }
}
