/// Errors loading, saving or running a model, each naming the file or value at fault.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// A file the model needs is absent or unreadable.
    case missingFile(String)
    /// A configuration file that cannot be used.
    case invalidConfig(file: String, reason: String)
    /// Weights that do not fit the configuration.
    case invalidWeights(file: String, reason: String)
    /// An input the model cannot take.
    case invalidInput(String)
    /// A text longer than the model's limit when truncation is off.
    case textTooLong(index: Int, tokens: Int, limit: Int)

    public var description: String {
        switch self {
        case let .missingFile(path): return "cannot read \(path)"
        case let .invalidConfig(file, reason): return "\(file): \(reason)"
        case let .invalidWeights(file, reason): return "\(file): \(reason)"
        case let .invalidInput(message): return message
        case let .textTooLong(index, tokens, limit):
            return "text \(index + 1) has \(tokens) tokens, more than the model's limit of \(limit)"
        }
    }
}
