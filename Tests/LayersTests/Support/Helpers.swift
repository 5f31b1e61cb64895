import Layers

/// Random test data from a seeded generator: standard normal values scaled by `std`.
func randomTensor(_ shape: [Int], std: Float = 1, seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return .normal(shape, std: std, generator: &generator)
}

/// The rows of real tokens of a padded batch `[B, T, D]`, back to back: `[ΣLᵢ, D]`.
func realRows(_ x: Tensor, lengths: [Int]) -> Tensor {
    let (t, d) = (x.shape[1], x.shape[2])
    let scalars = x.scalars
    var out: [Float] = []
    for (b, n) in lengths.enumerated() { out += scalars[(b * t * d)..<((b * t + n) * d)] }
    return Tensor(out, shape: [lengths.reduce(0, +), d])
}

/// `x` `[B, T, D]` with every padded row (position ≥ `lengths[b]`) replaced by values from `seed`.
func replacingPadding(_ x: Tensor, lengths: [Int], seed: UInt64) -> Tensor {
    let (t, d) = (x.shape[1], x.shape[2])
    let noise = randomTensor(x.shape, std: 10, seed: seed).scalars
    var scalars = x.scalars
    for (b, n) in lengths.enumerated() {
        for i in ((b * t + n) * d)..<((b + 1) * t * d) { scalars[i] = noise[i] }
    }
    return Tensor(scalars, shape: x.shape)
}

/// The PyTorch `key_padding_mask` of `lengths` over `length` positions: `true` marks padding.
func keyPaddingMask(lengths: [Int], length: Int) -> [[Bool]] {
    lengths.map { n in (0..<length).map { $0 >= n } }
}

/// The mean over dimension 1 of a `[B, H, Tq, Tk]` tensor: `[B, Tq, Tk]` (PyTorch's `average_attn_weights`).
func meanOverHeads(_ x: Tensor) -> Tensor {
    let (b, h, tq, tk) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let scalars = x.scalars
    return Tensor(shape: [b, tq, tk]) { out in
        for bi in 0..<b {
            for i in 0..<(tq * tk) {
                var sum: Float = 0
                for hi in 0..<h { sum += scalars[(bi * h + hi) * tq * tk + i] }
                out[bi * tq * tk + i] = sum / Float(h)
            }
        }
    }
}

/// `x` `[B, T, D]` with the tokens of every sequence reordered: row `t` of the result is row `order[t]` of `x`.
func permutingTokens(_ x: Tensor, _ order: [Int]) -> Tensor {
    let (b, t, d) = (x.shape[0], x.shape[1], x.shape[2])
    precondition(order.count == t, "a permutation of \(t) tokens")
    let scalars = x.scalars
    return Tensor(shape: x.shape) { out in
        for bi in 0..<b {
            for ti in 0..<t {
                for j in 0..<d {
                    out[(bi * t + ti) * d + j] = scalars[(bi * t + order[ti]) * d + j]
                }
            }
        }
    }
}

/// Runs `body` on a mutable copy of `x`'s elements and returns the result (for the in-place paths).
func inPlace(_ x: Tensor, _ body: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
    var y = x
    y.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    return y
}

/// Whether every element is finite (no NaN, no ±∞).
func allFinite(_ x: Tensor) -> Bool { x.scalars.allSatisfy { $0.isFinite } }
