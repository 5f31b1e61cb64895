/// What went wrong while building a ``BertTokenizer``.
///
/// Each case names the file, key or token at fault, so the message alone says what to fix.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The vocabulary has no tokens at all.
    case emptyVocabulary
    /// A token the tokenizer cannot work without (`[CLS]`, `[SEP]`, `[UNK]`, `[PAD]`) is not in the vocabulary.
    case missingSpecialToken(String)
    /// A file could not be read (missing, a directory, no permission).
    case unreadableFile(path: String, reason: String)
    /// A file's bytes are not valid UTF-8.
    case notUTF8(path: String)
    /// `tokenizer_config.json` is not valid JSON or a key has the wrong type.
    case invalidConfiguration(path: String, reason: String)

    public var description: String {
        switch self {
        case .emptyVocabulary:
            return "the vocabulary is empty"
        case .missingSpecialToken(let token):
            return "the special token \(token) is not in the vocabulary"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .notUTF8(let path):
            return "\(path) is not valid UTF-8"
        case .invalidConfiguration(let path, let reason):
            return "invalid tokenizer configuration \(path): \(reason)"
        }
    }
}
