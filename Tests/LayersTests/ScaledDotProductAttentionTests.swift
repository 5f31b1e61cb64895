import Foundation
import Layers
import Testing

@Suite("scaledDotProductAttention")
struct ScaledDotProductAttentionTests {
    @Test("scores = QKᵀ·scale, weights = softmax, context = weights·V, by hand")
    func handComputed() {
        // One query [1], two keys [0] and [ln 3] with scale 1: weights [1/4, 3/4]; values 4 and 8 give 7.
        let result = scaledDotProductAttention(
            query: Tensor([1], shape: [1, 1, 1, 1]), key: Tensor([0, Float(log(3.0))], shape: [1, 1, 2, 1]),
            value: Tensor([4, 8], shape: [1, 1, 2, 1]), scale: 1)
        assertClose(result.scores, Tensor([0, Float(log(3.0))], shape: [1, 1, 1, 2]), atol: 1e-7, "scores")
        assertClose(result.weights, Tensor([0.25, 0.75], shape: [1, 1, 1, 2]), atol: 1e-7, "weights")
        assertClose(result.context, Tensor([7], shape: [1, 1, 1, 1]), atol: 1e-6, "context")
        // The default scale is 1/√Dh: Dh = 4 halves the scores.
        let q = Tensor([1, 1, 1, 1], shape: [1, 1, 1, 4])
        assertClose(
            scaledDotProductAttention(query: q, key: q, value: q).scores, Tensor([2], shape: [1, 1, 1, 1]), atol: 0,
            "1/√Dh")
    }

    /// The fixture's cases and the Swift mask for each.
    static let cases = ["plain", "scaled", "padding", "additive2d", "additive4d", "causal", "padding_causal"]

    @Test(
        "matches torch.nn.functional.scaled_dot_product_attention (context) and a manual computation (weights, scores)",
        arguments: cases)
    func golden(name: String) throws {
        let f = try Fixture("sdpa")
        // Query [3, 4, 5, 6]; key and value [3, 4, 7, 6].
        let (q, k, v) = (try f.tensor("query"), try f.tensor("key"), try f.tensor("value"))
        let padding = AttentionMask(lengths: try f.ints("lengths"), length: 7).keyBias
        let mask: AttentionMask?
        switch name {
        case "padding": mask = AttentionMask(keyBias: padding)
        case "additive2d", "additive4d": mask = AttentionMask(additive: try f.tensor("\(name).mask"))
        case "causal": mask = .causal
        case "padding_causal": mask = AttentionMask(keyBias: padding, isCausal: true)
        default: mask = nil
        }
        let result = scaledDotProductAttention(
            query: q, key: k, value: v, mask: mask, scale: name == "scaled" ? 0.5 : nil)
        assertClose(result.context, try f.tensor("\(name).context"), "SDPA \(name) context")
        assertClose(result.weights, try f.tensor("\(name).weights"), "SDPA \(name) weights")
        if f.names.contains("\(name).scores") {
            assertClose(result.scores, try f.tensor("\(name).scores"), "SDPA \(name) scores")
        }
    }

    @Test("matches PyTorch with 37 keys and Dh = 20, wider than one 16-lane vector, with padding")
    func goldenLong() throws {
        let f = try Fixture("sdpa")
        let mask = AttentionMask(lengths: try f.ints("long.lengths"), length: 37)
        let result = scaledDotProductAttention(
            query: try f.tensor("long.query"), key: try f.tensor("long.key"), value: try f.tensor("long.value"),
            mask: mask)
        assertClose(result.context, try f.tensor("long.context"), "SDPA long context")
        assertClose(result.weights, try f.tensor("long.weights"), "SDPA long weights")
    }

    @Test("weight rows sum to 1 and a fully masked sequence stays finite")
    func weightRows() {
        let (q, kv) = (randomTensor([2, 3, 4, 5], std: 5, seed: 21), randomTensor([2, 3, 6, 5], std: 5, seed: 22))
        let result = scaledDotProductAttention(
            query: q, key: kv, value: kv, mask: AttentionMask(lengths: [6, 0], length: 6))
        let w = result.weights.reshaped([24, 6])
        for r in 0..<24 { #expect(abs(w.slice(r..<(r + 1)).scalars.reduce(0, +) - 1) < 1e-6) }
        #expect(allFinite(result.context) && allFinite(result.weights))
    }

    @Test("splitHeads matches PyTorch's view + transpose, and mergeHeads undoes it")
    func splitAndMerge() throws {
        let f = try Fixture("sdpa")
        let x = try f.tensor("split.input")  // [3, 5, 24]
        let heads = splitHeads(x, heads: 3)
        assertEqual(heads, try f.tensor("split.output"), "splitHeads")
        assertEqual(mergeHeads(heads), x, "mergeHeads ∘ splitHeads")
        let y = randomTensor([2, 4, 3, 5], seed: 23)
        assertEqual(splitHeads(mergeHeads(y), heads: 4), y, "splitHeads ∘ mergeHeads")
    }

    @Test("permuting keys with their values changes nothing; permuting queries permutes the context")
    func permutationEquivariance() {
        let q = randomTensor([1, 2, 4, 3], seed: 24)
        let k = randomTensor([1, 2, 5, 3], seed: 25)
        let v = randomTensor([1, 2, 5, 3], seed: 26)
        let reference = scaledDotProductAttention(query: q, key: k, value: v).context
        // Heads as the batch of `permutingTokens`: [1, H, T, Dh] -> [H, T, Dh].
        func permute(_ x: Tensor, _ order: [Int]) -> Tensor {
            permutingTokens(x.reshaped(Array(x.shape.dropFirst())), order).reshaped(x.shape)
        }
        let keyOrder = [3, 0, 4, 1, 2]
        let shuffledKeys = scaledDotProductAttention(query: q, key: permute(k, keyOrder), value: permute(v, keyOrder))
            .context
        assertClose(shuffledKeys, reference, atol: 1e-6, "keys permuted")
        let queryOrder = [2, 3, 1, 0]
        let shuffledQueries = scaledDotProductAttention(query: permute(q, queryOrder), key: k, value: v).context
        assertClose(shuffledQueries, permute(reference, queryOrder), atol: 1e-6, "queries permuted")
    }
}
