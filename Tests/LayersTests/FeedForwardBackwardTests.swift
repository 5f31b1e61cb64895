import Layers
import Testing

@Suite("Feed-forward backward")
struct FeedForwardBackwardTests {
    @Test("dX and both layers' gradients match PyTorch autograd")
    func pytorch() throws {
        let f = try GradientFixture("feed_forward")
        var g = SeededGenerator(seed: 0)
        var block = FeedForward(dimension: 16, hidden: 32, activation: .gelu, generator: &g)
        try block.load(try f.parameters())
        let (y, cache) = block.forwardForTraining(try f.tensor("input.x"))
        expectGradient(y, try f.tensor("output.y"), tolerance: 1e-5, "feed-forward output")
        var gradients = Gradients()
        let dx = block.backward(try f.tensor("upstream.y"), cache: cache, gradients: &gradients, prefix: "")
        expectGradient(dx, try f.tensor("dinput.x"), tolerance: 1e-3, "feed-forward dx")
        try expectGradients(gradients, match: f, tolerance: 1e-3, "FeedForward")
    }

    @Test("matches finite differences", arguments: Activation.allCases)
    func finiteDifferences(activation: Activation) {
        var g = SeededGenerator(seed: 1)
        let block = perturbed(FeedForward(dimension: 4, hidden: 6, activation: activation, generator: &g), seed: 2)
        let x = gaussian([2, 2, 4], seed: 3)
        let dy = gaussian([2, 2, 4], seed: 4)
        var gradients = Gradients()
        let dx = block.backward(dy, cache: block.forwardForTraining(x).cache, gradients: &gradients, prefix: "layer.0")
        // ReLU has a kink at 0; a small step keeps the pre-activations on one side.
        let eps: Float = activation == .relu ? 1e-3 : 1e-2
        expectGradient(
            dx, numericalGradient(at: x, epsilon: eps) { weightedSum(block($0), dy) }, tolerance: 1e-2,
            "\(activation) feed-forward dx (finite differences)")
        let numerical = numericalParameterGradients(block, prefix: "layer.0", epsilon: eps) { weightedSum($0(x), dy) }
        expectGradients(gradients, matchNumerical: numerical, "\(activation) FeedForward")
    }
}
