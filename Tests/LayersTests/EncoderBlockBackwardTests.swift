import Layers
import Testing

@Suite("Encoder block backward")
struct EncoderBlockBackwardTests {
    static let placements: [(NormPlacement, String)] = [(.post, "encoder_block_post"), (.pre, "encoder_block_pre")]

    @Test("dX and every parameter's gradient match nn.TransformerEncoderLayer with key padding", arguments: placements)
    func pytorch(placement: NormPlacement, fixture: String) throws {
        let f = try GradientFixture(fixture)
        var g = SeededGenerator(seed: 0)
        var block = try EncoderBlock(
            dimension: 16, heads: 4, hidden: 32, activation: .gelu, placement: placement, generator: &g)
        try block.load(try f.parameters())
        let x = try f.tensor("input.x")
        let mask = AttentionMask(lengths: try f.ints("input.lengths"), length: x.shape[1])
        let (y, cache) = block.forwardForTraining(x, mask: mask)
        expectGradient(y, try f.tensor("output.y"), tolerance: 1e-5, "\(placement)-norm block output")
        expectGradient(y, block(x, mask: mask), tolerance: 1e-5, "\(placement)-norm training output = inference output")
        var gradients = Gradients()
        let dx = block.backward(try f.tensor("upstream.y"), cache: cache, gradients: &gradients, prefix: "")
        expectGradient(dx, try f.tensor("dinput.x"), tolerance: 1e-3, "\(placement)-norm block dx")
        try expectGradients(gradients, match: f, tolerance: 1e-3, "\(placement)-norm EncoderBlock")
    }

    @Test(
        "matches finite differences with padding, with and without dropout", arguments: [NormPlacement.post, .pre],
        [false, true])
    func finiteDifferences(placement: NormPlacement, withDropout: Bool) throws {
        var g = SeededGenerator(seed: 1)
        let block = perturbed(
            try EncoderBlock(dimension: 4, heads: 2, hidden: 6, activation: .gelu, placement: placement, generator: &g),
            seed: 2)
        let x = gaussian([2, 3, 4], seed: 3)
        let dy = gaussian([2, 3, 4], seed: 4)
        let mask = AttentionMask(lengths: [3, 2], length: 3)
        let rates = withDropout ? DropoutRates(attention: 0.2, hidden: 0.2) : .none
        func run(_ layer: EncoderBlock, _ x: Tensor) -> (output: Tensor, cache: EncoderBlockCache) {
            var g = SeededGenerator(seed: 11)
            return layer.forwardForTraining(x, mask: mask, dropout: rates, generator: &g)
        }
        var gradients = Gradients()
        let dx = block.backward(dy, cache: run(block, x).cache, gradients: &gradients, prefix: "encoder.layer.3")
        expectGradient(
            dx, numericalGradient(at: x) { weightedSum(run(block, $0).output, dy) }, tolerance: 1e-2,
            "\(placement)-norm block dx (finite differences)")
        let numerical = numericalParameterGradients(block, prefix: "encoder.layer.3") {
            weightedSum(run($0, x).output, dy)
        }
        expectGradients(gradients, matchNumerical: numerical, "\(placement)-norm EncoderBlock")
        #expect(gradients.names == numerical.keys.sorted())
    }
}
