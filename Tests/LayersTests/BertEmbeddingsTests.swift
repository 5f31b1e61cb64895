import Foundation
import Layers
import Testing

@Suite("BertEmbeddings")
struct BertEmbeddingsTests {
    @Test("word + token type + position, then LayerNorm, by hand")
    func handComputed() throws {
        let embeddings = BertEmbeddings(
            words: Embedding(weight: Tensor([0, 0, 1, 2], shape: [2, 2])),
            positions: Embedding(weight: Tensor([0, 0, 2, 0], shape: [2, 2])),
            tokenTypes: Embedding(weight: Tensor([0, 1, 0, 0], shape: [2, 2])),
            layerNorm: LayerNorm(weight: Tensor([2, 2], shape: [2]), bias: Tensor([1, 1], shape: [2]), epsilon: 0))
        // Token 0: word 1 [1, 2] + type 0 [0, 1] + position 0 [0, 0] = [1, 3] -> normalised [-1, 1] -> [-1, 3].
        // Token 1: word 1 [1, 2] + type 1 [0, 0] + position 1 [2, 0] = [3, 2] -> [1, -1] -> [3, -1].
        assertClose(
            try embeddings(ids: [[1, 1]], typeIds: [[0, 1]]), Tensor([-1, 3, 3, -1], shape: [1, 2, 2]), atol: 1e-6,
            "embeddings")
    }

    @Test("matches transformers' BertEmbeddings, with and without token type ids")
    func golden() throws {
        let f = try Fixture("bert_embeddings")
        var generator = SeededGenerator(seed: 1)
        var embeddings = BertEmbeddings(
            vocabularySize: 30, dimension: 24, maxPositions: 12, layerNormEpsilon: 1e-12, generator: &generator)
        try embeddings.load(try f.parameters(under: "params"), prefix: "embeddings", strict: true)
        let ids = try f.ints("input_ids")
        let types = try f.ints("token_type_ids")  // [3, 6]
        let batch = (0..<3).map { Array(ids[($0 * 6)..<($0 * 6 + 6)]) }
        let typeBatch = (0..<3).map { Array(types[($0 * 6)..<($0 * 6 + 6)]) }
        assertClose(try embeddings(ids: batch, typeIds: typeBatch), try f.tensor("output"), "BertEmbeddings")
        assertClose(try embeddings(ids: batch), try f.tensor("output_no_types"), "BertEmbeddings without token types")
    }

    @Test("packed sequences restart positions and equal the padded batch at real tokens")
    func packedEqualsPadded() throws {
        var generator = SeededGenerator(seed: 2)
        let embeddings = BertEmbeddings(vocabularySize: 30, dimension: 8, maxPositions: 6, generator: &generator)
        let batch = [[2, 7, 9, 4], [3, 5, 0, 0]]
        let lengths = [4, 2]
        let padded = try embeddings(ids: batch)
        let packed = try embeddings.packed(ids: [2, 7, 9, 4, 3, 5], lengths: lengths)
        assertClose(packed, realRows(padded, lengths: lengths), atol: 0, "packed vs padded")
    }

    @Test("inputs the tables do not cover throw")
    func invalidInputs() {
        var generator = SeededGenerator(seed: 3)
        let embeddings = BertEmbeddings(vocabularySize: 5, dimension: 4, maxPositions: 3, generator: &generator)
        #expect(throws: LayerError.self) { try embeddings(ids: [[1, 2, 3, 4]]) }  // 4 tokens, 3 positions
        #expect(throws: LayerError.self) { try embeddings(ids: [[1, 9]]) }  // id 9 of 5
        #expect(throws: LayerError.self) { try embeddings(ids: [[1, 2]], typeIds: [[0, 2]]) }  // type 2 of 2
        #expect(throws: LayerError.self) { try embeddings.packed(ids: [1, 2], typeIds: [0], lengths: [2]) }
        #expect(throws: LayerError.self) { try embeddings.packed(ids: [1, 2], lengths: [3]) }
        #expect(throws: LayerError.self) { try embeddings(ids: [[1, 2], [1]]) }
    }
}
