import Foundation
import Layers

/// One text's embedding and what happened on the way.
public struct TextEmbedding: Sendable, Equatable {
    /// `[D]`: the pooled (and, when the model says so, L2-normalised) sentence vector.
    public var vector: [Float]
    /// The number of tokens the model saw, `[CLS]` and `[SEP]` included.
    public var tokenCount: Int
    /// How many word pieces were cut to fit the model's limit.
    public var truncatedCount: Int
}

/// Options for `SentenceEncoder.embed`.
public struct EmbeddingOptions: Sendable {
    /// The most texts run through the model together.
    public var batchSize: Int = 256
    /// The most tokens run through the model together (a batch ends at whichever limit comes
    /// first; a single longer text still runs alone). Batches are packed, so large ones waste
    /// nothing on padding and give OpenBLAS bigger products; this bounds their memory.
    public var maxBatchTokens: Int = 4096
    /// Overrides the model's maximum length (tokens, specials included), never above its position table.
    public var maxLength: Int?
    /// Overrides the model's pooling.
    public var pooling: PoolingStrategy?
    /// Overrides the model's normalisation.
    public var normalize: Bool?
    /// When false, a text longer than the limit is an error instead of being truncated.
    public var truncate: Bool = true

    public init(
        batchSize: Int = 256, maxBatchTokens: Int = 4096, maxLength: Int? = nil, pooling: PoolingStrategy? = nil,
        normalize: Bool? = nil, truncate: Bool = true
    ) {
        self.batchSize = batchSize
        self.maxBatchTokens = maxBatchTokens
        self.maxLength = maxLength
        self.pooling = pooling
        self.normalize = normalize
        self.truncate = truncate
    }
}

/// A BERT-family sentence embedding model loaded from a Hugging Face / sentence-transformers folder:
/// `config.json`, `model.safetensors`, `vocab.txt`, `tokenizer_config.json`, and optionally
/// `sentence_bert_config.json`, `modules.json`, `1_Pooling/config.json`.
///
/// Immutable and `Sendable`: one loaded encoder can serve many threads at once.
public final class SentenceEncoder: Sendable {
    public let directory: URL
    public let model: BertModel
    public let tokenizer: BertTokenizer
    public let sentenceConfig: SentenceTransformersConfig
    /// The longest input in tokens (specials included): `max_seq_length` when given, never above the position table.
    public let maxLength: Int

