/// The model input for one text or one pair of texts: `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`.
///
/// `ids`, `tokens` and `typeIds` have the same length `T`. Padding is not applied here: a batch
/// pads its rows with ``BertTokenizer/padId`` and an attention mask of 0.
public struct Encoding: Sendable, Equatable {
    /// Vocabulary ids, `[T]`.
    public var ids: [Int]
    /// The vocabulary entry of each id, `[T]` (`"##"` marks a word continuation).
    public var tokens: [String]
    /// Segment of each token, `[T]`: 0 for `[CLS]`, the first text and its `[SEP]`; 1 for the second
    /// text and the final `[SEP]`.
    public var typeIds: [Int]
    /// How many word pieces truncation removed (0 when nothing was cut).
    public var truncatedCount: Int

    public init(ids: [Int], tokens: [String], typeIds: [Int], truncatedCount: Int) {
        self.ids = ids
        self.tokens = tokens
        self.typeIds = typeIds
        self.truncatedCount = truncatedCount
    }

    /// Number of tokens `T`, special tokens included.
    public var count: Int { ids.count }

    /// The attention mask for this encoding alone: 1 for every token, `[T]`.
    public var attentionMask: [Int] { Array(repeating: 1, count: ids.count) }
}
