/// How a ``BertTokenizer`` normalises text, with Hugging Face's defaults for BERT.
///
/// The fields mirror `tokenizer_config.json` (`do_lower_case`, `strip_accents`,
/// `tokenize_chinese_chars`, the `*_token` names) and WordPiece's `max_input_chars_per_word`.
public struct TokenizerOptions: Sendable, Equatable {
    /// Lower-case the text, code point by code point (`do_lower_case`, default `true`).
    public var doLowerCase: Bool
    /// Strip accents: decompose (NFD) and drop nonspacing marks (`strip_accents`).
    /// `nil` (the default) follows ``doLowerCase``, as in the original BERT.
    public var stripAccents: Bool?
    /// Put spaces around CJK ideographs so each becomes a word (`tokenize_chinese_chars`, default `true`).
    public var tokenizeChineseChars: Bool
    /// A word with more code points than this becomes the unknown token (default 100).
    public var maxInputCharsPerWord: Int
    /// The unknown token (default `[UNK]`); must be in the vocabulary.
    public var unknownToken: String
    /// The classifier token that starts every encoding (default `[CLS]`); must be in the vocabulary.
    public var clsToken: String
    /// The separator token that ends each segment (default `[SEP]`); must be in the vocabulary.
    public var sepToken: String
    /// The padding token (default `[PAD]`); must be in the vocabulary.
    public var padToken: String
    /// The mask token (default `[MASK]`); optional in the vocabulary.
    public var maskToken: String

    public init(
        doLowerCase: Bool = true,
        stripAccents: Bool? = nil,
        tokenizeChineseChars: Bool = true,
        maxInputCharsPerWord: Int = 100,
        unknownToken: String = "[UNK]",
        clsToken: String = "[CLS]",
        sepToken: String = "[SEP]",
        padToken: String = "[PAD]",
        maskToken: String = "[MASK]"
    ) {
        self.doLowerCase = doLowerCase
        self.stripAccents = stripAccents
        self.tokenizeChineseChars = tokenizeChineseChars
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.unknownToken = unknownToken
        self.clsToken = clsToken
        self.sepToken = sepToken
        self.padToken = padToken
        self.maskToken = maskToken
    }

    /// Whether accents are stripped once `nil` is resolved: `stripAccents ?? doLowerCase`.
    public var stripsAccents: Bool { stripAccents ?? doLowerCase }

    /// The special tokens that are matched verbatim in the input text, before any cleaning.
    var specialTokens: [String] { [unknownToken, clsToken, sepToken, padToken, maskToken] }
}
