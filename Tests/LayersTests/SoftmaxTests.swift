import Foundation
import Layers
import Testing

@Suite("softmax")
struct SoftmaxTests {
    @Test("by hand: exp(xᵢ) / Σ exp(xⱼ)")
    func handComputed() {
        let x = Tensor([0, Float(log(3.0)), 5, 5], shape: [2, 2])
        assertClose(softmax(x), Tensor([0.25, 0.75, 0.5, 0.5], shape: [2, 2]), atol: 1e-7, "softmax")
    }

    @Test(
        "matches torch.softmax, with large values and −∞",
        arguments: [("input", "output"), ("large_input", "large_output"), ("input_inf", "inf_output")])
    func golden(input: String, output: String) throws {
        let f = try Fixture("softmax")
        assertClose(softmax(try f.tensor(input)), try f.tensor(output), "softmax \(input)")
    }

    @Test("rows sum to 1, even for values whose exponential overflows")
    func rowsSumToOne() {
        let x = randomTensor([6, 9], std: 300, seed: 6)
        let y = softmax(x)
        for r in 0..<6 {
            let row = y.slice(r..<(r + 1)).scalars
            #expect(row.allSatisfy { $0.isFinite && $0 >= 0 })
            #expect(abs(row.reduce(0, +) - 1) < 1e-6)
        }
    }

    @Test("a fully masked row gives finite, uniform weights")
    func fullyMaskedRow() {
        let masked = Tensor(repeating: AttentionMask.maskedValue, shape: [1, 4])
        assertClose(softmax(masked), Tensor(repeating: 0.25, shape: [1, 4]), atol: 1e-7, "masked row")
        let infinite = Tensor(repeating: -.infinity, shape: [1, 4])
        assertClose(softmax(infinite), Tensor(repeating: 0.25, shape: [1, 4]), atol: 1e-7, "row of −∞")
    }

    @Test("adding a constant to a row changes nothing")
    func shiftInvariance() {
        let x = randomTensor([3, 7], seed: 7)
        assertClose(softmax(x + Tensor(repeating: 50, shape: [3, 7])), softmax(x), atol: 1e-6, "shift")
    }
}
