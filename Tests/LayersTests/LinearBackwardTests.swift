import Layers
import Testing

@Suite("Linear backward")
struct LinearBackwardTests {
    @Test("dX, dW, db match PyTorch autograd on a [B, T, in] input")
    func pytorch() throws {
        let f = try GradientFixture("linear")
        let layer = Linear(weight: try f.tensor("param.weight"), bias: try f.tensor("param.bias"))
        let (y, cache) = layer.forwardForTraining(try f.tensor("input.x"))
        expectGradient(y, try f.tensor("output.y"), tolerance: 1e-5, "Linear output")
        var gradients = Gradients()
        let dx = layer.backward(try f.tensor("upstream.y"), cache: cache, gradients: &gradients, prefix: "")
        expectGradient(dx, try f.tensor("dinput.x"), tolerance: 1e-3, "Linear dx")
        try expectGradients(gradients, match: f, tolerance: 1e-3, "Linear")
    }

    @Test("matches finite differences, with and without bias", arguments: [true, false])
    func finiteDifferences(bias: Bool) {
        var g = SeededGenerator(seed: 1)
        let layer = perturbed(Linear(inFeatures: 5, outFeatures: 4, bias: bias, generator: &g), seed: 2)
        let x = gaussian([2, 3, 5], seed: 3)
        let dy = gaussian([2, 3, 4], seed: 4)
        var gradients = Gradients()
        let dx = layer.backward(dy, cache: layer.forwardForTraining(x).cache, gradients: &gradients, prefix: "fc")
        expectGradient(
            dx, numericalGradient(at: x) { weightedSum(layer($0), dy) }, tolerance: 1e-2,
            "Linear dx (finite differences)")
        expectGradients(
            gradients, matchNumerical: numericalParameterGradients(layer, prefix: "fc") { weightedSum($0(x), dy) },
            "Linear")
        #expect(gradients.names == (bias ? ["fc.bias", "fc.weight"] : ["fc.weight"]))
    }

    @Test("a second backward call adds to the gradients")
    func accumulates() {
        var g = SeededGenerator(seed: 5)
        let layer = Linear(inFeatures: 3, outFeatures: 2, generator: &g)
        let x = gaussian([4, 3], seed: 6)
        let dy = gaussian([4, 2], seed: 7)
        let cache = layer.forwardForTraining(x).cache
        var once = Gradients()
        _ = layer.backward(dy, cache: cache, gradients: &once, prefix: "")
        var twice = Gradients()
        _ = layer.backward(dy, cache: cache, gradients: &twice, prefix: "")
        _ = layer.backward(dy, cache: cache, gradients: &twice, prefix: "")
        for name in ["weight", "bias"] {
            expectGradient(twice[name], once[name]! * 2, tolerance: 1e-6, "2 × d\(name)")
        }
    }
}
