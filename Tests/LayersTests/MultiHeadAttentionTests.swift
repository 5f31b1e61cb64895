import Foundation
import Layers
import Testing

@Suite("MultiHeadAttention")
struct MultiHeadAttentionTests {
    /// The layer of the fixture, loaded by its Hugging Face names.
    static func goldenLayer(_ f: Fixture) throws -> MultiHeadAttention {
        var generator = SeededGenerator(seed: 1)
        var layer = try MultiHeadAttention(dimension: 16, heads: 4, generator: &generator)
        try layer.load(try f.parameters(under: "params"), strict: true)
        return layer
    }

    static func identity(_ d: Int) -> Linear {
        Linear(weight: Tensor(shape: [d, d]) { for i in 0..<d { $0[i * d + i] = 1 } }, bias: nil)
    }

    @Test("identity projections: one head attends x to itself, by hand")
    func handComputed() throws {
        let i2 = Self.identity(2)
        let layer = try MultiHeadAttention(query: i2, key: i2, value: i2, output: i2, heads: 1)
        // Tokens e₀ and e₁: scores are 1/√2 on the diagonal, 0 elsewhere.
        let w = 1 / (1 + Float(exp(-1 / 2.0.squareRoot())))
        let result = layer.forward(Tensor([1, 0, 0, 1], shape: [1, 2, 2]), returnWeights: true)
        assertClose(result.weights!, Tensor([w, 1 - w, 1 - w, w], shape: [1, 1, 2, 2]), atol: 1e-6, "weights")
        assertClose(result.output, Tensor([w, 1 - w, 1 - w, w], shape: [1, 2, 2]), atol: 1e-6, "output")
        // Two heads of width 1 attend each column alone: a token [a, b] sees only a's in head 0.
        let two = try MultiHeadAttention(query: i2, key: i2, value: i2, output: i2, heads: 2)
        let y = two(Tensor([1, 0, 0, 1], shape: [1, 2, 2]))
        let w0 = 1 / (1 + Float(exp(-1.0)))  // head 0, token 0: scores [1, 0]
        assertClose(y, Tensor([w0, 0.5, 0.5, w0], shape: [1, 2, 2]), atol: 1e-6, "two heads")
    }

    @Test("matches nn.MultiheadAttention(batch_first=True) with a key_padding_mask, per-head and averaged weights")
    func golden() throws {
        let f = try Fixture("mha")
        let layer = try Self.goldenLayer(f)
        let x = try f.tensor("input")  // [3, 7, 16]
        let mask = AttentionMask(keyPaddingMask: keyPaddingMask(lengths: try f.ints("lengths"), length: 7))
        let result = layer.forward(x, mask: mask, returnScores: true, returnWeights: true)
        assertClose(result.output, try f.tensor("output"), "MHA output (need_weights=False)")
        assertClose(result.weights!, try f.tensor("weights_per_head"), "MHA weights (average_attn_weights=False)")
        assertClose(
            meanOverHeads(result.weights!), try f.tensor("weights_average"), "MHA weights (average_attn_weights=True)")
        assertClose(softmax(result.scores!), result.weights!, atol: 1e-7, "weights = softmax(scores)")
        assertClose(layer(x), try f.tensor("output_unmasked"), "MHA without a mask")
        let causal = AttentionMask(keyBias: mask.keyBias, isCausal: true)
        assertClose(layer(x, mask: causal), try f.tensor("output_causal"), "MHA causal + padding")
    }

    @Test("cross-attention matches nn.MultiheadAttention(query, key, value)")
    func goldenCross() throws {
        let f = try Fixture("mha")
        let layer = try Self.goldenLayer(f)
        let mask = AttentionMask(lengths: try f.ints("lengths"), length: 7)
        let result = layer.forward(
            try f.tensor("cross.query"), keyValue: try f.tensor("cross.key_value"), mask: mask, returnWeights: true)
        assertClose(result.output, try f.tensor("cross.output"), "cross-attention output")
        assertClose(result.weights!, try f.tensor("cross.weights"), "cross-attention weights")
    }

