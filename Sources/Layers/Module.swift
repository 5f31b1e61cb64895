/// Errors raised when a layer is built from, or given, parameters that do not fit.
public enum LayerError: Error, Equatable, CustomStringConvertible {
    /// A parameter has the wrong shape.
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])
    /// A parameter the layer needs is absent.
    case missingParameter(String)
    /// Parameters that no layer uses (with strict loading).
    case unexpectedParameters([String])
    /// A configuration value that makes no sense (0 heads, a width not divisible by the heads…).
    case invalidConfiguration(String)
    /// An input of the wrong shape or content.
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(tensor, expected, found):
            return "tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .missingParameter(name):
            return "missing parameter '\(name)'"
        case let .unexpectedParameters(names):
            return
                "unexpected parameters: \(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", … (\(names.count) in all)" : "")"
        case let .invalidConfiguration(message):
            return "invalid configuration: \(message)"
        case let .invalidInput(message):
            return "invalid input: \(message)"
        }
    }
}

/// A layer with named parameters, like a PyTorch `nn.Module`'s `state_dict`.
///
/// Names follow Hugging Face BERT (`attention.self.query.weight`, `output.LayerNorm.bias`, …),
/// joined with dots from the parent's prefix.
public protocol ParameterVisitable {
    /// Calls `body` with the full name and the value of every parameter, in a fixed order.
    /// `body` may change the value; the layer keeps the change.
    mutating func visitParameters(
        prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows
}

extension ParameterVisitable {
    /// Every parameter by its full name.
    public func namedParameters(prefix: String = "") -> [(name: String, value: Tensor)] {
        var copy = self
        var out: [(String, Tensor)] = []
        copy.visitParameters(prefix: prefix) { name, value in out.append((name, value)) }
        return out
    }

    /// Every parameter by its full name, as a dictionary.
    public func parameters(prefix: String = "") -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedParameters(prefix: prefix).map { ($0.name, $0.value) })
    }

    /// The total number of scalar parameters.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.value.count } }

    /// Replaces parameters by name. Every parameter of the layer must be present with its
    /// current shape; with `strict`, names the layer does not have are an error too.
    public mutating func load(_ tensors: [String: Tensor], prefix: String = "", strict: Bool = true) throws {
        var used = Set<String>()
        try visitParameters(prefix: prefix) { name, value in
            guard let new = tensors[name] else { throw LayerError.missingParameter(name) }
            guard new.shape == value.shape else {
                throw LayerError.shapeMismatch(tensor: name, expected: value.shape, found: new.shape)
            }
            value = new
            used.insert(name)
        }
        if strict {
            let extra = tensors.keys.filter { !used.contains($0) }.sorted()
            if !extra.isEmpty { throw LayerError.unexpectedParameters(extra) }
        }
    }
}

/// Joins a prefix and a name with a dot (`"" + "weight"` is `"weight"`).
@inlinable
public func joinName(_ prefix: String, _ name: String) -> String {
    prefix.isEmpty ? name : prefix + "." + name
}