    /// Loads a checkpoint folder.
    /// - Throws: `ModelError`, `SafeTensorsError` or `TokenizerError` naming the file at fault.
    public init(directory: URL) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
            throw ModelError.missingFile(directory.path + " (model folder)")
        }
        self.directory = directory
        let config = try BertConfig.load(from: directory.appendingPathComponent("config.json"))
        let weights = directory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weights.path) else { throw ModelError.missingFile(weights.path) }
        model = try BertModel(config: config, weights: weights)
        tokenizer = try BertTokenizer(directory: directory)
        guard tokenizer.vocabularySize <= config.vocabSize else {
            throw ModelError.invalidConfig(
                file: directory.appendingPathComponent("vocab.txt").path,
                reason:
                    "the vocabulary has \(tokenizer.vocabularySize) tokens but the model only \(config.vocabSize) embeddings"
            )
        }
        sentenceConfig = try SentenceTransformersConfig.load(directory: directory)
        maxLength = min(sentenceConfig.maxSequenceLength ?? config.maxPositionEmbeddings, config.maxPositionEmbeddings)
    }

    /// An encoder from parts already in memory (a model built or trained in Swift).
    public init(
        model: BertModel, tokenizer: BertTokenizer, sentenceConfig: SentenceTransformersConfig,
        directory: URL = URL(fileURLWithPath: ".")
    ) {
        self.directory = directory
        self.model = model
        self.tokenizer = tokenizer
        self.sentenceConfig = sentenceConfig
        maxLength = min(
            sentenceConfig.maxSequenceLength ?? model.config.maxPositionEmbeddings, model.config.maxPositionEmbeddings)
    }

    /// D, the width of every embedding.
    public var dimension: Int { model.hiddenSize }

    /// Tokenizes as sentence-transformers does for this model (lower-casing first when its config says so).
    public func encode(_ text: String, maxLength: Int? = nil) -> Encoding {
        let limit = min(maxLength ?? self.maxLength, self.maxLength)
        return tokenizer.encode(sentenceConfig.lowercaseInput ? text.lowercased() : text, maxLength: limit)
    }

    /// Embeds texts, in input order. Texts are sorted by length and packed into batches so no
    /// work is spent on padding; results do not depend on the batch size.
    public func embed(_ texts: [String], options: EmbeddingOptions = EmbeddingOptions()) throws -> [TextEmbedding] {
        let pooling = options.pooling ?? sentenceConfig.pooling
        let normalize = options.normalize ?? sentenceConfig.normalize
        var results = [TextEmbedding?](repeating: nil, count: texts.count)
        try run(texts, options: options) { index, encoding, hidden, row in
            var v = [Float](repeating: 0, count: dimension)
            v.withUnsafeMutableBufferPointer { out in
                pooling.pool(
                    hidden + row * dimension, rows: encoding.ids.count, width: dimension, into: out.baseAddress!)
            }
            if normalize { l2Normalize(&v) }
            results[index] = TextEmbedding(
                vector: v, tokenCount: encoding.ids.count, truncatedCount: encoding.truncatedCount)
        }
        return results.map { $0! }
    }

    /// The last hidden state of each text, `[T, D]` (the token embeddings of sentence-transformers), in input order.
    public func tokenEmbeddings(_ texts: [String], options: EmbeddingOptions = EmbeddingOptions()) throws -> [(
        encoding: Encoding, vectors: Tensor
    )] {
        var results = [(Encoding, Tensor)?](repeating: nil, count: texts.count)
        try run(texts, options: options) { index, encoding, hidden, row in
            let n = encoding.ids.count
            let t = Tensor(shape: [n, dimension]) { out in
                out.baseAddress!.update(from: hidden + row * dimension, count: n * dimension)
            }
            results[index] = (encoding, t)
        }
        return results.map { $0! }
    }

    /// Tokenizes, sorts by length, runs packed batches and hands each text's rows to `body`
    /// (text index, its encoding, the batch's hidden states `[rows, D]`, the text's first row).
    private func run(
        _ texts: [String], options: EmbeddingOptions, _ body: (Int, Encoding, UnsafePointer<Float>, Int) throws -> Void
    ) throws {
        guard options.batchSize > 0 else {
            throw ModelError.invalidInput("batch size must be positive, got \(options.batchSize)")
        }
        let limit = min(options.maxLength ?? maxLength, model.config.maxPositionEmbeddings)
        guard limit >= 2 else {
            throw ModelError.invalidInput("maximum length must be at least 2 tokens, got \(limit)")
        }
        var encodings: [Encoding] = []
        encodings.reserveCapacity(texts.count)
        for (i, text) in texts.enumerated() {
            let e = encode(text, maxLength: limit)
            if e.truncatedCount > 0 && !options.truncate {
                throw ModelError.textTooLong(index: i, tokens: e.ids.count + e.truncatedCount, limit: limit)
            }
            encodings.append(e)
        }
        let order = encodings.indices.sorted { encodings[$0].ids.count < encodings[$1].ids.count }
        var start = 0
        while start < order.count {
            // Up to batchSize texts and maxBatchTokens tokens (at least one text).
            var end = start + 1
            var tokens = encodings[order[start]].ids.count
            while end < order.count, end - start < options.batchSize,
                tokens + encodings[order[end]].ids.count <= options.maxBatchTokens
            {
                tokens += encodings[order[end]].ids.count
                end += 1
            }
            let batch = Array(order[start..<end])
            start = end
            let lengths = batch.map { encodings[$0].ids.count }
            let hidden = try model.packed(
                ids: batch.flatMap { encodings[$0].ids }, typeIds: batch.flatMap { encodings[$0].typeIds },
                lengths: lengths)
            try hidden.withUnsafeBufferPointer { h in
                var row = 0
                for (k, index) in batch.enumerated() {
                    try body(index, encodings[index], h.baseAddress!, row)
                    row += lengths[k]
                }
            }
        }
    }
}