    @Test("matches nn.MultiheadAttention with D = 48, H = 2 and 37 tokens (several 16-lane vectors), padded and packed")
    func goldenLong() throws {
        let f = try Fixture("mha")
        let layer = try MultiHeadAttention(
            pytorchStateDict: try f.parameters(under: "long.torch"), prefix: "self_attn", heads: 2)
        let lengths = try f.ints("long.lengths")
        let x = try f.tensor("long.input")  // [2, 37, 48]
        let result = layer.forward(x, mask: AttentionMask(lengths: lengths, length: 37), returnWeights: true)
        assertClose(result.output, try f.tensor("long.output"), "MHA long output")
        assertClose(result.weights!, try f.tensor("long.weights"), "MHA long weights")
        let rows = realRows(x, lengths: lengths)
        let packed = Tensor(shape: rows.shape) { y in
            rows.withUnsafeBufferPointer {
                layer.apply($0.baseAddress!, layout: .packed(lengths: lengths), into: y.baseAddress!)
            }
        }
        assertClose(packed, realRows(try f.tensor("long.output"), lengths: lengths), "MHA long packed vs PyTorch")
    }

    @Test("the packed path equals the padded path and PyTorch at real positions")
    func packedEqualsPadded() throws {
        let f = try Fixture("mha")
        let layer = try Self.goldenLayer(f)
        let lengths = try f.ints("lengths")
        let x = try f.tensor("input")
        let mask = AttentionMask(lengths: lengths, length: 7)
        let padded = layer(x, mask: mask)
        let viaLayout = Tensor(shape: x.shape) { y in
            x.withUnsafeBufferPointer {
                layer.apply($0.baseAddress!, layout: .padded(batch: 3, length: 7, mask: mask), into: y.baseAddress!)
            }
        }
        assertEqual(viaLayout, padded, "apply(.padded) vs forward")
        let rows = realRows(x, lengths: lengths)
        let packed = Tensor(shape: rows.shape) { y in
            rows.withUnsafeBufferPointer {
                layer.apply($0.baseAddress!, layout: .packed(lengths: lengths), into: y.baseAddress!)
            }
        }
        assertClose(packed, realRows(padded, lengths: lengths), atol: 1e-6, "packed vs padded")
        assertClose(packed, realRows(try f.tensor("output"), lengths: lengths), "packed vs PyTorch")
    }

    @Test("changing padded tokens never changes the outputs at real positions")
    func paddingInvariance() throws {
        let f = try Fixture("mha")
        let layer = try Self.goldenLayer(f)
        let lengths = try f.ints("lengths")
        let x = try f.tensor("input")
        let mask = AttentionMask(lengths: lengths, length: 7)
        let reference = realRows(layer(x, mask: mask), lengths: lengths)
        for seed in [31, 32] as [UInt64] {
            let changed = replacingPadding(x, lengths: lengths, seed: seed)
            assertClose(
                realRows(layer(changed, mask: mask), lengths: lengths), reference, atol: 1e-6,
                "padding replaced (seed \(seed))")
        }
    }

    @Test("without positions or a mask, attention is permutation-equivariant")
    func permutationEquivariance() throws {
        let layer = try Self.goldenLayer(try Fixture("mha"))
        let x = randomTensor([2, 6, 16], seed: 33)
        let order = [4, 2, 0, 5, 1, 3]
        assertClose(layer(permutingTokens(x, order)), permutingTokens(layer(x), order), atol: 1e-6, "permuted tokens")
    }

    @Test("a sequence with every key masked gives finite outputs")
    func fullyMaskedSequence() throws {
        let layer = try Self.goldenLayer(try Fixture("mha"))
        let result = layer.forward(
            randomTensor([2, 4, 16], seed: 34), mask: AttentionMask(lengths: [0, 4], length: 4), returnWeights: true)
        #expect(allFinite(result.output) && allFinite(result.weights!))
    }

    @Test("a width not divisible by the heads is an error")
    func invalidConfiguration() {
        var generator = SeededGenerator(seed: 2)
        #expect(throws: LayerError.self) { try MultiHeadAttention(dimension: 10, heads: 3, generator: &generator) }
        #expect(throws: LayerError.self) { try MultiHeadAttention(dimension: 8, heads: 0, generator: &generator) }
        let i2 = Self.identity(2)
        let i4 = Self.identity(4)
        #expect(throws: LayerError.self) { try MultiHeadAttention(query: i2, key: i4, value: i2, output: i2, heads: 1) }
    }
}
