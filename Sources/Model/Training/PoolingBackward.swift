import Layers

// Shapes: B batch, T tokens, D width.

/// What `PoolingStrategy.backward` needs from the forward pass.
public struct PoolingCache: Sendable {
    public var strategy: PoolingStrategy
    /// `[B, T, D]`, the shape of the pooled token vectors.
    public var shape: [Int]
    /// `[B][T]`: 1 for a real token, 0 for padding.
    public var attentionMask: [[Int]]
    /// For max pooling, `[B·D]`: the token each output element came from (−1 when none).
    public var argmax: [Int]
}

extension PoolingStrategy {
    /// Pools a padded batch `[B, T, D]` into `[B, D]` for training, as sentence-transformers'
    /// `Pooling` does with an `attention_mask` (`m` below, 1 for real tokens):
    ///
    ///     mean:          Σₜ mₜ hₜ / max(Σₜ mₜ, 1e-9)
    ///     meanSqrtLength: Σₜ mₜ hₜ / √(max(Σₜ mₜ, 1e-9))
    ///     cls:           h₀
    ///     max:           maxₜ of hₜ where mₜ = 1 (−1e9 when no token is real)
    ///
    /// - Parameters:
    ///   - hidden: `[B, T, D]`.
    ///   - attentionMask: `[B][T]`, or `nil` when every token is real.
    /// - Throws: `TrainingError.shapeMismatch` when the mask does not have the shape `[B][T]`.
    public func forwardForTraining(_ hidden: Tensor, attentionMask: [[Int]]? = nil) throws(TrainingError) -> (
        output: Tensor, cache: PoolingCache
    ) {
        guard hidden.rank == 3 else {
            throw .shapeMismatch(what: "pooling input", expected: [-1, -1, -1], found: hidden.shape)
        }
        let (b, t, d) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
        let mask = attentionMask ?? Array(repeating: Array(repeating: 1, count: t), count: b)
        guard mask.count == b, mask.allSatisfy({ $0.count == t }) else {
            throw .shapeMismatch(
                what: "attention mask", expected: [b, t], found: [mask.count, mask.first?.count ?? 0])
        }
        var argmax = [Int](repeating: -1, count: self == .max ? b * d : 0)
        let output = Tensor(shape: [b, d]) { out in
            hidden.withUnsafeBufferPointer { h in
                for bi in 0..<b {
                    let o = out.baseAddress! + bi * d
                    switch self {
                    case .cls:
                        o.update(from: h.baseAddress! + bi * t * d, count: d)
                    case .mean, .meanSqrtLength:
                        for ti in 0..<t where mask[bi][ti] != 0 {
                            let row = h.baseAddress! + (bi * t + ti) * d
                            for j in 0..<d { o[j] += Float(mask[bi][ti]) * row[j] }
                        }
                        let count = Swift.max(Float(mask[bi].reduce(0, +)), 1e-9)
                        let divisor = self == .mean ? count : count.squareRoot()
                        for j in 0..<d { o[j] /= divisor }
                    case .max:
                        for j in 0..<d {
                            var best: Float = -1e9
                            for ti in 0..<t where mask[bi][ti] != 0 {
                                let v = h[(bi * t + ti) * d + j]
                                if argmax[bi * d + j] < 0 || v > best {
                                    best = v
                                    argmax[bi * d + j] = ti
                                }
                            }
                            o[j] = best
                        }
                    }
                }
            }
        }
        return (output, PoolingCache(strategy: self, shape: hidden.shape, attentionMask: mask, argmax: argmax))
    }

    /// The backward pass of pooling: `[B, D] -> [B, T, D]`.
    ///
    ///     mean:  dhₜ = mₜ dy / max(Σ m, 1e-9)      (√ of it for meanSqrtLength)
    ///     cls:   dh₀ = dy
    ///     max:   dh at the chosen token = dy, 0 elsewhere
    public func backward(_ dOutput: Tensor, cache: PoolingCache) -> Tensor {
        let (b, t, d) = (cache.shape[0], cache.shape[1], cache.shape[2])
        precondition(dOutput.shape == [b, d], "Pooling backward: dOutput \(dOutput.shape) does not fit [\(b), \(d)]")
        return Tensor(shape: cache.shape) { dh in
            dOutput.withUnsafeBufferPointer { dy in
                for bi in 0..<b {
                    let g = dy.baseAddress! + bi * d
                    switch cache.strategy {
                    case .cls:
                        (dh.baseAddress! + bi * t * d).update(from: g, count: d)
                    case .mean, .meanSqrtLength:
                        let count = Swift.max(Float(cache.attentionMask[bi].reduce(0, +)), 1e-9)
                        let divisor = cache.strategy == .mean ? count : count.squareRoot()
                        for ti in 0..<t where cache.attentionMask[bi][ti] != 0 {
                            let m = Float(cache.attentionMask[bi][ti])
                            for j in 0..<d { dh[(bi * t + ti) * d + j] = m * g[j] / divisor }
                        }
                    case .max:
                        for j in 0..<d where cache.argmax[bi * d + j] >= 0 {
                            dh[(bi * t + cache.argmax[bi * d + j]) * d + j] = g[j]
                        }
                    }
                }
            }
        }
    }
}
