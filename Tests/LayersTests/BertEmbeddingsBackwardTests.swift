import Layers
import Testing

@Suite("BERT embeddings backward")
struct BertEmbeddingsBackwardTests {
    @Test("the three tables and the LayerNorm match transformers' BertEmbeddings")
    func pytorch() throws {
        let f = try GradientFixture("bert_embeddings")
        var g = SeededGenerator(seed: 0)
        var embeddings = BertEmbeddings(
            vocabularySize: 23, dimension: 16, maxPositions: 8, typeVocabularySize: 2, layerNormEpsilon: 1e-12,
            generator: &g)
        try embeddings.load(try f.parameters())
        let (ids, types) = (try f.intRows("input.ids"), try f.intRows("input.type_ids"))
        let (y, cache) = try embeddings.forwardForTraining(ids: ids, typeIds: types, paddingId: 0)
        expectGradient(y, try f.tensor("output.y"), tolerance: 1e-5, "embeddings output")
        expectGradient(
            y, try embeddings(ids: ids, typeIds: types), tolerance: 1e-5, "training output = inference output")
        var gradients = Gradients()
        embeddings.backward(try f.tensor("upstream.y"), cache: cache, gradients: &gradients, prefix: "")
        try expectGradients(gradients, match: f, tolerance: 1e-3, "BertEmbeddings")
    }

    @Test("matches finite differences, with dropout")
    func finiteDifferences() throws {
        var g = SeededGenerator(seed: 1)
        let embeddings = perturbed(
            BertEmbeddings(vocabularySize: 5, dimension: 4, maxPositions: 4, initialization: .pytorch, generator: &g),
            seed: 2)
        let ids = [[1, 4, 4], [0, 2, 1]]
        let types = [[0, 0, 1], [1, 1, 0]]
        let dy = gaussian([2, 3, 4], seed: 3)
        func run(_ layer: BertEmbeddings) -> (output: Tensor, cache: BertEmbeddingsCache)? {
            var g = SeededGenerator(seed: 4)
            return try? layer.forwardForTraining(ids: ids, typeIds: types, dropout: 0.2, generator: &g)
        }
        var gradients = Gradients()
        embeddings.backward(dy, cache: try #require(run(embeddings)).cache, gradients: &gradients, prefix: "embeddings")
        let numerical = numericalParameterGradients(embeddings, prefix: "embeddings") {
            run($0).map { weightedSum($0.output, dy) } ?? .nan
        }
        expectGradients(gradients, matchNumerical: numerical, "BertEmbeddings")
    }

    @Test("a sequence longer than the position table is an error")
    func tooLong() {
        var g = SeededGenerator(seed: 1)
        let embeddings = BertEmbeddings(vocabularySize: 5, dimension: 4, maxPositions: 2, generator: &g)
        #expect(throws: LayerError.self) { try embeddings.forwardForTraining(ids: [[1, 2, 3]]) }
    }
}
