import Foundation
import Layers
import Testing

@Suite("LayerNorm")
struct LayerNormTests {
    @Test("(x − mean) / √(var + ε) · γ + β by hand")
    func handComputed() {
        // [1, 2, 3, 4]: mean 2.5, biased variance 1.25.
        let s = 1 / Float(1.25).squareRoot()
        let norm = LayerNorm(
            weight: Tensor([1, 1, 2, 2], shape: [4]), bias: Tensor([0, 1, 0, 1], shape: [4]), epsilon: 0)
        let expected = Tensor([-1.5 * s, -0.5 * s + 1, 0.5 * s * 2, 1.5 * s * 2 + 1], shape: [1, 4])
        assertClose(norm(Tensor([1, 2, 3, 4], shape: [1, 4])), expected, atol: 1e-6, "layer norm")
        // ε enters under the square root: a row of variance 1 with ε = 3 is halved.
        let wide = LayerNorm(weight: Tensor([1, 1], shape: [2]), bias: .zeros([2]), epsilon: 3)
        assertClose(wide(Tensor([-1, 1], shape: [1, 2])), Tensor([-0.5, 0.5], shape: [1, 2]), atol: 1e-7, "epsilon")
    }

    @Test(
        "matches torch.nn.LayerNorm with ε 1e-12 and 1e-5", arguments: [("eps12", Float(1e-12)), ("eps5", Float(1e-5))])
    func golden(name: String, epsilon: Float) throws {
        let f = try Fixture("layer_norm")
        let norm = LayerNorm(
            weight: try f.tensor("\(name).weight"), bias: try f.tensor("\(name).bias"), epsilon: epsilon)
        assertClose(norm(try f.tensor("\(name).input")), try f.tensor("\(name).output"), "LayerNorm \(name)")
    }

    @Test("with γ = 1, β = 0 rows have mean 0 and variance 1; a constant shift changes nothing")
    func normalisedRows() {
        let norm = LayerNorm(dimension: 16, epsilon: 1e-12)
        let x = randomTensor([5, 16], std: 3, seed: 4)
        let y = norm(x)
        for r in 0..<5 {
            let row = y.slice(r..<(r + 1)).scalars
            let mean = row.reduce(0, +) / 16
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 16
            #expect(abs(mean) < 1e-6 && abs(variance - 1) < 1e-5)
        }
        assertClose(norm(x + Tensor(repeating: 7, shape: [5, 16])), y, atol: 1e-5, "shift invariance")
    }

    @Test("many rows (split over threads), the fused residual sum, and rows wider than 16 lanes agree with row-by-row")
    func manyRows() {
        let norm = LayerNorm(weight: randomTensor([40], seed: 85), bias: randomTensor([40], seed: 86), epsilon: 1e-5)
        let x = randomTensor([150, 40], std: 2, seed: 87)
        let residual = randomTensor([150, 40], seed: 88)
        let y = norm(x)
        for r in [0, 77, 149] {
            assertClose(norm(x.slice(r..<(r + 1))), y.slice(r..<(r + 1)), atol: 0, "row \(r)")
        }
        let fused = inPlace(x) { p in
            residual.withUnsafeBufferPointer { norm.apply(inPlace: p, rows: 150, adding: $0.baseAddress!) }
        }
        assertClose(fused, norm(x + residual), atol: 0, "LN(x + residual)")
    }

    @Test("apply(inPlace:rows:) equals callAsFunction; parameters are weight and bias")
    func pointerPath() throws {
        let f = try Fixture("layer_norm")
        let norm = LayerNorm(weight: try f.tensor("eps5.weight"), bias: try f.tensor("eps5.bias"), epsilon: 1e-5)
        var x = try f.tensor("eps5.input")
        let expected = norm(x)
        x.withUnsafeMutableBufferPointer { norm.apply(inPlace: $0.baseAddress!, rows: 15) }
        assertEqual(x, expected, "in place")
        #expect(norm.namedParameters(prefix: "LayerNorm").map(\.name) == ["LayerNorm.weight", "LayerNorm.bias"])
    }
}
