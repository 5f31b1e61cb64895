// Shapes: N rows (all leading dimensions of the input flattened, B·T for [B, T, in]),
// in = input width, out = output width.

/// What `Linear.backward` needs from the forward pass.
public struct LinearCache: Sendable {
    /// `[..., in]`: the layer's input.
    public var input: Tensor

    public init(input: Tensor) { self.input = input }
}

extension Linear {
    /// The forward pass, `y = x Wᵀ + b`, keeping the input for `backward`.
    /// - Parameter x: `[..., in]`. Returns `[..., out]`.
    public func forwardForTraining(_ x: Tensor) -> (output: Tensor, cache: LinearCache) {
        (self(x), LinearCache(input: x))
    }

    /// The backward pass of `y = x Wᵀ + b`:
    ///
    ///     dX = dY W          // [N, out] x [out, in] -> [N, in]
    ///     dW += dYᵀ X        // [N, out]^T x [N, in] -> [out, in]
    ///     db += Σ_rows dY    // [out]
    ///
    /// - Parameters:
    ///   - dOutput: `[..., out]`, the gradient of the loss with respect to `y`.
    ///   - prefix: the layer's name; gradients go to `prefix.weight` and `prefix.bias`.
    /// - Returns: `[..., in]`, the gradient with respect to `x`.
    public func backward(_ dOutput: Tensor, cache: LinearCache, gradients: inout Gradients, prefix: String) -> Tensor {
        let x = cache.input
        let (n, k) = (outFeatures, inFeatures)
        precondition(
            dOutput.shape == Array(x.shape.dropLast()) + [n],
            "Linear.backward: dOutput \(dOutput.shape) does not fit input \(x.shape) -> out \(n)")
        let rows = x.count / k
        return Tensor(shape: x.shape) { dx in
            dOutput.withUnsafeBufferPointer { dy in
                x.withUnsafeBufferPointer { px in
                    backward(
                        dy.baseAddress!, input: px.baseAddress!, rows: rows, dInput: dx.baseAddress!,
                        gradients: &gradients, prefix: prefix)
                }
            }
        }
    }

    /// The backward pass on raw buffers: writes `dX` `[rows, in]` (or adds into it with
    /// `accumulateInput`) from `dY` `[rows, out]` and `X` `[rows, in]`; accumulates dW and db.
    public func backward(
        _ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, rows: Int, dInput dx: UnsafeMutablePointer<Float>?,
        accumulateInput: Bool = false, gradients: inout Gradients, prefix: String
    ) {
        let (n, k) = (outFeatures, inFeatures)
        if let dx {
            weight.withUnsafeBufferPointer { w in
                // dX[rows, in] (+)= dY[rows, out] x W[out, in]
                sgemm(
                    transposeA: false, transposeB: false, m: rows, n: k, k: n,
                    a: dy, lda: n, b: w.baseAddress!, ldb: k, beta: accumulateInput ? 1 : 0, c: dx, ldc: k)
            }
        }
        gradients.accumulate(into: joinName(prefix, "weight"), shape: [n, k]) { dw in
            // dW[out, in] += dY[rows, out]^T x X[rows, in]
            sgemm(
                transposeA: true, transposeB: false, m: n, n: k, k: rows,
                a: dy, lda: n, b: x, ldb: k, beta: 1, c: dw, ldc: k)
        }
        if bias != nil {
            gradients.accumulate(into: joinName(prefix, "bias"), shape: [n]) { db in
                // db[out] += Σ_rows dY[rows, out]
                for r in 0..<rows {
                    let row = dy + r * n
                    for j in 0..<n { db[j] += row[j] }
                }
            }
        }
    }
}
