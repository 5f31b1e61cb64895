import Foundation
import Layers

extension BertModel {
    /// Loads the weights of a Hugging Face BERT checkpoint (`model.safetensors`) for `config`.
    ///
    /// Every parameter must be present with its configured shape; F16/BF16 weights are converted
    /// to float32; the pooler is kept when the file has it. Unknown tensors are an error.
    /// - Throws: `SafeTensorsError` for a broken file, `ModelError.invalidWeights` naming the tensor otherwise.
    public init(config: BertConfig, weights url: URL) throws {
        let file = try SafeTensorsFile(url: url)
        var tensors: [String: Tensor] = [:]
        var unexpected: [String] = []
        var nonFinite: [String] = []
        for name in file.names {
            guard let canonical = canonicalTensorName(name) else { continue }
            guard
                canonical.hasPrefix("embeddings.") || canonical.hasPrefix("encoder.") || canonical.hasPrefix("pooler.")
            else {
                unexpected.append(name)
                continue
            }
            tensors[canonical] = try file.tensor(name)
            // Counted from the stored bits (F16/BF16 included), without another pass over converted copies.
            if try file.nonFiniteCount(name) > 0 { nonFinite.append(canonical) }
        }
        guard unexpected.isEmpty else {
            throw ModelError.invalidWeights(
                file: url.path,
                reason:
                    "unexpected tensors: \(unexpected.prefix(5).joined(separator: ", "))\(unexpected.count > 5 ? " … (\(unexpected.count))" : "")"
            )
        }
        do {
            try self.init(config: config, tensors: tensors)
        } catch let error as LayerError {
            throw ModelError.invalidWeights(file: url.path, reason: error.description)
        }
        guard nonFinite.isEmpty else {
            throw ModelError.invalidWeights(
                file: url.path, reason: "NaN or infinite values in \(nonFinite.prefix(5).joined(separator: ", "))")
        }
    }

    /// A model from named tensors (Hugging Face names, without the `bert.` prefix), each checked
    /// against the shape `config` implies. The pooler is kept when `pooler.dense.weight` is present.
    /// - Throws: `LayerError.missingParameter`, `.shapeMismatch` naming the tensor, or
    ///   `.unexpectedParameters` for names no layer uses.
    public init(config: BertConfig, tensors: [String: Tensor]) throws {
        do { try config.validate() } catch let error as ModelError {
            throw LayerError.invalidConfiguration(error.description)
        }
        let d = config.hiddenSize
        let f = config.intermediateSize
        let eps = Float(config.layerNormEps)
        var used = Set<String>()
        func get(_ name: String, _ shape: [Int]) throws -> Tensor {
            guard let t = tensors[name] else { throw LayerError.missingParameter(name) }
            guard t.shape == shape else {
                throw LayerError.shapeMismatch(tensor: name, expected: shape, found: t.shape)
            }
            used.insert(name)
            return t
        }
        func linear(_ name: String, _ out: Int, _ inp: Int) throws -> Linear {
            Linear(weight: try get(name + ".weight", [out, inp]), bias: try get(name + ".bias", [out]))
        }
        func norm(_ name: String) throws -> LayerNorm {
            LayerNorm(weight: try get(name + ".weight", [d]), bias: try get(name + ".bias", [d]), epsilon: eps)
        }
        self.config = config
        embeddings = BertEmbeddings(
            words: Embedding(weight: try get("embeddings.word_embeddings.weight", [config.vocabSize, d])),
            positions: Embedding(
                weight: try get("embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, d])),
            tokenTypes: Embedding(
                weight: try get("embeddings.token_type_embeddings.weight", [config.typeVocabSize, d])),
            layerNorm: try norm("embeddings.LayerNorm"))
        var blocks: [EncoderBlock] = []
        for i in 0..<config.numHiddenLayers {
            let p = "encoder.layer.\(i)"
            blocks.append(
                EncoderBlock(
                    attention: try MultiHeadAttention(
                        query: try linear(p + ".attention.self.query", d, d),
                        key: try linear(p + ".attention.self.key", d, d),
                        value: try linear(p + ".attention.self.value", d, d),
                        output: try linear(p + ".attention.output.dense", d, d),
                        heads: config.numAttentionHeads),
                    attentionNorm: try norm(p + ".attention.output.LayerNorm"),
                    feedForward: FeedForward(
                        intermediate: try linear(p + ".intermediate.dense", f, d),
                        output: try linear(p + ".output.dense", d, f),
                        activation: config.activation ?? .gelu),
                    outputNorm: try norm(p + ".output.LayerNorm"),
                    placement: .post))
        }
        encoder = Encoder(blocks: blocks)
        pooler = tensors["pooler.dense.weight"] != nil ? try linear("pooler.dense", d, d) : nil
        let extra = tensors.keys.filter { !used.contains($0) }.sorted()
        guard extra.isEmpty else { throw LayerError.unexpectedParameters(extra) }
    }
}
