import Layers
import Testing

@Suite("Gradients (accumulation, norm, clipping) for backward passes")
struct GradientsBackwardTests {
    func sample() -> Gradients {
        var g = Gradients()
        g.accumulate("a", Tensor([3, 0], shape: [2]))
        g.accumulate("b", Tensor([0, 4, 0, 0], shape: [2, 2]))
        return g
    }

    @Test("accumulate adds, global norm is √Σg², scale multiplies")
    func basics() {
        var g = sample()
        #expect(g.globalNorm == 5)
        g.accumulate("a", Tensor([1, 1], shape: [2]))
        #expect(g["a"]!.scalars == [4, 1])
        g.scale(by: 0.5)
        #expect(g["b"]!.scalars == [0, 2, 0, 0])
        #expect(g.names == ["a", "b"])
    }

    @Test("clip(maxNorm:) follows torch.nn.utils.clip_grad_norm_")
    func clip() {
        var g = sample()
        let before = g.clip(maxNorm: 1)
        #expect(before == 5)
        let c = Float(1 / (5 + 1e-6))
        #expect(abs(g["a"]!.scalars[0] - 3 * c) < 1e-7 && abs(g["b"]!.scalars[1] - 4 * c) < 1e-7)
        var small = sample()
        small.clip(maxNorm: 10)  // already within the norm: unchanged
        #expect(small["a"]!.scalars == [3, 0])
    }
}
