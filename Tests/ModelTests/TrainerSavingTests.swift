import Foundation
import Layers
import Model
import Testing

@Suite("Trainer saving")
struct TrainerSavingTests {
    func encoder(normalize: Bool) throws -> SentenceEncoder {
        SentenceEncoder(
            model: try TinyTraining.model(), tokenizer: try TinyTraining.tokenizer(),
            sentenceConfig: SentenceTransformersConfig(pooling: .mean, normalize: normalize, maxSequenceLength: 12))
    }

    @Test("save -> SentenceEncoder(directory:) gives the in-memory model's embeddings", arguments: [false, true])
    func roundTrip(normalize: Bool) throws {
        let original = try encoder(normalize: normalize)
        let directory = try TinyTraining.temporaryDirectory("save")
        defer { try? FileManager.default.removeItem(at: directory) }
        try original.save(to: directory)
        let loaded = try SentenceEncoder(directory: directory)
        #expect(loaded.model.config == original.model.config)
        #expect(loaded.sentenceConfig == original.sentenceConfig)
        let texts = TinyTraining.sentences(6) + ["the cat was not so good, really"]
        let a = try original.embed(texts).map(\.vector)
        let b = try loaded.embed(texts).map(\.vector)
        #expect(a == b)
        for name in [
            "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json",
            "modules.json", "1_Pooling/config.json", "sentence_bert_config.json",
        ] {
            #expect(
                FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path),
                "\(name) is missing")
        }
        let config =
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("config.json")))
            as? [String: Any]
        #expect(config?["architectures"] as? [String] == ["BertModel"])
        #expect(config?["model_type"] as? String == "bert")
        let modules = String(
            decoding: try Data(contentsOf: directory.appendingPathComponent("modules.json")), as: UTF8.self)
        #expect(modules.contains("Normalize") == normalize)
    }

    @Test("an F16 save loads back within half precision")
    func halfPrecision() throws {
        let original = try encoder(normalize: true)
        let directory = try TinyTraining.temporaryDirectory("f16")
        defer { try? FileManager.default.removeItem(at: directory) }
        try original.save(to: directory, dtype: .f16)
        let loaded = try SentenceEncoder(directory: directory)
        let texts = TinyTraining.sentences(4)
        for (a, b) in zip(try original.embed(texts), try loaded.embed(texts)) {
            #expect(cosineSimilarity(a.vector, b.vector) > 0.999)
        }
    }

    @Test("a reduced vocabulary keeps the specials first and every corpus character")
    func reducedVocabulary() throws {
        let teacher = try TinyTraining.tokenizer()
        let reduced = ReducedVocabulary(teacher: teacher, corpus: ["good movie", "bad day"], size: 8)
        #expect(reduced.tokens.prefix(5) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        #expect(reduced.tokens.count == 8 && reduced.tokens.contains("good"))
        #expect(reduced.teacherIds == reduced.tokens.map { teacher.id(of: $0)! })
    }

    @Test("the evaluation of a model against itself is perfect")
    func evaluation() {
        var g = SeededGenerator(seed: 2)
        let x = Tensor.normal([30, 8], generator: &g)
        let same = DistillationEvaluation(student: x, teacher: x * 3)
        #expect(abs(same.spearman - 1) < 1e-9 && same.topKOverlap == 1)
        let other = DistillationEvaluation(student: Tensor.normal([30, 8], generator: &g), teacher: x)
        #expect(other.spearman < 0.5)
    }
}
