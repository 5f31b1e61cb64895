// Shapes: N rows (leading dimensions flattened), D normalised width.

/// What `LayerNorm.backward` needs from the forward pass.
public struct LayerNormCache: Sendable {
    /// `[..., D]`: `x̂ = (x − mean) · rstd`, the normalised input before γ and β.
    public var normalized: Tensor
    /// `[N]`: `rstd = 1 / √(var + ε)` of each row.
    public var reciprocalStd: Tensor
}

extension LayerNorm {
    /// The forward pass, `y = x̂ · γ + β` with `x̂ = (x − mean) / √(var + ε)`, keeping `x̂` and
    /// `1/√(var + ε)` per row for `backward` (as llm.c keeps mean and rstd).
    /// - Parameter x: `[..., D]`. Returns `[..., D]`.
    public func forwardForTraining(_ x: Tensor) -> (output: Tensor, cache: LayerNormCache) {
        precondition(x.shape.last == dimension, "LayerNorm expects [..., \(dimension)], got \(x.shape)")
        let d = dimension
        let rows = x.count / d
        var normalized = x
        var rstd = Tensor.zeros([rows])
        normalized.withUnsafeMutableBufferPointer { xh in
            rstd.withUnsafeMutableBufferPointer { rs in
                for r in 0..<rows {
                    let row = xh.baseAddress! + r * d
                    var sum: Float = 0
                    for j in 0..<d { sum += row[j] }
                    let mean = sum / Float(d)
                    var sq: Float = 0
                    for j in 0..<d {
                        let c = row[j] - mean
                        sq += c * c
                    }
                    let inv = 1 / (sq / Float(d) + epsilon).squareRoot()
                    for j in 0..<d { row[j] = (row[j] - mean) * inv }
                    rs[r] = inv
                }
            }
        }
        let output = Tensor(shape: x.shape) { y in
            normalized.withUnsafeBufferPointer { xh in
                weight.withUnsafeBufferPointer { g in
                    bias.withUnsafeBufferPointer { b in
                        for r in 0..<rows {
                            for j in 0..<d { y[r * d + j] = xh[r * d + j] * g[j] + b[j] }
                        }
                    }
                }
            }
        }
        return (output, LayerNormCache(normalized: normalized, reciprocalStd: rstd))
    }

    /// The backward pass of layer norm, per row (with `g = dY · γ`, means over the D columns):
    ///
    ///     dX = rstd · (g − mean(g) − x̂ · mean(g · x̂))
    ///     dγ += Σ_rows dY · x̂
    ///     dβ += Σ_rows dY
    ///
    /// - Parameters:
    ///   - dOutput: `[..., D]`.
    ///   - prefix: the norm's name; gradients go to `prefix.weight` and `prefix.bias`.
    /// - Returns: `[..., D]`, the gradient with respect to the input.
    public func backward(_ dOutput: Tensor, cache: LayerNormCache, gradients: inout Gradients, prefix: String) -> Tensor
    {
        let d = dimension
        precondition(
            dOutput.shape == cache.normalized.shape,
            "LayerNorm.backward: dOutput \(dOutput.shape) does not fit \(cache.normalized.shape)")
        let rows = dOutput.count / d
        var dWeight = [Float](repeating: 0, count: d)
        var dBias = [Float](repeating: 0, count: d)
        let dx = Tensor(shape: dOutput.shape) { dx in
            dOutput.withUnsafeBufferPointer { dy in
                cache.normalized.withUnsafeBufferPointer { xh in
                    cache.reciprocalStd.withUnsafeBufferPointer { rs in
                        weight.withUnsafeBufferPointer { gamma in
                            for r in 0..<rows {
                                let o = r * d
                                var meanG: Float = 0
                                var meanGX: Float = 0
                                for j in 0..<d {
                                    let g = dy[o + j] * gamma[j]
                                    meanG += g
                                    meanGX += g * xh[o + j]
                                    dWeight[j] += dy[o + j] * xh[o + j]
                                    dBias[j] += dy[o + j]
                                }
                                meanG /= Float(d)
                                meanGX /= Float(d)
                                for j in 0..<d {
                                    let g = dy[o + j] * gamma[j]
                                    dx[o + j] = rs[r] * (g - meanG - xh[o + j] * meanGX)
                                }
                            }
                        }
                    }
                }
            }
        }
        gradients.accumulate(joinName(prefix, "weight"), Tensor(dWeight, shape: [d]))
        gradients.accumulate(joinName(prefix, "bias"), Tensor(dBias, shape: [d]))
        return dx
    }
}
