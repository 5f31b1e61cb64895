import Foundation

/// The gradients of a loss with respect to named parameters, under the names
/// `ParameterVisitable.namedParameters(prefix:)` gives them (Hugging Face BERT names).
///
/// Backward passes *accumulate* (`+=`) into it, so a parameter used twice, or a batch split into
/// several backward calls, sums its contributions, as PyTorch's `.grad` does. A parameter that
/// received no gradient has no entry (PyTorch: `grad is None`), and optimizers skip it.
public struct Gradients: Sendable {
    /// The gradient of each parameter, same shape as the parameter.
    public private(set) var tensors: [String: Tensor] = [:]

    /// No gradients.
    public init() {}

    /// The parameter names that have a gradient, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// The gradient of `name`, if any.
    public subscript(name: String) -> Tensor? { tensors[name] }

    /// `grad[name] += gradient` (the first contribution is stored as is).
    /// - Precondition: a previous contribution has the same shape.
    public mutating func accumulate(_ name: String, _ gradient: Tensor) {
        if tensors[name] == nil {
            tensors[name] = gradient
            return
        }
        precondition(
            tensors[name]!.shape == gradient.shape,
            "gradient of '\(name)' has shape \(gradient.shape), earlier \(tensors[name]!.shape)")
        tensors[name]!.withUnsafeMutableBufferPointer { g in
            gradient.withUnsafeBufferPointer { d in
                for i in 0..<g.count { g[i] += d[i] }
            }
        }
    }

    /// Calls `body` with the gradient buffer of `name` (created as zeros of `shape` if absent)
    /// so a kernel can add into it directly, e.g. an `sgemm` with `beta = 1`.
    /// - Precondition: an existing gradient has this shape.
    public mutating func accumulate<R>(
        into name: String, shape: [Int], _ body: (UnsafeMutablePointer<Float>) throws -> R
    ) rethrows -> R {
        if tensors[name] == nil { tensors[name] = .zeros(shape) }
        precondition(
            tensors[name]!.shape == shape, "gradient of '\(name)' has shape \(tensors[name]!.shape), asked for \(shape)"
        )
        return try tensors[name]!.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    /// Adds every gradient of `other` into this one.
    public mutating func accumulate(_ other: Gradients) {
        for (name, g) in other.tensors { accumulate(name, g) }
    }

    /// Forgets every gradient (PyTorch's `zero_grad(set_to_none=True)`).
    public mutating func removeAll() { tensors.removeAll(keepingCapacity: true) }

    /// The Euclidean norm of all gradients seen as one vector, `√(Σ g²)` (summed in Double).
    public var globalNorm: Float {
        var sum: Double = 0
        for g in tensors.values {
            g.withUnsafeBufferPointer { p in for x in p { sum += Double(x) * Double(x) } }
        }
        return Float(sum.squareRoot())
    }

    /// Multiplies every gradient by `factor` (e.g. `1/accumulationSteps`).
    public mutating func scale(by factor: Float) {
        for name in Array(tensors.keys) {
            tensors[name]!.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] *= factor } }
        }
    }

    /// Clips by global norm, as `torch.nn.utils.clip_grad_norm_(max_norm, norm_type=2)`:
    /// with `n = globalNorm`, every gradient is multiplied by `min(1, maxNorm / (n + 1e-6))`.
    /// - Returns: the global norm before clipping.
    @discardableResult
    public mutating func clip(maxNorm: Float) -> Float {
        precondition(maxNorm > 0, "clip(maxNorm:) needs a positive norm, got \(maxNorm)")
        let norm = globalNorm
        let coefficient = Double(maxNorm) / (Double(norm) + 1e-6)
        if coefficient < 1 { scale(by: Float(coefficient)) }
        return norm
    }
}
