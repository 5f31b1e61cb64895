import Layers
import Testing

@Suite("Encoder backward")
struct EncoderBackwardTests {
    @Test("two pre-norm blocks and a final norm match nn.TransformerEncoder with key padding")
    func pytorch() throws {
        let f = try GradientFixture("encoder")
        var g = SeededGenerator(seed: 0)
        let blocks = try (0..<2).map { _ in
            try EncoderBlock(dimension: 16, heads: 4, hidden: 32, activation: .gelu, placement: .pre, generator: &g)
        }
        var encoder = Encoder(blocks: blocks, finalNorm: LayerNorm(dimension: 16))
        try encoder.load(try f.parameters())
        let x = try f.tensor("input.x")
        let mask = AttentionMask(lengths: try f.ints("input.lengths"), length: x.shape[1])
        let (y, cache) = encoder.forwardForTraining(x, mask: mask)
        expectGradient(y, try f.tensor("output.y"), tolerance: 1e-5, "encoder output")
        var gradients = Gradients()
        let dx = encoder.backward(try f.tensor("upstream.y"), cache: cache, gradients: &gradients, prefix: "")
        expectGradient(dx, try f.tensor("dinput.x"), tolerance: 1e-3, "encoder dx")
        try expectGradients(gradients, match: f, tolerance: 1e-3, "Encoder")
    }

    @Test("matches finite differences (two post-norm blocks, padding, dropout)")
    func finiteDifferences() throws {
        var g = SeededGenerator(seed: 1)
        let blocks = try (0..<2).map { _ in
            try EncoderBlock(dimension: 4, heads: 2, hidden: 6, placement: .post, generator: &g)
        }
        let encoder = perturbed(Encoder(blocks: blocks), seed: 2)
        let x = gaussian([2, 3, 4], seed: 3)
        let dy = gaussian([2, 3, 4], seed: 4)
        let mask = AttentionMask(lengths: [2, 3], length: 3)
        func run(_ layer: Encoder, _ x: Tensor) -> (output: Tensor, cache: EncoderCache) {
            var g = SeededGenerator(seed: 5)
            return layer.forwardForTraining(
                x, mask: mask, dropout: DropoutRates(attention: 0.1, hidden: 0.1), generator: &g)
        }
        var gradients = Gradients()
        let dx = encoder.backward(dy, cache: run(encoder, x).cache, gradients: &gradients, prefix: "encoder")
        expectGradient(
            dx, numericalGradient(at: x) { weightedSum(run(encoder, $0).output, dy) }, tolerance: 1e-2,
            "encoder dx (finite differences)")
        let only: Set = [
            "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.output.LayerNorm.weight",
            "encoder.layer.1.output.dense.bias",
        ]
        let numerical = numericalParameterGradients(encoder, prefix: "encoder", only: only) {
            weightedSum(run($0, x).output, dy)
        }
        expectGradients(gradients, matchNumerical: numerical, "Encoder")
        #expect(gradients.names.count == encoder.namedParameters().count)
    }
}
