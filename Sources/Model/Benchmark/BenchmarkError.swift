/// Errors setting up a benchmark run, each naming the file or value at fault.
public enum BenchmarkError: Error, Equatable, CustomStringConvertible {
    /// An input file that is absent or unreadable.
    case missingFile(String)
    /// An input file whose contents cannot be used (wrong format, ids outside the vocabulary, …).
    case invalidInputs(file: String, reason: String)
    /// A setting that makes no sense (`runs` below 1).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .missingFile(path): return "cannot read \(path)"
        case let .invalidInputs(file, reason): return "\(file): \(reason)"
        case let .invalidArgument(message): return message
        }
    }
}
