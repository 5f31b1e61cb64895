import Foundation
import Layers

/// The shape of a student encoder and where its vocabulary comes from.
public struct StudentArchitecture: Sendable, Equatable {
    /// N layers, width D, H heads, feed-forward F, longest input in tokens.
    public var layers: Int = 2
    public var width: Int = 128
    public var heads: Int = 4
    public var feedForward: Int = 512
    public var maxLength: Int = 64

    public init(layers: Int = 2, width: Int = 128, heads: Int = 4, feedForward: Int = 512, maxLength: Int = 64) {
        self.layers = layers
        self.width = width
        self.heads = heads
        self.feedForward = feedForward
        self.maxLength = maxLength
    }

    /// A `BertConfig` for this shape (GELU, post-norm, BERT's dropout and initialisation).
    public func config(vocabularySize: Int) -> BertConfig {
        BertConfig(
            vocabSize: vocabularySize, hiddenSize: width, numHiddenLayers: layers, numAttentionHeads: heads,
            intermediateSize: feedForward, maxPositionEmbeddings: max(maxLength, 2))
    }
}

/// Where a student's vocabulary comes from.
public enum StudentVocabulary: Sendable, Equatable {
    /// The teacher's whole vocabulary.
    case teacher
    /// A `ReducedVocabulary` of at most this many tokens, cut from the teacher's on the corpus.
    case reduced(size: Int)
    /// A `vocab.txt` (one token per line; tokens missing from the teacher start from random embeddings).
    case file(URL)
}

extension SentenceEncoder {
    /// A new student for `teacher`: a random `BertModel` of `architecture` with the chosen
    /// vocabulary, its embeddings started from the teacher's (`initializeEmbeddings(fromTeacher:)`)
    /// where the widths allow, the teacher's pooling, normalisation and tokenizer options.
    public static func student(
        of teacher: SentenceEncoder, architecture: StudentArchitecture, vocabulary: StudentVocabulary, corpus: [String],
        seed: UInt64 = 0
    ) throws -> SentenceEncoder {
        let tokens: [String]
        var teacherIds: [Int]?
        switch vocabulary {
        case .teacher:
            tokens = (0..<teacher.tokenizer.vocabularySize).map { teacher.tokenizer.token(of: $0) ?? "[unused\($0)]" }
            teacherIds = Array(tokens.indices)
        case .reduced(let size):
            let reduced = ReducedVocabulary(teacher: teacher.tokenizer, corpus: corpus, size: size)
            tokens = reduced.tokens
            teacherIds = reduced.teacherIds
        case .file(let url):
            tokens = try Vocabulary.read(url)
            let ids = tokens.map { teacher.tokenizer.id(of: $0) }
            teacherIds = ids.allSatisfy { $0 != nil } ? ids.map { $0! } : nil
        }
        let tokenizer = try BertTokenizer(vocabulary: tokens, options: teacher.tokenizer.options)
        var config = architecture.config(vocabularySize: tokens.count)
        config.padTokenId = tokenizer.padId
        var model = try BertModel(config: config, seed: seed)
        if let teacherIds, architecture.width <= teacher.dimension {
            model.initializeEmbeddings(fromTeacher: teacher.model, teacherIds: teacherIds, seed: seed)
        }
        var sentenceConfig = teacher.sentenceConfig
        sentenceConfig.maxSequenceLength = architecture.maxLength
        return SentenceEncoder(model: model, tokenizer: tokenizer, sentenceConfig: sentenceConfig)
    }

    /// Each text's token ids for training (`[CLS]` … `[SEP]`, truncated to the encoder's limit).
    public func trainingSequences(_ texts: [String]) -> [[Int]] {
        texts.map { encode($0).ids }
    }
}
