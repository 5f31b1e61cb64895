import Foundation
import Layers
import Testing

@Suite("EncoderBlock")
struct EncoderBlockTests {
    /// The block of the fixture (`post` or `pre`), loaded by its Hugging Face names.
    static func goldenBlock(_ f: Fixture, _ placement: NormPlacement) throws -> EncoderBlock {
        var generator = SeededGenerator(seed: 1)
        var block = try EncoderBlock(
            dimension: 16, heads: 4, hidden: 32, activation: .gelu, placement: placement, generator: &generator)
        try block.load(try f.parameters(under: "\(placement.rawValue).params"), strict: true)
        return block
    }

    /// D = 2, one head: queries and keys zero (uniform attention over real keys), values and
    /// output the identity, feed-forward zero, norms without γ or β (ε = 1e-12 leaves a unit-variance
    /// row exact and maps a constant row to 0).
    static func handBlock(_ placement: NormPlacement) throws -> EncoderBlock {
        let zero = Linear(weight: .zeros([2, 2]), bias: .zeros([2]))
        let identity = Linear(weight: Tensor([1, 0, 0, 1], shape: [2, 2]), bias: nil)
        let norm = LayerNorm(weight: Tensor([1, 1], shape: [2]), bias: .zeros([2]), epsilon: 1e-12)
        return EncoderBlock(
            attention: try MultiHeadAttention(query: zero, key: zero, value: identity, output: identity, heads: 1),
            attentionNorm: norm,
            feedForward: FeedForward(intermediate: zero, output: zero, activation: .gelu),
            outputNorm: norm, placement: placement)
    }

    static let handInput = Tensor([1, 3, 0, 2, 5, 1], shape: [1, 3, 2])
    static let handMask = AttentionMask(lengths: [2], length: 3)

    @Test("post-norm and pre-norm by hand")
    func handComputed() throws {
        // Pre: LN rows [-1, 1], [-1, 1], [1, -1]; attention averages the two real ones: [-1, 1]; x + that.
        let pre = try Self.handBlock(.pre)(Self.handInput, mask: Self.handMask)
        assertClose(pre, Tensor([0, 4, -1, 3, 4, 2], shape: [1, 3, 2]), atol: 1e-6, "pre-norm")
        // Post: attention averages x₀, x₁: [0.5, 2.5]; LN(x + that) = [-1, 1], [-1, 1], [1, -1].
        let post = try Self.handBlock(.post)(Self.handInput, mask: Self.handMask)
        assertClose(post, Tensor([-1, 1, -1, 1, 1, -1], shape: [1, 3, 2]), atol: 1e-6, "post-norm")
    }

    @Test(
        "matches nn.TransformerEncoderLayer (gelu, dropout 0, batch_first) with src_key_padding_mask",
        arguments: [NormPlacement.post, .pre])
    func golden(placement: NormPlacement) throws {
        let f = try Fixture("encoder_block")
        let block = try Self.goldenBlock(f, placement)
        let x = try f.tensor("input")
        let name = placement.rawValue
        let (output, weights) = block.forward(
            x, mask: AttentionMask(lengths: try f.ints("lengths"), length: 7), returnWeights: true)
        assertClose(output, try f.tensor("\(name).output"), "EncoderBlock \(name)")
        assertClose(weights!, try f.tensor("\(name).weights"), "EncoderBlock \(name) attention weights")
        assertClose(block(x), try f.tensor("\(name).output_unmasked"), "EncoderBlock \(name) without a mask")
    }

    @Test(
        "apply(inPlace:) padded equals forward; packed equals padded and PyTorch at real positions",
        arguments: [NormPlacement.post, .pre])
    func packedEqualsPadded(placement: NormPlacement) throws {
        let f = try Fixture("encoder_block")
        let block = try Self.goldenBlock(f, placement)
        let lengths = try f.ints("lengths")
        let x = try f.tensor("input")
        let mask = AttentionMask(lengths: lengths, length: 7)
        let padded = block(x, mask: mask)
        assertEqual(
            inPlace(x) { block.apply(inPlace: $0, layout: .padded(batch: 3, length: 7, mask: mask)) }, padded,
            "apply(.padded)")
        let packed = inPlace(realRows(x, lengths: lengths)) {
            block.apply(inPlace: $0, layout: .packed(lengths: lengths))
        }
        assertClose(packed, realRows(padded, lengths: lengths), atol: 1e-6, "\(placement) packed vs padded")
        assertClose(
            packed, realRows(try f.tensor("\(placement.rawValue).output"), lengths: lengths),
            "\(placement) packed vs PyTorch")
    }

    @Test("changing padded tokens never changes the outputs at real positions", arguments: [NormPlacement.post, .pre])
    func paddingInvariance(placement: NormPlacement) throws {
        let f = try Fixture("encoder_block")
        let block = try Self.goldenBlock(f, placement)
        let lengths = try f.ints("lengths")
        let x = try f.tensor("input")
        let mask = AttentionMask(lengths: lengths, length: 7)
        let changed = replacingPadding(x, lengths: lengths, seed: 51)
        assertClose(
            realRows(block(changed, mask: mask), lengths: lengths), realRows(block(x, mask: mask), lengths: lengths),
            atol: 1e-6, "\(placement)")
    }

    @Test("without a mask the block is permutation-equivariant", arguments: [NormPlacement.post, .pre])
    func permutationEquivariance(placement: NormPlacement) throws {
        let block = try Self.goldenBlock(try Fixture("encoder_block"), placement)
        let x = randomTensor([2, 5, 16], seed: 52)
        let order = [3, 1, 4, 0, 2]
        assertClose(block(permutingTokens(x, order)), permutingTokens(block(x), order), atol: 1e-5, "\(placement)")
    }
}
