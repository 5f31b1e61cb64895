import Foundation
import Layers

/// A Hugging Face `BertConfig` (`config.json`), with the defaults `transformers` uses for absent keys.
public struct BertConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int = 30522
    public var hiddenSize: Int = 768
    public var numHiddenLayers: Int = 12
    public var numAttentionHeads: Int = 12
    public var intermediateSize: Int = 3072
    public var hiddenAct: String = "gelu"
    public var maxPositionEmbeddings: Int = 512
    public var typeVocabSize: Int = 2
    public var layerNormEps: Double = 1e-12
    public var padTokenId: Int = 0
    public var hiddenDropoutProb: Double = 0.1
    public var attentionProbsDropoutProb: Double = 0.1
    public var initializerRange: Double = 0.02
    public var positionEmbeddingType: String = "absolute"
    public var modelType: String = "bert"

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps"
        case padTokenId = "pad_token_id"
        case hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case initializerRange = "initializer_range"
        case positionEmbeddingType = "position_embedding_type"
        case modelType = "model_type"
    }

    /// A configuration with BERT-base defaults, changed as given.
    public init(
        vocabSize: Int = 30522, hiddenSize: Int = 768, numHiddenLayers: Int = 12, numAttentionHeads: Int = 12,
        intermediateSize: Int = 3072, hiddenAct: String = "gelu", maxPositionEmbeddings: Int = 512,
        typeVocabSize: Int = 2, layerNormEps: Double = 1e-12, padTokenId: Int = 0
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.hiddenAct = hiddenAct
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.padTokenId = padTokenId
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        let d = BertConfig()
        vocabSize = try value(.vocabSize, d.vocabSize)
        hiddenSize = try value(.hiddenSize, d.hiddenSize)
        numHiddenLayers = try value(.numHiddenLayers, d.numHiddenLayers)
        numAttentionHeads = try value(.numAttentionHeads, d.numAttentionHeads)
        intermediateSize = try value(.intermediateSize, d.intermediateSize)
        hiddenAct = try value(.hiddenAct, d.hiddenAct)
        maxPositionEmbeddings = try value(.maxPositionEmbeddings, d.maxPositionEmbeddings)
        typeVocabSize = try value(.typeVocabSize, d.typeVocabSize)
        layerNormEps = try value(.layerNormEps, d.layerNormEps)
        padTokenId = try value(.padTokenId, d.padTokenId)
        hiddenDropoutProb = try value(.hiddenDropoutProb, d.hiddenDropoutProb)
        attentionProbsDropoutProb = try value(.attentionProbsDropoutProb, d.attentionProbsDropoutProb)
        initializerRange = try value(.initializerRange, d.initializerRange)
        positionEmbeddingType = try value(.positionEmbeddingType, d.positionEmbeddingType)
        modelType = try value(.modelType, d.modelType)
    }

    /// The activation named by `hidden_act`.
    public var activation: Activation? { Activation(huggingFaceName: hiddenAct) }

    /// Checks that the configuration describes a model that can exist.
    /// - Throws: `ModelError.invalidConfig` naming the key that makes no sense.
    public func validate(file: String = "config.json") throws {
        func fail(_ why: String) -> ModelError { .invalidConfig(file: file, reason: why) }
        guard vocabSize > 0 else { throw fail("vocab_size must be positive, got \(vocabSize)") }
        guard hiddenSize > 0 else { throw fail("hidden_size must be positive, got \(hiddenSize)") }
        guard numHiddenLayers > 0 else { throw fail("num_hidden_layers must be positive, got \(numHiddenLayers)") }
        guard numAttentionHeads > 0 else {
            throw fail("num_attention_heads must be positive, got \(numAttentionHeads)")
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw fail("hidden_size \(hiddenSize) is not divisible by num_attention_heads \(numAttentionHeads)")
        }
        guard intermediateSize > 0 else { throw fail("intermediate_size must be positive, got \(intermediateSize)") }
        guard maxPositionEmbeddings > 0 else {
            throw fail("max_position_embeddings must be positive, got \(maxPositionEmbeddings)")
        }
        guard typeVocabSize > 0 else { throw fail("type_vocab_size must be positive, got \(typeVocabSize)") }
        guard layerNormEps > 0, layerNormEps.isFinite else {
            throw fail("layer_norm_eps must be a positive number, got \(layerNormEps)")
        }
        guard activation != nil else {
            throw fail("hidden_act '\(hiddenAct)' is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu)")
        }
        guard positionEmbeddingType == "absolute" else {
            throw fail("position_embedding_type '\(positionEmbeddingType)' is not supported (only 'absolute')")
        }
        // Guard against sizes that would make absurd allocations (a hostile or corrupt file).
        let limit = 1 << 34
        let (embed, o1) = vocabSize.multipliedReportingOverflow(by: hiddenSize)
        let (ff, o2) = intermediateSize.multipliedReportingOverflow(by: hiddenSize)
        guard !o1, !o2, embed < limit, ff < limit, numHiddenLayers <= 1024 else {
            throw fail(
                "sizes are too large to be a real model (vocab_size \(vocabSize), hidden_size \(hiddenSize), intermediate_size \(intermediateSize), num_hidden_layers \(numHiddenLayers))"
            )
        }
    }

    /// Reads and validates `config.json`.
    public static func load(from url: URL) throws -> BertConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.missingFile(url.path)
        }
        let config: BertConfig
        do { config = try JSONDecoder().decode(BertConfig.self, from: data) } catch {
            throw ModelError.invalidConfig(file: url.path, reason: describe(decodingError: error))
        }
        try config.validate(file: url.path)
        return config
    }
}

/// A short, human explanation of a `DecodingError`.
func describe(decodingError error: Error) -> String {
    switch error {
    case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
        let DecodingError.keyNotFound(_, context), let DecodingError.dataCorrupted(context):
        let path = context.codingPath.map { $0.stringValue }.joined(separator: ".")
        return (path.isEmpty ? "" : "'\(path)': ") + context.debugDescription
    default:
        return "\(error)"
    }
}
