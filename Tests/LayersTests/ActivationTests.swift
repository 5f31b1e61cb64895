import Foundation
import Layers
import Testing

@Suite("Activation")
struct ActivationTests {
    @Test("known values: Φ(1), 2Φ(2), −Φ(−1) for GELU; max(0, x) for ReLU")
    func handComputed() {
        let x = Tensor([-1, 0, 1, 2], shape: [4])
        // Standard normal CDF: Φ(1) = 0.8413447, Φ(2) = 0.9772499.
        assertClose(
            Activation.gelu(x), Tensor([-0.158_655_25, 0, 0.841_344_7, 1.954_499_7], shape: [4]), atol: 1e-6, "gelu")
        // ½x(1 + tanh(√(2/π)(x + 0.044715x³))) at 1: tanh(0.8334) = 0.682384.
        assertClose(
            Activation.geluTanh(x), Tensor([-0.158_808, 0, 0.841_192, 1.954_598], shape: [4]), atol: 1e-6, "gelu tanh")
        assertEqual(Activation.relu(x), Tensor([0, 0, 1, 2], shape: [4]), "relu")
    }

    @Test(
        "matches torch.nn.functional",
        arguments: [(Activation.gelu, "gelu"), (.geluTanh, "gelu_tanh"), (.relu, "relu")])
    func golden(activation: Activation, name: String) throws {
        let f = try Fixture("activation")
        assertClose(activation(try f.tensor("input")), try f.tensor(name), "\(name)")
    }

    @Test(
        "the scalar form (libm erf, tanh) and the vectorised tensor form agree to 1e-6", arguments: Activation.allCases)
    func scalarEqualsTensor(activation: Activation) {
        let x = randomTensor([64], std: 4, seed: 5)
        assertClose(activation(x), Tensor(x.scalars.map { activation($0) }, shape: [64]), atol: 1e-6, "\(activation)")
    }

    @Test("names round-trip through Hugging Face's hidden_act")
    func names() {
        for a in Activation.allCases { #expect(Activation(huggingFaceName: a.huggingFaceName) == a) }
        #expect(Activation(huggingFaceName: "gelu_new") == .geluTanh)
        #expect(Activation(huggingFaceName: "GELU") == .gelu)
        #expect(Activation(huggingFaceName: "swish") == nil)
    }
}
