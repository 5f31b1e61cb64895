import Foundation
import Layers
import Testing

@Suite("Encoder")
struct EncoderTests {
    /// The 2-block stack of the fixture (`post`, or `pre` with a final norm), loaded by its names.
    static func goldenEncoder(_ f: Fixture, _ placement: NormPlacement) throws -> Encoder {
        var generator = SeededGenerator(seed: 1)
        let blocks = try (0..<2).map { _ in
            try EncoderBlock(
                dimension: 16, heads: 4, hidden: 32, activation: .gelu, placement: placement, generator: &generator)
        }
        var encoder = Encoder(blocks: blocks, finalNorm: placement == .pre ? LayerNorm(dimension: 16) : nil)
        try encoder.load(try f.parameters(under: "\(placement.rawValue).params"), strict: true)
        return encoder
    }

    @Test("two hand-made pre-norm blocks, by hand")
    func handComputed() throws {
        let block = try EncoderBlockTests.handBlock(.pre)
        let encoder = Encoder(blocks: [block, block])
        // Block 1 adds [-1, 1] to every row (see EncoderBlockTests); block 2 again (LN of the real rows is [-1, 1]).
        let output = encoder.forward(
            EncoderBlockTests.handInput, mask: EncoderBlockTests.handMask, returnHiddenStates: true)
        assertClose(output.lastHiddenState, Tensor([-1, 5, -2, 4, 3, 3], shape: [1, 3, 2]), atol: 1e-6, "two blocks")
        #expect(output.hiddenStates.count == 3)
        assertClose(
            output.hiddenStates[1], Tensor([0, 4, -1, 3, 4, 2], shape: [1, 3, 2]), atol: 1e-6, "after block 1")
    }

    @Test(
        "matches nn.TransformerEncoder of 2 layers (no nested tensors) with src_key_padding_mask",
        arguments: [NormPlacement.post, .pre])
    func golden(placement: NormPlacement) throws {
        let f = try Fixture("encoder")
        let encoder = try Self.goldenEncoder(f, placement)
        let name = placement.rawValue
        let output = encoder.forward(
            try f.tensor("input"), mask: AttentionMask(lengths: try f.ints("lengths"), length: 7),
            returnHiddenStates: true, returnAttentions: true)
        assertClose(output.lastHiddenState, try f.tensor("\(name).output"), "Encoder \(name)")
        assertClose(output.hiddenStates[1], try f.tensor("\(name).hidden.1"), "Encoder \(name) block 1")
        assertClose(output.hiddenStates[2], try f.tensor("\(name).hidden.2"), "Encoder \(name) block 2")
        #expect(
            output.hiddenStates.count == 3 && output.attentions.count == 2
                && output.attentions[0].shape == [3, 4, 7, 7])
    }

    @Test("Encoder.packed equals the padded path and PyTorch at real positions", arguments: [NormPlacement.post, .pre])
    func packedEqualsPadded(placement: NormPlacement) throws {
        let f = try Fixture("encoder")
        let encoder = try Self.goldenEncoder(f, placement)
        let lengths = try f.ints("lengths")
        let x = try f.tensor("input")
        let mask = AttentionMask(lengths: lengths, length: 7)
        let padded = encoder(x, mask: mask)
        assertEqual(
            inPlace(x) { encoder.apply(inPlace: $0, layout: .padded(batch: 3, length: 7, mask: mask)) }, padded,
            "apply(.padded)")
        let packed = encoder.packed(realRows(x, lengths: lengths), lengths: lengths)
        assertClose(packed, realRows(padded, lengths: lengths), atol: 1e-6, "\(placement) packed vs padded")
        assertClose(
            packed, realRows(try f.tensor("\(placement.rawValue).output"), lengths: lengths),
            "\(placement) packed vs PyTorch")
    }

    @Test("changing padded tokens never changes the outputs at real positions", arguments: [NormPlacement.post, .pre])
    func paddingInvariance(placement: NormPlacement) throws {
        let f = try Fixture("encoder")
        let encoder = try Self.goldenEncoder(f, placement)
        let lengths = try f.ints("lengths")
        let x = try f.tensor("input")
        let mask = AttentionMask(lengths: lengths, length: 7)
        let changed = replacingPadding(x, lengths: lengths, seed: 61)
        assertClose(
            realRows(encoder(changed, mask: mask), lengths: lengths),
            realRows(encoder(x, mask: mask), lengths: lengths), atol: 1e-6, "\(placement)")
    }

    @Test("an empty sequence in a packed batch is skipped")
    func emptySequence() throws {
        let encoder = try Self.goldenEncoder(try Fixture("encoder"), .post)
        let x = randomTensor([5, 16], seed: 62)
        let packed = encoder.packed(x, lengths: [2, 0, 3])
        assertClose(packed, encoder.packed(x, lengths: [2, 3]), atol: 0, "[2, 0, 3] vs [2, 3]")
    }
}
