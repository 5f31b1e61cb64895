import Layers
import Testing

@Suite("Embedding backward")
struct EmbeddingBackwardTests {
    @Test("dW matches PyTorch autograd, repeated ids adding up")
    func pytorch() throws {
        let f = try GradientFixture("embedding")
        let table = Embedding(weight: try f.tensor("param.weight"))
        let (y, cache) = try table.forwardForTraining(try f.ints("input.ids"))
        let dy = try f.tensor("upstream.y")
        expectGradient(y, try f.tensor("output.y").reshaped(y.shape), tolerance: 0, "Embedding output")
        var gradients = Gradients()
        table.backward(dy, cache: cache, gradients: &gradients, prefix: "")
        try expectGradients(gradients, match: f, tolerance: 1e-3, "Embedding")
    }

    @Test("matches finite differences")
    func finiteDifferences() throws {
        var g = SeededGenerator(seed: 1)
        let table = Embedding(count: 6, dimension: 4, generator: &g)
        let ids = [0, 5, 2, 2, 5, 5]
        let dy = gaussian([6, 4], seed: 2)
        var gradients = Gradients()
        table.backward(dy, cache: try table.forwardForTraining(ids).cache, gradients: &gradients, prefix: "words")
        let numerical = numericalParameterGradients(table, prefix: "words") { table in
            (try? table(ids)).map { weightedSum($0, dy) } ?? .nan
        }
        expectGradients(gradients, matchNumerical: numerical, "Embedding")
    }

    @Test("an id outside the table is an error")
    func invalidId() {
        var g = SeededGenerator(seed: 1)
        let table = Embedding(count: 3, dimension: 2, generator: &g)
        #expect(throws: LayerError.self) { try table.forwardForTraining([0, 3]) }
    }
}
