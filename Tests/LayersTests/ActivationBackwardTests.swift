import Layers
import Testing

@Suite("Activation and dropout backward")
struct ActivationBackwardTests {
    static let cases: [(Activation, String)] = [(.gelu, "gelu"), (.geluTanh, "gelu_tanh"), (.relu, "relu")]

    @Test("dX matches PyTorch autograd", arguments: cases)
    func pytorch(activation: Activation, name: String) throws {
        let f = try GradientFixture("activation")
        let (y, cache) = activation.forwardForTraining(try f.tensor("input.x"))
        expectGradient(y, try f.tensor("output.\(name)"), tolerance: 1e-5, "\(name) output")
        let dx = activation.backward(try f.tensor("upstream.\(name)"), cache: cache)
        expectGradient(dx, try f.tensor("dinput.\(name)"), tolerance: 1e-3, "\(name) dx")
    }

    @Test("matches finite differences", arguments: cases)
    func finiteDifferences(activation: Activation, name: String) {
        // Values kept away from ReLU's kink at 0 (a step of ε must not cross it).
        let x = Tensor(
            gaussian([3, 7], std: 2, seed: 1).scalars.map { abs($0) < 0.05 ? $0 + 0.1 : $0 }, shape: [3, 7])
        let dy = gaussian([3, 7], seed: 2)
        let dx = activation.backward(dy, cache: activation.forwardForTraining(x).cache)
        expectGradient(
            dx, numericalGradient(at: x, epsilon: 1e-3) { weightedSum(activation($0), dy) }, tolerance: 1e-2,
            "\(name) dx (finite differences)")
    }

    @Test("dropout's backward multiplies by the mask it drew")
    func dropout() {
        let layer = Dropout(probability: 0.3)
        let x = gaussian([4, 6], seed: 3)
        let dy = gaussian([4, 6], seed: 4)
        var g = SeededGenerator(seed: 5)
        let (y, mask) = layer.training(x, generator: &g)
        let dx = layer.backward(dy, mask: mask)
        let numerical = numericalGradient(at: x) { v in
            var same = SeededGenerator(seed: 5)
            return weightedSum(layer.training(v, generator: &same).output, dy)
        }
        expectGradient(dx, numerical, tolerance: 1e-2, "dropout dx (finite differences)")
        #expect(mask.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
        #expect(zip(y.scalars, dx.scalars).allSatisfy { ($0.0 == 0) == ($0.1 == 0) })
    }
}
