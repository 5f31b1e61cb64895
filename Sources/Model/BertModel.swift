import Foundation
import Layers

/// A BERT encoder (Devlin et al. 2019) as Hugging Face's `BertModel`: embeddings, N post-norm
/// encoder blocks, and an optional pooler (`tanh(dense(h[CLS]))`).
///
/// Parameter names are Hugging Face's: `embeddings.*`, `encoder.layer.N.*`, `pooler.dense.*`.
public struct BertModel: ParameterVisitable, Sendable {
    public var config: BertConfig
    public var embeddings: BertEmbeddings
    public var encoder: Encoder
    /// `pooler.dense` `[D, D]`, present in most checkpoints; unused by mean pooling.
    public var pooler: Linear?

    /// A freshly initialised model (BERT initialisation, seeded).
    /// - Throws: `ModelError.invalidConfig` for a configuration that makes no sense.
    public init(config: BertConfig, withPooler: Bool = true, seed: UInt64 = 0) throws {
        try config.validate()
        var g = SeededGenerator(seed: seed)
        let init_ = Initialization.bert(std: Float(config.initializerRange))
        let eps = Float(config.layerNormEps)
        self.config = config
        embeddings = BertEmbeddings(
            vocabularySize: config.vocabSize, dimension: config.hiddenSize, maxPositions: config.maxPositionEmbeddings,
            typeVocabularySize: config.typeVocabSize, layerNormEpsilon: eps, initialization: init_, generator: &g)
        var blocks: [EncoderBlock] = []
        for _ in 0..<config.numHiddenLayers {
            blocks.append(
                try EncoderBlock(
                    dimension: config.hiddenSize, heads: config.numAttentionHeads, hidden: config.intermediateSize,
                    activation: config.activation ?? .gelu, placement: .post, layerNormEpsilon: eps,
                    initialization: init_, generator: &g))
        }
        encoder = Encoder(blocks: blocks)
        pooler =
            withPooler
            ? Linear(
                inFeatures: config.hiddenSize, outFeatures: config.hiddenSize, initialization: init_, generator: &g)
            : nil
    }

    /// D.
    public var hiddenSize: Int { config.hiddenSize }

    /// The last hidden state of sequences stored back to back (no padding): ids `[ΣLᵢ]` -> `[ΣLᵢ, D]`.
    public func packed(ids: [Int], typeIds: [Int]? = nil, lengths: [Int]) throws -> Tensor {
        var x = try embeddings.packed(ids: ids, typeIds: typeIds, lengths: lengths)  // [N, D]
        x.withUnsafeMutableBufferPointer { p in
            encoder.apply(inPlace: p.baseAddress!, layout: .packed(lengths: lengths))
        }
        return x
    }

    /// A padded batch `[B][T]` with a 0/1 `attentionMask` `[B][T]`, as `BertModel(input_ids, attention_mask)`:
    /// the last hidden state `[B, T, D]` and, when asked, every hidden state and attention weights.
    public func forward(
        ids: [[Int]], typeIds: [[Int]]? = nil, attentionMask: [[Int]]? = nil,
        returnHiddenStates: Bool = false, returnAttentions: Bool = false
    ) throws -> EncoderOutput {
        let x = try embeddings(ids: ids, typeIds: typeIds)  // [B, T, D]
        let t = ids.first?.count ?? 0
        var mask: AttentionMask?
        if let attentionMask {
            guard attentionMask.count == ids.count, attentionMask.allSatisfy({ $0.count == t }) else {
                throw ModelError.invalidInput("attention mask shape does not match the ids")
            }
            mask = AttentionMask(
                attentionMask: Tensor(attentionMask.flatMap { $0.map(Float.init) }, shape: [ids.count, t]))
        }
        return encoder.forward(
            x, mask: mask, returnHiddenStates: returnHiddenStates, returnAttentions: returnAttentions)
    }

    /// The pooler output `tanh(dense(h[CLS]))` for each sequence's first row, `[B, D]`.
    public func pooled(firstRows: Tensor) -> Tensor? {
        guard let pooler else { return nil }
        var y = pooler(firstRows)
        y.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = tanh(p[i]) } }
        return y
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try embeddings.visitParameters(prefix: joinName(prefix, "embeddings"), body)
        try encoder.visitParameters(prefix: joinName(prefix, "encoder"), body)
        if pooler != nil { try pooler!.visitParameters(prefix: joinName(prefix, "pooler.dense"), body) }
    }
}
