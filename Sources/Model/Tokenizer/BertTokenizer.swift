import Foundation

/// The BERT WordPiece tokenizer, matching Hugging Face's (`AutoTokenizer` for BERT checkpoints such as
/// all-MiniLM-L6-v2, i.e. the Rust `tokenizers` library that sentence-transformers uses).
///
/// Pipeline for each text: special tokens written in the text are matched first (``SpecialTokenMatcher``);
/// the rest is cleaned, CJK-spaced, accent-stripped, lower-cased and split into words
/// (``BasicTokenizer``); each word becomes word pieces (``WordPiece``). ``encode(_:pair:maxLength:)``
/// then adds `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]` with segment ids and truncates.
///
/// The tokenizer is immutable, so one instance can serve many threads at once. It accepts any
/// `String`: emoji, lone combining marks, control characters and very long inputs never trap.
///
/// ```swift
/// let tokenizer = try BertTokenizer(directory: URL(fileURLWithPath: "weights/all-MiniLM-L6-v2"))
/// let encoding = tokenizer.encode("Hello, world!", maxLength: 256)
/// // encoding.tokens == ["[CLS]", "hello", ",", "world", "!", "[SEP]"]
/// ```
public final class BertTokenizer: Sendable {
    /// The options this tokenizer was built with.
    public let options: TokenizerOptions
    /// Id of ``TokenizerOptions/padToken``.
    public let padId: Int
    /// Id of ``TokenizerOptions/clsToken``.
    public let clsId: Int
    /// Id of ``TokenizerOptions/sepToken``.
    public let sepId: Int
    /// Id of ``TokenizerOptions/unknownToken``.
    public let unknownId: Int
    /// Id of ``TokenizerOptions/maskToken``, or `nil` when the vocabulary has none.
    public let maskId: Int?

    private let vocabulary: Vocabulary
    private let basic: BasicTokenizer
    private let wordPiece: WordPiece
    private let specialTokens: SpecialTokenMatcher

    /// Builds a tokenizer from a vocabulary in id order (line `i` of `vocab.txt` is id `i`).
    ///
    /// A token listed twice belongs to its last id, as in Hugging Face.
    /// - Throws: ``TokenizerError/emptyVocabulary``, or ``TokenizerError/missingSpecialToken(_:)``
    ///   naming the first of `[UNK]`, `[CLS]`, `[SEP]`, `[PAD]` (as set in `options`) that is absent.
    public init(vocabulary tokens: [String], options: TokenizerOptions = .init()) throws(TokenizerError) {
        guard !tokens.isEmpty else { throw .emptyVocabulary }
        let vocabulary = Vocabulary(tokens: tokens)
        func required(_ token: String) throws(TokenizerError) -> Int {
            guard let id = vocabulary.id(of: token) else { throw .missingSpecialToken(token) }
            return id
        }
        unknownId = try required(options.unknownToken)
        clsId = try required(options.clsToken)
        sepId = try required(options.sepToken)
        padId = try required(options.padToken)
        maskId = vocabulary.id(of: options.maskToken)
        self.options = options
        self.vocabulary = vocabulary
        basic = BasicTokenizer(
            lowercases: options.doLowerCase,
            stripsAccents: options.stripsAccents,
            splitsChineseCharacters: options.tokenizeChineseChars)
        wordPiece = WordPiece(
            vocabulary: vocabulary, unknownId: unknownId, maxInputCharsPerWord: options.maxInputCharsPerWord)
        specialTokens = SpecialTokenMatcher(
            options.specialTokens.compactMap { token in vocabulary.id(of: token).map { (token, $0) } })
    }

    /// Reads a `vocab.txt`: UTF-8, one token per line; `\n`, `\r\n` and `\r` end lines (Python's
    /// universal newlines, as Hugging Face's `load_vocab`); empty lines are tokens and keep their id.
    ///
    /// - Throws: ``TokenizerError/unreadableFile(path:reason:)`` or ``TokenizerError/notUTF8(path:)``
    ///   naming the file, then the errors of ``init(vocabulary:options:)``.
    public convenience init(vocabularyFile: URL, options: TokenizerOptions = .init()) throws(TokenizerError) {
        try self.init(vocabulary: Vocabulary.read(vocabularyFile), options: options)
    }

