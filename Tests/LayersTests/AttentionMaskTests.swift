import Foundation
import Layers
import Testing

@Suite("AttentionMask")
struct AttentionMaskTests {
    let m = AttentionMask.maskedValue

    /// The scores `[B, H, Tq, Tk]` that a mask alone produces (zero queries and keys).
    func maskScores(_ mask: AttentionMask, batch: Int = 2, heads: Int = 2, queries: Int = 3, keys: Int = 3) -> Tensor {
        let q = Tensor.zeros([batch, heads, queries, 2])
        let kv = Tensor.zeros([batch, heads, keys, 2])
        return scaledDotProductAttention(query: q, key: kv, value: kv, mask: mask).scores
    }

    @Test("padding from lengths, a 0/1 attention_mask and a key_padding_mask, by hand")
    func paddingByHand() {
        let expected = Tensor([0, 0, m, m, m, m], shape: [2, 3])
        #expect(AttentionMask(lengths: [2, 0], length: 3).keyBias == expected)
        #expect(AttentionMask(attentionMask: Tensor([1, 1, 0, 0, 0, 0], shape: [2, 3])).keyBias == expected)
        #expect(AttentionMask(keyPaddingMask: [[false, false, true], [true, true, true]]).keyBias == expected)
    }

    @Test("causal: query i sees keys j ≤ i (top-left aligned when Tq ≠ Tk), by hand")
    func causalByHand() {
        let square = maskScores(.causal, batch: 1, heads: 1)
        assertEqual(square, Tensor([0, m, m, 0, 0, m, 0, 0, 0], shape: [1, 1, 3, 3]), "causal 3×3")
        let wide = maskScores(.causal, batch: 1, heads: 1, queries: 2, keys: 3)
        assertEqual(wide, Tensor([0, m, m, 0, 0, m], shape: [1, 1, 2, 3]), "causal 2×3")
    }

    @Test("a 0/1 attention_mask gives Hugging Face's extended attention mask exactly")
    func goldenExtendedMask() throws {
        let f = try Fixture("bert_layer")
        let mask = AttentionMask(attentionMask: try f.tensor("attention_mask"))  // [3, 6]
        assertEqual(mask.keyBias!, try f.tensor("extended_attention_mask").reshaped([3, 6]), "(1 − mask) · finfo.min")
    }

    @Test("an additive mask broadcasts the same from [Tq, Tk], [B, Tq, Tk], [1, 1, Tq, Tk] and [B, H, Tq, Tk]")
    func additiveBroadcasting() {
        let base = randomTensor([3, 3], seed: 11)  // [Tq, Tk]
        let reference = maskScores(AttentionMask(additive: base))
        let perBatch = Tensor.stack([base, base])  // [B, Tq, Tk]
        let perHead = Tensor.stack([perBatch, perBatch]).reshaped([2, 2, 3, 3])  // [B, H, Tq, Tk], one value per (b, h)
        assertEqual(maskScores(AttentionMask(additive: perBatch)), reference, "[B, Tq, Tk]")
        assertEqual(maskScores(AttentionMask(additive: base.reshaped([1, 1, 3, 3]))), reference, "[1, 1, Tq, Tk]")
        assertEqual(maskScores(AttentionMask(additive: perHead)), reference, "[B, H, Tq, Tk]")
        // Distinct per batch item and head: each (b, h) block gets its own slice.
        let distinct = randomTensor([2, 2, 3, 3], seed: 12)
        assertEqual(maskScores(AttentionMask(additive: distinct)), distinct, "distinct [B, H, Tq, Tk]")
        let perBatchOnly = randomTensor([2, 1, 3, 3], seed: 13)
        let expected = Tensor.stack([
            perBatchOnly.slice(0..<1), perBatchOnly.slice(0..<1), perBatchOnly.slice(1..<2), perBatchOnly.slice(1..<2),
        ])
        assertEqual(
            maskScores(AttentionMask(additive: perBatchOnly)), expected.reshaped([2, 2, 3, 3]), "[B, 1, Tq, Tk]")
    }

    @Test("parts add up and saturate at the masked value: −∞ from PyTorch never makes NaN")
    func combinedAndSaturating() {
        var additive = Tensor.zeros([3, 3])
        additive[0, 1] = -.infinity  // a PyTorch float mask
        additive[2, 0] = 1.5
        let mask = AttentionMask(
            keyBias: AttentionMask(lengths: [3, 2], length: 3).keyBias, additive: additive, isCausal: true)
        let scores = maskScores(mask)  // [2, 2, 3, 3]
        let batch0 = Tensor([0, m, m, 0, 0, m, 1.5, 0, 0], shape: [3, 3])
        let batch1 = Tensor([0, m, m, 0, 0, m, 1.5, 0, m], shape: [3, 3])  // key 2 is padding
        assertEqual(
            scores, Tensor.stack([batch0, batch0, batch1, batch1]).reshaped([2, 2, 3, 3]), "padding + additive + causal"
        )
        #expect(allFinite(scores))
    }

    @Test("a fully masked row gives finite, uniform weights")
    func fullyMasked() {
        let kv = randomTensor([1, 1, 4, 2], seed: 14)
        let result = scaledDotProductAttention(
            query: randomTensor([1, 1, 2, 2], seed: 15), key: kv, value: kv,
            mask: AttentionMask(lengths: [0], length: 4))
        #expect(result.weights.scalars.allSatisfy { $0 == 0.25 })
        #expect(allFinite(result.context))
    }

    @Test("an additive mask without an entry for the batch item stops with a message")
    func additiveBatchOutOfRange() async {
        await #expect(processExitsWith: .failure) {
            let q = Tensor.zeros([3, 1, 2, 2])
            _ = scaledDotProductAttention(query: q, key: q, value: q, mask: AttentionMask(additive: .zeros([2, 2, 2])))
        }
    }
}
