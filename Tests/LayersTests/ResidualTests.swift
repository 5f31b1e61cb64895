import Layers
import Testing

@Suite("residual")
struct ResidualTests {
    @Test("x + sublayer(x) by hand")
    func handComputed() {
        assertEqual(residual(Tensor([1, 2], shape: [2])) { $0 * 2 }, Tensor([3, 6], shape: [2]), "x + 2x")
    }

    @Test("x + FeedForward(x) matches PyTorch")
    func golden() throws {
        let f = try Fixture("feed_forward")
        var generator = SeededGenerator(seed: 1)
        var block = FeedForward(dimension: 16, hidden: 32, activation: .gelu, generator: &generator)
        try block.load(try f.parameters(under: "params"))
        assertClose(residual(try f.tensor("input")) { block($0) }, try f.tensor("residual"), "x + FF(x)")
    }

    @Test("a zero sublayer is the identity")
    func zeroSublayer() {
        let x = randomTensor([2, 3, 4], seed: 41)
        assertEqual(residual(x) { Tensor.zeros($0.shape) }, x, "x + 0")
    }
}
