import Layers
import Testing

@Suite("LayerNorm backward")
struct LayerNormBackwardTests {
    @Test(
        "dX, dγ, dβ match PyTorch autograd",
        arguments: [("layer_norm", Float(1e-5)), ("layer_norm_bert", Float(1e-12))])
    func pytorch(fixture: String, epsilon: Float) throws {
        let f = try GradientFixture(fixture)
        let norm = LayerNorm(weight: try f.tensor("param.weight"), bias: try f.tensor("param.bias"), epsilon: epsilon)
        let x = try f.tensor("input.x")
        let (y, cache) = norm.forwardForTraining(x)
        expectGradient(y, try f.tensor("output.y"), tolerance: 1e-5, "\(fixture) output")
        expectGradient(y, norm(x), tolerance: 1e-5, "\(fixture) training output = inference output")
        var gradients = Gradients()
        let dx = norm.backward(try f.tensor("upstream.y"), cache: cache, gradients: &gradients, prefix: "")
        expectGradient(dx, try f.tensor("dinput.x"), tolerance: 1e-3, "\(fixture) dx")
        try expectGradients(gradients, match: f, tolerance: 1e-3, fixture)
    }

    @Test("matches finite differences")
    func finiteDifferences() {
        let norm = perturbed(LayerNorm(dimension: 6), seed: 1)
        let x = gaussian([2, 3, 6], std: 2, seed: 2)
        let dy = gaussian([2, 3, 6], seed: 3)
        var gradients = Gradients()
        let dx = norm.backward(dy, cache: norm.forwardForTraining(x).cache, gradients: &gradients, prefix: "ln")
        expectGradient(
            dx, numericalGradient(at: x) { weightedSum(norm($0), dy) }, tolerance: 1e-2,
            "LayerNorm dx (finite differences)")
        expectGradients(
            gradients, matchNumerical: numericalParameterGradients(norm, prefix: "ln") { weightedSum($0(x), dy) },
            "LayerNorm")
    }
}
