import Layers
import Testing

@Suite("Scaled dot-product attention backward")
struct AttentionBackwardTests {
    @Test("dQ, dK, dV match PyTorch autograd with key padding")
    func pytorch() throws {
        let f = try GradientFixture("sdpa")
        let (q, k, v) = (try f.tensor("input.query"), try f.tensor("input.key"), try f.tensor("input.value"))
        let mask = AttentionMask(lengths: try f.ints("input.lengths"), length: q.shape[2])
        let (context, cache) = scaledDotProductAttentionForTraining(query: q, key: k, value: v, mask: mask)
        expectGradient(context, try f.tensor("output.y"), tolerance: 1e-5, "attention context")
        expectGradient(
            context, scaledDotProductAttention(query: q, key: k, value: v, mask: mask).context, tolerance: 1e-5,
            "training context = inference context")
        let (dq, dk, dv) = scaledDotProductAttentionBackward(try f.tensor("upstream.y"), cache: cache)
        expectGradient(dq, try f.tensor("dinput.query"), tolerance: 1e-3, "attention dQ")
        expectGradient(dk, try f.tensor("dinput.key"), tolerance: 1e-3, "attention dK")
        expectGradient(dv, try f.tensor("dinput.value"), tolerance: 1e-3, "attention dV")
    }

    @Test(
        "matches finite differences with padding and causal masks, with and without dropout",
        arguments: [Float(0), 0.25])
    func finiteDifferences(dropout: Float) {
        let (b, h, t, dh) = (2, 2, 4, 3)
        let q = gaussian([b, h, t, dh], seed: 1)
        let k = gaussian([b, h, t, dh], seed: 2)
        let v = gaussian([b, h, t, dh], seed: 3)
        let dy = gaussian([b, h, t, dh], seed: 4)
        var mask = AttentionMask(lengths: [4, 3], length: t)
        mask.isCausal = true
        func loss(_ q: Tensor, _ k: Tensor, _ v: Tensor) -> Double {
            var g = SeededGenerator(seed: 9)
            return weightedSum(
                scaledDotProductAttentionForTraining(
                    query: q, key: k, value: v, mask: mask, dropout: dropout, generator: &g
                ).output, dy)
        }
        var g = SeededGenerator(seed: 9)
        let cache = scaledDotProductAttentionForTraining(
            query: q, key: k, value: v, mask: mask, dropout: dropout, generator: &g
        ).cache
        #expect((cache.dropoutMask != nil) == (dropout > 0))
        let (dq, dk, dv) = scaledDotProductAttentionBackward(dy, cache: cache)
        expectGradient(
            dq, numericalGradient(at: q) { loss($0, k, v) }, tolerance: 1e-2, "attention dQ (finite differences)")
        expectGradient(
            dk, numericalGradient(at: k) { loss(q, $0, v) }, tolerance: 1e-2, "attention dK (finite differences)")
        expectGradient(
            dv, numericalGradient(at: v) { loss(q, k, $0) }, tolerance: 1e-2, "attention dV (finite differences)")
    }

    @Test("padded keys get no gradient")
    func paddedKeys() {
        let (b, h, t, dh) = (1, 2, 4, 3)
        let (q, k, v) = (
            gaussian([b, h, t, dh], seed: 1), gaussian([b, h, t, dh], seed: 2), gaussian([b, h, t, dh], seed: 3)
        )
        let cache = scaledDotProductAttentionForTraining(
            query: q, key: k, value: v, mask: AttentionMask(lengths: [2], length: t)
        ).cache
        let (_, dk, dv) = scaledDotProductAttentionBackward(gaussian([b, h, t, dh], seed: 4), cache: cache)
        for head in 0..<h {
            for key in 2..<t {
                for j in 0..<dh {
                    #expect(dk[0, head, key, j] == 0 && dv[0, head, key, j] == 0)
                }
            }
        }
    }
}
