import Layers
import Testing

@Suite("Linear")
struct LinearTests {
    @Test("y = x Wᵀ + b by hand")
    func handComputed() {
        let layer = Linear(weight: Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2]), bias: Tensor([0.5, -1, 0], shape: [3]))
        let x = Tensor([1, 1, 2, -1], shape: [2, 2])
        // Row 0: [1+2+0.5, 3+4-1, 5+6]; row 1: [2-2+0.5, 6-4-1, 10-6].
        assertEqual(layer(x), Tensor([3.5, 6, 11, 0.5, 1, 4], shape: [2, 3]), "linear")
        let noBias = Linear(weight: layer.weight, bias: nil)
        assertEqual(noBias(x), Tensor([3, 7, 11, 0, 2, 4], shape: [2, 3]), "linear without bias")
    }

    @Test("matches torch.nn.Linear on a [B, T, D] input, with and without bias")
    func golden() throws {
        let f = try Fixture("linear")
        let withBias = Linear(weight: try f.tensor("with_bias.weight"), bias: try f.tensor("with_bias.bias"))
        assertClose(withBias(try f.tensor("with_bias.input")), try f.tensor("with_bias.output"), "Linear with bias")
        let noBias = Linear(weight: try f.tensor("no_bias.weight"), bias: nil)
        assertClose(noBias(try f.tensor("no_bias.input")), try f.tensor("no_bias.output"), "Linear without bias")
    }

    @Test("every row is transformed alone, and the pointer path equals callAsFunction")
    func rowsAreIndependent() throws {
        let f = try Fixture("linear")
        let layer = Linear(weight: try f.tensor("with_bias.weight"), bias: try f.tensor("with_bias.bias"))
        let x = try f.tensor("with_bias.input")  // [3, 5, 16]
        let y = layer(x)
        let flat = x.reshaped([15, 16])
        for r in [0, 7, 14] {
            assertClose(
                layer(flat.slice(r..<(r + 1))).reshaped([24]), y.reshaped([15, 24]).slice(r..<(r + 1)).reshaped([24]),
                "row \(r)")
        }
        let viaPointer = Tensor(shape: [15, 24]) { out in
            x.withUnsafeBufferPointer { layer.apply($0.baseAddress!, rows: 15, into: out.baseAddress!) }
        }
        assertEqual(viaPointer, y.reshaped([15, 24]), "apply(_:rows:into:)")
    }

    @Test(
        "any number of rows (tiled by columns or by rows over threads) equals one matrix product; the fused activation too",
        arguments: [1, 15, 33, 130, 600])
    func tiling(rows: Int) {
        let layer = Linear(weight: randomTensor([40, 24], seed: 81), bias: randomTensor([40], seed: 82))
        let x = randomTensor([rows, 24], seed: 83)
        let reference =
            matmul(x, layer.weight, transposeB: true) + Tensor.stack(Array(repeating: layer.bias!, count: rows))
        assertClose(layer(x), reference, atol: 1e-5, "\(rows) rows")
        let fused = Tensor(shape: [rows, 40]) { y in
            x.withUnsafeBufferPointer {
                layer.apply($0.baseAddress!, rows: rows, into: y.baseAddress!, activation: .gelu)
            }
        }
        assertClose(fused, Activation.gelu(layer(x)), atol: 1e-6, "\(rows) rows with GELU")
    }

    @Test("PyTorch initialisation stays within ±1/√in; parameters are named weight and bias")
    func initialisation() {
        var generator = SeededGenerator(seed: 1)
        let layer = Linear(inFeatures: 16, outFeatures: 8, generator: &generator)
        #expect(layer.weight.shape == [8, 16] && layer.bias?.shape == [8])
        #expect(layer.weight.scalars.allSatisfy { abs($0) <= 0.25 })
        #expect(layer.namedParameters().map(\.name) == ["weight", "bias"])
        let noBias = Linear(inFeatures: 16, outFeatures: 8, bias: false, generator: &generator)
        #expect(noBias.namedParameters().map(\.name) == ["weight"])
    }
}
