import Foundation
import Layers
import Model
import Testing

/// End-to-end parity with Hugging Face on the real all-MiniLM-L6-v2: token ids, last hidden state
/// (≤ 1e-4) and normalised sentence-transformers embeddings (≤ 1e-5). Reference values come from
/// `scripts/make_model_fixtures.py`.
@Suite struct ModelParityTests {
    struct Reference: Decodable {
        var texts: [String]
        var ids: [[Int]]
        var lengths: [Int]
        var max_seq_length: Int
    }

    static func reference() throws -> (Reference, SafeTensorsFile) {
        let dir = Repo.fixtures.appendingPathComponent("model")
        let json = try JSONDecoder().decode(
            Reference.self, from: Data(contentsOf: dir.appendingPathComponent("minilm_parity.json")))
        let tensors = try SafeTensorsFile(url: dir.appendingPathComponent("minilm_parity.safetensors"))
        return (json, tensors)
    }

    @Test func tokenIdsMatchHuggingFace() throws {
        guard let dir = Repo.requireMiniLM("tokenIdsMatchHuggingFace") else { return }
        let encoder = try SentenceEncoder(directory: dir)
        let (ref, _) = try Self.reference()
        #expect(encoder.maxLength == ref.max_seq_length)
        for (i, text) in ref.texts.enumerated() {
            let ids = encoder.encode(text).ids
            #expect(ids == ref.ids[i], "text \(i) \(text.debugDescription)")
        }
    }

    @Test func lastHiddenStateMatchesHuggingFace() throws {
        guard let dir = Repo.requireMiniLM("lastHiddenStateMatchesHuggingFace") else { return }
        let encoder = try SentenceEncoder(directory: dir)
        let (ref, file) = try Self.reference()
        let hidden = try file.tensor("hidden")
        let outputs = try encoder.tokenEmbeddings(ref.texts, options: EmbeddingOptions(batchSize: 7))
        var row = 0
        var worst: (value: Float, text: Int, token: Int, dim: Int) = (0, 0, 0, 0)
        for (i, output) in outputs.enumerated() {
            let n = ref.lengths[i]
            #expect(output.vectors.shape == [n, 384], "text \(i)")
            guard output.vectors.shape == [n, 384] else {
                row += n
                continue
            }
            let expected = hidden.slice(row..<(row + n))
            let (d, at) = output.vectors.maxAbsDifference(expected)
            if d > worst.value || d.isNaN { worst = (d, i, at / 384, at % 384) }
            row += n
        }
        print(
            "last_hidden_state: worst |Δ| = \(worst.value) at text \(worst.text), token \(worst.token), dim \(worst.dim)"
        )
        #expect(
            worst.value <= 1e-4,
            "last_hidden_state differs by \(worst.value) at text \(worst.text) token \(worst.token) dim \(worst.dim)")
    }

    @Test func sentenceEmbeddingsMatchSentenceTransformers() throws {
        guard let dir = Repo.requireMiniLM("sentenceEmbeddingsMatchSentenceTransformers") else { return }
        let encoder = try SentenceEncoder(directory: dir)
        let (ref, file) = try Self.reference()
        let expected = try file.tensor("embeddings")
        let outputs = try encoder.embed(ref.texts, options: EmbeddingOptions(batchSize: 16))
        let actual = Tensor(outputs.flatMap(\.vector), shape: [outputs.count, 384])
        let (d, at) = actual.maxAbsDifference(expected)
        var minCosine: Float = 1
        for i in 0..<outputs.count {
            minCosine = min(minCosine, cosineSimilarity(outputs[i].vector, expected.slice(i..<(i + 1)).scalars))
        }
        print("embeddings: worst |Δ| = \(d) at text \(at / 384) dim \(at % 384); min cosine = \(minCosine)")
        #expect(d <= 1e-5, "embedding differs by \(d) at text \(at / 384) dim \(at % 384)")
        #expect(minCosine >= 0.99999)
    }

    @Test func batchingDoesNotChangeResults() throws {
        guard let dir = Repo.requireMiniLM("batchingDoesNotChangeResults") else { return }
        let encoder = try SentenceEncoder(directory: dir)
        let texts = ["short", "a somewhat longer sentence with more words in it", "", "mid length text here"]
        let batched = try encoder.embed(texts, options: EmbeddingOptions(batchSize: 4))
        for (i, text) in texts.enumerated() {
            let single = try encoder.embed([text])[0]
            let d = zip(single.vector, batched[i].vector).map { abs($0 - $1) }.max() ?? 0
            #expect(d <= 1e-6, "text \(i): batch vs single differ by \(d)")
        }
    }

    @Test func paddedForwardMatchesPackedForward() throws {
        guard let dir = Repo.requireMiniLM("paddedForwardMatchesPackedForward") else { return }
        let encoder = try SentenceEncoder(directory: dir)
        let a = encoder.encode("The cat sat on the mat.").ids
        let b = encoder.encode("Hi").ids
        let t = a.count
        let padded = [a, b + Array(repeating: 0, count: t - b.count)]
        let mask = [
            Array(repeating: 1, count: t),
            Array(repeating: 1, count: b.count) + Array(repeating: 0, count: t - b.count),
        ]
        let out = try encoder.model.forward(ids: padded, attentionMask: mask).lastHiddenState  // [2, T, D]
        let packed = try encoder.model.packed(ids: a + b, lengths: [a.count, b.count])  // [Ta + Tb, D]
        let d = out.reshaped([2 * t, 384]).slice(0..<t).maxAbsDifference(packed.slice(0..<t)).value
        let d2 = out.reshaped([2 * t, 384]).slice(t..<(t + b.count)).maxAbsDifference(packed.slice(t..<(t + b.count)))
            .value
        #expect(d <= 1e-5 && d2 <= 1e-5, "padded vs packed differ by \(d), \(d2)")
    }
}
