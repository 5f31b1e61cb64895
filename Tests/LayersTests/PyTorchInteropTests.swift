import Layers
import Testing

@Suite("PyTorchInterop")
struct PyTorchInteropTests {
    @Test("in_proj_weight rows are split into query, key and value, by hand")
    func handComputed() throws {
        let stateDict: [String: Tensor] = [
            "attn.in_proj_weight": Tensor((0..<12).map(Float.init), shape: [6, 2]),
            "attn.in_proj_bias": Tensor([1, 2, 3, 4, 5, 6], shape: [6]),
            "attn.out_proj.weight": Tensor([1, 0, 0, 1], shape: [2, 2]),
            "attn.out_proj.bias": Tensor([7, 8], shape: [2]),
        ]
        let layer = try MultiHeadAttention(pytorchStateDict: stateDict, prefix: "attn", heads: 2)
        #expect(layer.query.weight.scalars == [0, 1, 2, 3] && layer.query.bias!.scalars == [1, 2])
        #expect(layer.key.weight.scalars == [4, 5, 6, 7] && layer.key.bias!.scalars == [3, 4])
        #expect(layer.value.weight.scalars == [8, 9, 10, 11] && layer.value.bias!.scalars == [5, 6])
        #expect(layer.output.bias!.scalars == [7, 8] && layer.heads == 2)
    }

    @Test("MultiHeadAttention from an nn.MultiheadAttention state dict matches it")
    func goldenAttention() throws {
        let f = try Fixture("mha")
        let layer = try MultiHeadAttention(
            pytorchStateDict: try f.parameters(under: "torch"), prefix: "self_attn", heads: 4)
        let mask = AttentionMask(keyPaddingMask: keyPaddingMask(lengths: try f.ints("lengths"), length: 7))
        assertClose(layer(try f.tensor("input"), mask: mask), try f.tensor("output"), "MHA from in_proj_weight")
        let named = try MultiHeadAttentionTests.goldenLayer(f)
        #expect(layer.namedParameters().map(\.value) == named.namedParameters().map(\.value))
    }

    @Test(
        "EncoderBlock from an nn.TransformerEncoderLayer state dict matches it, and converts back exactly",
        arguments: [NormPlacement.post, .pre])
    func goldenBlock(placement: NormPlacement) throws {
        let f = try Fixture("encoder_block")
        let name = placement.rawValue
        let stateDict = try f.parameters(under: "\(name).torch")
        let block = try EncoderBlock(pytorchStateDict: stateDict, heads: 4, activation: .gelu, placement: placement)
        let mask = AttentionMask(lengths: try f.ints("lengths"), length: 7)
        assertClose(
            block(try f.tensor("input"), mask: mask), try f.tensor("\(name).output"),
            "EncoderBlock \(name) from state dict")
        #expect(block.pytorchStateDict() == stateDict)
        #expect(block.pytorchStateDict(prefix: "layers.3").keys.allSatisfy { $0.hasPrefix("layers.3.") })
        #expect(block.parameters() == (try f.parameters(under: "\(name).params")))
    }

    @Test("missing and misshapen PyTorch parameters are errors that name them")
    func errors() throws {
        var stateDict = try Fixture("encoder_block").parameters(under: "post.torch")
        let complete = stateDict
        stateDict["self_attn.in_proj_bias"] = nil
        #expect(throws: LayerError.missingParameter("enc.self_attn.in_proj_bias")) {
            try EncoderBlock(
                pytorchStateDict: Dictionary(uniqueKeysWithValues: stateDict.map { ("enc." + $0.key, $0.value) }),
                prefix: "enc", heads: 4, activation: .gelu, placement: .post)
        }
        stateDict = complete
        stateDict["norm2.weight"] = .zeros([15])
        #expect(throws: LayerError.shapeMismatch(tensor: "norm2.weight", expected: [16], found: [15])) {
            try EncoderBlock(pytorchStateDict: stateDict, heads: 4, activation: .gelu, placement: .post)
        }
        stateDict = complete
        stateDict["self_attn.in_proj_weight"] = .zeros([47, 16])
        #expect(
            throws: LayerError.shapeMismatch(tensor: "self_attn.in_proj_weight", expected: [48, 16], found: [47, 16])
        ) {
            try EncoderBlock(pytorchStateDict: stateDict, heads: 4, activation: .gelu, placement: .post)
        }
        stateDict = complete
        stateDict["linear1.weight"] = nil
        #expect(throws: LayerError.missingParameter("linear1.weight")) {
            try EncoderBlock(pytorchStateDict: stateDict, heads: 4, activation: .gelu, placement: .post)
        }
        #expect(throws: LayerError.invalidConfiguration("width 16 is not divisible by 3 attention heads")) {
            try EncoderBlock(pytorchStateDict: complete, heads: 3, activation: .gelu, placement: .post)
        }
    }
}
