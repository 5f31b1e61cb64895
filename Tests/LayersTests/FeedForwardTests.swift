import Layers
import Testing

@Suite("FeedForward")
struct FeedForwardTests {
    static func goldenBlock(_ activation: Activation) throws -> FeedForward {
        var generator = SeededGenerator(seed: 1)
        var block = FeedForward(dimension: 16, hidden: 32, activation: activation, generator: &generator)
        try block.load(try Fixture("feed_forward").parameters(under: "params"), strict: true)
        return block
    }

    @Test("relu(x) + relu(−x) = |x| by hand")
    func handComputed() {
        let block = FeedForward(
            intermediate: Linear(weight: Tensor([1, -1], shape: [2, 1]), bias: .zeros([2])),
            output: Linear(weight: Tensor([1, 1], shape: [1, 2]), bias: Tensor([0.5], shape: [1])),
            activation: .relu)
        assertEqual(block(Tensor([-2, 3, 0], shape: [3, 1])), Tensor([2.5, 3.5, 0.5], shape: [3, 1]), "|x| + 0.5")
    }

    @Test(
        "matches linear2(activation(linear1(x)))",
        arguments: [(Activation.gelu, "gelu"), (.geluTanh, "gelu_tanh"), (.relu, "relu")])
    func golden(activation: Activation, name: String) throws {
        let f = try Fixture("feed_forward")
        assertClose(try Self.goldenBlock(activation)(try f.tensor("input")), try f.tensor(name), "FeedForward \(name)")
    }

    @Test("position-wise: each row alone gives the same result; the pointer path equals callAsFunction")
    func positionWise() throws {
        let block = try Self.goldenBlock(.gelu)
        let x = try Fixture("feed_forward").tensor("input").reshaped([21, 16])
        let y = block(x)
        for r in [0, 10, 20] {
            assertClose(block(x.slice(r..<(r + 1))), y.slice(r..<(r + 1)), atol: 1e-6, "row \(r)")
        }
        let viaPointer = Tensor(shape: [21, 16]) { out in
            x.withUnsafeBufferPointer { block.apply($0.baseAddress!, rows: 21, into: out.baseAddress!) }
        }
        assertEqual(viaPointer, y, "apply(_:rows:into:)")
        #expect(
            block.namedParameters().map(\.name) == [
                "intermediate.dense.weight", "intermediate.dense.bias", "output.dense.weight", "output.dense.bias",
            ])
    }
}