    /// Reads a Hugging Face model folder: `vocab.txt` and, when present, `tokenizer_config.json`
    /// (see ``TokenizerOptions/init(configurationFile:)``; a missing file means BERT's defaults).
    public convenience init(directory: URL) throws(TokenizerError) {
        let configuration = directory.appendingPathComponent("tokenizer_config.json")
        let options =
            FileManager.default.fileExists(atPath: configuration.path)
            ? try TokenizerOptions(configurationFile: configuration) : TokenizerOptions()
        try self.init(vocabularyFile: directory.appendingPathComponent("vocab.txt"), options: options)
    }

    /// Number of ids `V` (lines of the vocabulary), the row count of the embedding matrix.
    public var vocabularySize: Int { vocabulary.count }

    /// The id of a token, compared code point by code point, or `nil`.
    public func id(of token: String) -> Int? { vocabulary.id(of: token) }

    /// The token of an id, or `nil` when out of range (or shadowed by a later duplicate line).
    public func token(of id: Int) -> String? { vocabulary.token(of: id) }

    /// The word pieces of a text, without `[CLS]`/`[SEP]` around them (special tokens written in the
    /// text do appear). `"unaffable"` → `["una", "##ffa", "##ble"]`.
    public func tokenize(_ text: String) -> [String] {
        pieceIds(text).map(tokenString)
    }

    /// The ids of ``tokenize(_:)``'s pieces.
    public func pieceIds(_ text: String) -> [Int] {
        var ids: [Int] = []
        for segment in specialTokens.segments(Array(text.unicodeScalars)) {
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let scalars):
                for word in basic.words(scalars) { wordPiece.appendIds(of: word, to: &ids) }
            }
        }
        return ids
    }

    /// Encodes one text as `[CLS] A [SEP]`, or a pair as `[CLS] A [SEP] B [SEP]`.
    ///
    /// - Parameters:
    ///   - text: the first segment (type id 0, with `[CLS]` and its `[SEP]`).
    ///   - pair: an optional second segment (type id 1, with the final `[SEP]`). An empty string is a
    ///     second segment with no pieces: `[CLS] A [SEP] [SEP]`.
    ///   - maxLength: the most tokens to return, special tokens included; `nil` keeps everything.
    ///     Pairs are cut by the `longest_first` rule (``Truncation``). As in Hugging Face, a
    ///     `maxLength` smaller than the special tokens alone (2, or 3 for a pair) truncates nothing.
    /// - Returns: ids, tokens, type ids and how many pieces were cut.
    public func encode(_ text: String, pair: String? = nil, maxLength: Int? = nil) -> Encoding {
        var first = pieceIds(text)
        var second = pair.map(pieceIds)
        let specialCount = second == nil ? 2 : 3
        let fullCount = first.count + (second?.count ?? 0)
        if let maxLength, maxLength >= specialCount {
            let budget = maxLength - specialCount
            if let pairIds = second {
                let keep = Truncation.kept(first: first.count, second: pairIds.count, budget: budget)
                first.removeSubrange(keep.first...)
                second = Array(pairIds.prefix(keep.second))
            } else {
                first.removeSubrange(Truncation.kept(first.count, budget: budget)...)
            }
        }
        var ids = [clsId] + first + [sepId]
        var typeIds = [Int](repeating: 0, count: ids.count)
        if let second {
            ids += second + [sepId]
            typeIds += [Int](repeating: 1, count: second.count + 1)
        }
        let truncatedCount = fullCount - (ids.count - specialCount)
        return Encoding(ids: ids, tokens: ids.map(tokenString), typeIds: typeIds, truncatedCount: truncatedCount)
    }

    private func tokenString(_ id: Int) -> String {
        vocabulary.token(of: id) ?? options.unknownToken
    }
}
