/// The backward pass of `softmax(_:)` over the last dimension, from its output `y`:
///
///     dXᵢ = yᵢ · (dYᵢ − Σⱼ dYⱼ yⱼ)
///
/// (the Jacobian `diag(y) − y yᵀ` applied to `dY`, row by row).
/// - Parameters:
///   - dOutput: `[..., n]`, the gradient with respect to the softmax output.
///   - output: `[..., n]`, the softmax output of the forward pass.
/// - Returns: `[..., n]`, the gradient with respect to the softmax input.
public func softmaxBackward(_ dOutput: Tensor, output: Tensor) -> Tensor {
    precondition(
        dOutput.shape == output.shape, "softmaxBackward: dOutput \(dOutput.shape) does not fit output \(output.shape)")
    guard let n = output.shape.last, n > 0 else { return dOutput }
    var dx = dOutput
    dx.withUnsafeMutableBufferPointer { g in
        output.withUnsafeBufferPointer { y in
            for r in 0..<(g.count / n) {
                softmaxBackwardRow(g.baseAddress! + r * n, output: y.baseAddress! + r * n, count: n)
            }
        }
    }
    return dx
}

/// One row of `softmaxBackward` in place: `dy` becomes `y · (dy − Σ dy·y)`.
@inlinable
public func softmaxBackwardRow(_ dy: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count n: Int) {
    var dot: Float = 0
    for j in 0..<n { dot += dy[j] * y[j] }
    for j in 0..<n { dy[j] = y[j] * (dy[j] - dot) }
}
