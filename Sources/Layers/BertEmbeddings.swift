/// BERT's input embeddings (Devlin et al. 2019, §3): token + absolute position + token type,
/// then LayerNorm (dropout is the identity at inference).
///
/// Parameters (prefix `embeddings`): `word_embeddings` `[V, D]`, `position_embeddings` `[P, D]`,
/// `token_type_embeddings` `[TT, D]`, `LayerNorm` `[D]`.
public struct BertEmbeddings: ParameterVisitable, Sendable {
    public var words: Embedding
    public var positions: Embedding
    public var tokenTypes: Embedding
    public var layerNorm: LayerNorm

    public init(words: Embedding, positions: Embedding, tokenTypes: Embedding, layerNorm: LayerNorm) {
        precondition(
            words.dimension == positions.dimension && words.dimension == tokenTypes.dimension
                && words.dimension == layerNorm.dimension,
            "BERT embeddings must share one width")
        self.words = words
        self.positions = positions
        self.tokenTypes = tokenTypes
        self.layerNorm = layerNorm
    }

    /// A freshly initialised set (BERT initialisation: normal with std 0.02).
    public init(
        vocabularySize: Int, dimension: Int, maxPositions: Int, typeVocabularySize: Int = 2,
        layerNormEpsilon: Float = 1e-12,
        initialization: Initialization = .bert(std: 0.02), generator: inout SeededGenerator
    ) {
        self.init(
            words: Embedding(
                count: vocabularySize, dimension: dimension, initialization: initialization, generator: &generator),
            positions: Embedding(
                count: maxPositions, dimension: dimension, initialization: initialization, generator: &generator),
            tokenTypes: Embedding(
                count: typeVocabularySize, dimension: dimension, initialization: initialization, generator: &generator),
            layerNorm: LayerNorm(dimension: dimension, epsilon: layerNormEpsilon))
    }

    /// D.
    public var dimension: Int { words.dimension }
    /// P, the longest sequence the position table covers.
    public var maxPositions: Int { positions.count }

    /// Embeds sequences stored back to back: `ids` and `typeIds` hold ΣLᵢ entries, positions restart
    /// at 0 for each sequence. Returns `[ΣLᵢ, D]`.
    /// - Throws: `LayerError.invalidInput` for an id, type id or length the tables do not cover.
    public func packed(ids: [Int], typeIds: [Int]? = nil, lengths: [Int]) throws -> Tensor {
        guard lengths.reduce(0, +) == ids.count else {
            throw LayerError.invalidInput("\(ids.count) ids for sequence lengths summing to \(lengths.reduce(0, +))")
        }
        if let typeIds, typeIds.count != ids.count {
            throw LayerError.invalidInput("\(typeIds.count) token type ids for \(ids.count) ids")
        }
        if let longest = lengths.max(), longest > maxPositions {
            throw LayerError.invalidInput(
                "a sequence of \(longest) tokens is longer than the \(maxPositions) positions the model knows")
        }
        var x = try words(ids)  // [N, D]
        try tokenTypes.add(typeIds ?? Array(repeating: 0, count: ids.count), to: &x)
        try positions.add(lengths.flatMap { 0..<$0 }, to: &x)
        return layerNorm(x)
    }

    /// Embeds a padded batch `[B][T]` (all rows the same length): `[B, T, D]`.
    public func callAsFunction(ids: [[Int]], typeIds: [[Int]]? = nil) throws -> Tensor {
        let t = ids.first?.count ?? 0
        guard ids.allSatisfy({ $0.count == t }) else {
            throw LayerError.invalidInput("padded batch rows must have equal lengths")
        }
        let x = try packed(
            ids: ids.flatMap { $0 }, typeIds: typeIds?.flatMap { $0 }, lengths: Array(repeating: t, count: ids.count))
        return x.reshaped([ids.count, t, dimension])
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try words.visitParameters(prefix: joinName(prefix, "word_embeddings"), body)
        try positions.visitParameters(prefix: joinName(prefix, "position_embeddings"), body)
        try tokenTypes.visitParameters(prefix: joinName(prefix, "token_type_embeddings"), body)
        try layerNorm.visitParameters(prefix: joinName(prefix, "LayerNorm"), body)
    }
}
