import Layers
import Testing

@Suite("ParameterVisitable")
struct ParametersTests {
    static let blockNames = [
        "attention.self.query.weight", "attention.self.query.bias", "attention.self.key.weight",
        "attention.self.key.bias",
        "attention.self.value.weight", "attention.self.value.bias", "attention.output.dense.weight",
        "attention.output.dense.bias",
        "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias", "intermediate.dense.weight",
        "intermediate.dense.bias",
        "output.dense.weight", "output.dense.bias", "output.LayerNorm.weight", "output.LayerNorm.bias",
    ]

    static func block(seed: UInt64, dimension: Int = 16, heads: Int = 4, hidden: Int = 32, epsilon: Float = 1e-5) throws
        -> EncoderBlock
    {
        var generator = SeededGenerator(seed: seed)
        return try EncoderBlock(
            dimension: dimension, heads: heads, hidden: hidden, layerNormEpsilon: epsilon, generator: &generator)
    }

    @Test("names, order and count by hand")
    func handComputed() throws {
        let block = try Self.block(seed: 1)
        #expect(block.namedParameters().map(\.name) == Self.blockNames)
        #expect(
            block.namedParameters(prefix: "encoder.layer.2").first?.name
                == "encoder.layer.2.attention.self.query.weight")
        // 4 projections D×D + D, two norms 2D, D→F→D with biases.
        #expect(block.parameterCount == 4 * (16 * 16 + 16) + 2 * 2 * 16 + (32 * 16 + 32) + (16 * 32 + 16))
        let encoder = Encoder(blocks: [block, block], finalNorm: LayerNorm(dimension: 16))
        #expect(
            encoder.namedParameters().map(\.name).suffix(3) == [
                "layer.1.output.LayerNorm.bias", "norm.weight", "norm.bias",
            ])
    }

    @Test("Hugging Face BertLayer parameters load with strict names and the layer matches it")
    func goldenBertLayer() throws {
        let f = try Fixture("bert_layer")
        let parameters = try f.parameters(under: "params")
        var block = try Self.block(seed: 2, dimension: 24, heads: 3, hidden: 40, epsilon: 1e-12)
        #expect(Set(parameters.keys) == Set(Self.blockNames))
        try block.load(parameters, strict: true)
        let mask = AttentionMask(attentionMask: try f.tensor("attention_mask"))
        let (output, weights) = block.forward(try f.tensor("input"), mask: mask, returnWeights: true)
        assertClose(output, try f.tensor("output"), "BertLayer")
        assertClose(weights!, try f.tensor("weights"), "BertLayer attention weights")
        // The same parameters under a checkpoint's prefix.
        var encoder = Encoder(blocks: [try Self.block(seed: 3, dimension: 24, heads: 3, hidden: 40, epsilon: 1e-12)])
        let prefixed = Dictionary(uniqueKeysWithValues: parameters.map { ("bert.encoder.layer.0." + $0.key, $0.value) })
        try encoder.load(prefixed, prefix: "bert.encoder", strict: true)
        assertEqual(encoder(try f.tensor("input"), mask: mask), output, "Encoder loaded with a prefix")
    }

    @Test("named parameters round-trip through load")
    func roundTrip() throws {
        let source = try Self.block(seed: 4)
        var target = try Self.block(seed: 5)
        let x = randomTensor([2, 3, 16], seed: 71)
        #expect(target(x) != source(x))
        try target.load(source.parameters(), strict: true)
        #expect(target.parameters() == source.parameters())
        assertEqual(target(x), source(x), "after load")
    }

    @Test("load reports a missing, an unexpected and a misshapen parameter by name")
    func loadErrors() throws {
        var block = try Self.block(seed: 6)
        let complete = block.parameters()
        var missing = complete
        missing["intermediate.dense.bias"] = nil
        #expect(throws: LayerError.missingParameter("intermediate.dense.bias")) { try block.load(missing) }
        var extra = complete
        extra["pooler.dense.weight"] = .zeros([16, 16])
        extra["embeddings.position_ids"] = .zeros([1, 7])
        #expect(throws: LayerError.unexpectedParameters(["embeddings.position_ids", "pooler.dense.weight"])) {
            try block.load(extra)
        }
        try block.load(extra, strict: false)
        var misshapen = complete
        misshapen["attention.self.key.weight"] = .zeros([16, 15])
        #expect(
            throws: LayerError.shapeMismatch(tensor: "attention.self.key.weight", expected: [16, 16], found: [16, 15])
        ) {
            try block.load(misshapen)
        }
        let message = LayerError.shapeMismatch(
            tensor: "attention.self.key.weight", expected: [16, 16], found: [16, 15]
        ).description
        #expect(
            message.contains("attention.self.key.weight") && message.contains("[16, 15]")
                && message.contains("[16, 16]"))
        #expect(LayerError.missingParameter("output.dense.bias").description.contains("output.dense.bias"))
        #expect(LayerError.unexpectedParameters(["pooler.dense.weight"]).description.contains("pooler.dense.weight"))
    }

    @Test("visitParameters can change parameters in place")
    func visitMutates() throws {
        var norm = LayerNorm(dimension: 3)
        norm.visitParameters(prefix: "") { name, value in
            if name == "bias" { value = Tensor([1, 2, 3], shape: [3]) }
        }
        #expect(norm.bias.scalars == [1, 2, 3])
    }
}
