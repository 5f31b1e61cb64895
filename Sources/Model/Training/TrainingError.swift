/// Errors from losses and optimizers, each naming the value at fault.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// Two inputs that must agree in shape do not.
    case shapeMismatch(what: String, expected: [Int], found: [Int])
    /// A class target outside `0..<classes` (and not the ignore index).
    case invalidTarget(index: Int, target: Int, classes: Int)
    /// Saved optimizer state that lacks a tensor or does not fit the parameters.
    case invalidState(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(what, expected, found):
            return "\(what) has shape \(found), expected \(expected)"
        case let .invalidTarget(index, target, classes):
            return "target \(index) is \(target), outside 0..<\(classes) and not the ignore index"
        case let .invalidState(message):
            return "invalid optimizer state: \(message)"
        }
    }
}
