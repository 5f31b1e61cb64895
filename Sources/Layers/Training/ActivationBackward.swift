import Foundation

/// What `Activation.backward` needs from the forward pass.
public struct ActivationCache: Sendable {
    /// The activation's input.
    public var input: Tensor

    public init(input: Tensor) { self.input = input }
}

extension Activation {
    /// The forward pass, keeping the input for `backward`.
    public func forwardForTraining(_ x: Tensor) -> (output: Tensor, cache: ActivationCache) {
        (self(x), ActivationCache(input: x))
    }

    /// The derivative of the activation at `x`:
    /// - gelu: `Φ(x) + x·φ(x)`, with `Φ(x) = ½(1 + erf(x/√2))` and `φ(x) = e^(−x²/2)/√(2π)`;
    /// - geluTanh: with `u = √(2/π)(x + 0.044715x³)`, `½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)`;
    /// - relu: 1 for `x > 0`, else 0 (PyTorch's choice at 0).
    @inlinable
    public func derivative(_ x: Float) -> Float {
        switch self {
        case .gelu:
            let cdf = 0.5 * (1 + erf(x * 0.707_106_781_186_547_6))
            let pdf = 0.398_942_280_401_432_7 * exp(-0.5 * x * x)
            return cdf + x * pdf
        case .geluTanh:
            let k: Float = 0.797_884_560_802_865_4
            let t = tanh(k * (x + 0.044715 * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
        case .relu:
            return x > 0 ? 1 : 0
        }
    }

    /// The backward pass, `dX = dY · f′(X)` elementwise. The activation has no parameters.
    public func backward(_ dOutput: Tensor, cache: ActivationCache) -> Tensor {
        precondition(
            dOutput.shape == cache.input.shape,
            "Activation.backward: dOutput \(dOutput.shape) does not fit input \(cache.input.shape)")
        var dx = dOutput
        dx.withUnsafeMutableBufferPointer { g in
            cache.input.withUnsafeBufferPointer { x in
                backward(inPlace: g.baseAddress!, input: x.baseAddress!, count: g.count)
            }
        }
        return dx
    }

    /// `dy[i] *= f′(x[i])` over `count` values, in place.
    public func backward(inPlace dy: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { dy[i] *= derivative(x[i]) }
    }
}

extension Dropout {
    /// The backward pass of dropout with the mask `training(_:generator:)` returned:
    /// `dX = dY · mask` (the mask holds 0 or 1/(1−p)).
    public func backward(_ dOutput: Tensor, mask: Tensor) -> Tensor {
        precondition(
            dOutput.shape == mask.shape, "Dropout.backward: dOutput \(dOutput.shape) does not fit mask \(mask.shape)")
        var dx = dOutput
        dx.withUnsafeMutableBufferPointer { g in
            mask.withUnsafeBufferPointer { m in for i in 0..<g.count { g[i] *= m[i] } }
        }
        return dx
    }
}
