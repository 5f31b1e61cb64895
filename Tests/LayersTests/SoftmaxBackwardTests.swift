import Layers
import Testing

@Suite("Softmax backward")
struct SoftmaxBackwardTests {
    @Test("dX matches PyTorch autograd")
    func pytorch() throws {
        let f = try GradientFixture("softmax")
        let y = softmax(try f.tensor("input.x"))
        expectGradient(y, try f.tensor("output.y"), tolerance: 1e-5, "softmax output")
        expectGradient(
            softmaxBackward(try f.tensor("upstream.y"), output: y), try f.tensor("dinput.x"), tolerance: 1e-3,
            "softmax dx")
    }

    @Test("matches finite differences; a constant added to dY changes nothing")
    func finiteDifferences() {
        let x = gaussian([2, 3, 5], std: 2, seed: 1)
        let dy = gaussian([2, 3, 5], seed: 2)
        let dx = softmaxBackward(dy, output: softmax(x))
        expectGradient(
            dx, numericalGradient(at: x) { weightedSum(softmax($0), dy) }, tolerance: 1e-2,
            "softmax dx (finite differences)")
        let shifted = softmaxBackward(dy + Tensor(repeating: 3, shape: dy.shape), output: softmax(x))
        expectGradient(shifted, dx, tolerance: 1e-5, "softmax dx, dY + 3")
    }
}
