import Layers
import Testing

@Suite("Multi-head attention backward")
struct MultiHeadAttentionBackwardTests {
    @Test("dX and every projection's gradients match PyTorch autograd with key padding")
    func pytorch() throws {
        let f = try GradientFixture("mha")
        var g = SeededGenerator(seed: 0)
        var attention = try MultiHeadAttention(dimension: 16, heads: 4, generator: &g)
        try attention.load(try f.parameters())
        let x = try f.tensor("input.x")
        let mask = AttentionMask(lengths: try f.ints("input.lengths"), length: x.shape[1])
        let (y, cache) = attention.forwardForTraining(x, mask: mask)
        expectGradient(y, try f.tensor("output.y"), tolerance: 1e-5, "attention output")
        expectGradient(y, attention(x, mask: mask), tolerance: 1e-5, "training output = inference output")
        var gradients = Gradients()
        let dx = attention.backward(try f.tensor("upstream.y"), cache: cache, gradients: &gradients, prefix: "")
        expectGradient(dx, try f.tensor("dinput.x"), tolerance: 1e-3, "attention dx")
        try expectGradients(gradients, match: f, tolerance: 1e-3, "MultiHeadAttention")
    }

    @Test(
        "matches finite differences with padding, with and without dropout on the weights", arguments: [Float(0), 0.3])
    func finiteDifferences(dropout: Float) throws {
        var g = SeededGenerator(seed: 1)
        let attention = perturbed(try MultiHeadAttention(dimension: 6, heads: 2, generator: &g), seed: 2)
        let x = gaussian([2, 3, 6], seed: 3)
        let dy = gaussian([2, 3, 6], seed: 4)
        let mask = AttentionMask(lengths: [3, 2], length: 3)
        func run(_ layer: MultiHeadAttention, _ x: Tensor) -> (output: Tensor, cache: MultiHeadAttentionCache) {
            var g = SeededGenerator(seed: 7)
            return layer.forwardForTraining(x, mask: mask, dropout: dropout, generator: &g)
        }
        var gradients = Gradients()
        let dx = attention.backward(dy, cache: run(attention, x).cache, gradients: &gradients, prefix: "attention")
        expectGradient(
            dx, numericalGradient(at: x) { weightedSum(run(attention, $0).output, dy) }, tolerance: 1e-2,
            "attention dx (finite differences)")
        let numerical = numericalParameterGradients(attention, prefix: "attention") {
            weightedSum(run($0, x).output, dy)
        }
        expectGradients(gradients, matchNumerical: numerical, "MultiHeadAttention")
        #expect(gradients.names == numerical.keys.sorted())
    }
}
