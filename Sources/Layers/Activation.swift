import Foundation

/// The nonlinearity between the two linear layers of a feed-forward block.
public enum Activation: String, Sendable, CaseIterable {
    /// GELU with the exact Gaussian CDF: `x · ½(1 + erf(x/√2))` (`nn.GELU()`, BERT's `"gelu"`).
    case gelu
    /// GELU with the tanh approximation: `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`
    /// (`nn.GELU(approximate="tanh")`, Hugging Face's `"gelu_new"`/`"gelu_pytorch_tanh"`).
    case geluTanh
    /// `max(0, x)`.
    case relu

    /// The activation named as in a Hugging Face config's `hidden_act` or PyTorch's `activation`.
    public init?(huggingFaceName name: String) {
        switch name.lowercased() {
        case "gelu", "gelu_python": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_tanh": self = .geluTanh
        case "relu": self = .relu
        default: return nil
        }
    }

    /// The name a Hugging Face config uses for it.
    public var huggingFaceName: String {
        switch self {
        case .gelu: return "gelu"
        case .geluTanh: return "gelu_pytorch_tanh"
        case .relu: return "relu"
        }
    }

    /// The activation of one value.
    @inlinable
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .gelu: return 0.5 * x * (1 + erf(x * 0.707_106_781_186_547_6))
        case .geluTanh:
            let inner: Float = 0.797_884_560_802_865_4 * (x + 0.044715 * x * x * x)
            return 0.5 * x * (1 + tanh(inner))
        case .relu: return x < 0 ? 0 : x
        }
    }

    /// Applies the activation to every element.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        y.withUnsafeMutableBufferPointer { p in apply(inPlace: p.baseAddress!, count: p.count) }
        return y
    }

    /// Applies the activation to `count` values in place.
    public func apply(inPlace x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .gelu: geluInPlace(x, count: count)
        case .geluTanh: geluTanhInPlace(x, count: count)
        case .relu: reluInPlace(x, count: count)
        }
    }
}
