/// Vectorised loops over rows of floats: the elementwise work of an encoder block.

/// Applies `f` to 16 lanes at a time over `count` floats in place.
@inlinable @inline(__always)
func simdMap(_ x: UnsafeMutablePointer<Float>, count: Int, _ f: (Float16x) -> Float16x) {
    var i = 0
    while i < count {
        let n = min(16, count - i)
        simdStore(f(simdLoad(x + i, count: n)), x + i, count: n)
        i += 16
    }
}

/// GELU (exact, erf) in place: `x · ½(1 + erf(x/√2))`.
@inlinable
public func geluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    simdMap(x, count: count) { v in v * 0.5 * (1 + simdErf(v * 0.707_106_781_186_547_6)) }
}

/// GELU (tanh approximation) in place: `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
@inlinable
public func geluTanhInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    simdMap(x, count: count) { v in
        let inner = (v + v * v * v * 0.044715) * 0.797_884_560_802_865_4
        return v * 0.5 * (1 + simdTanh(inner))
    }
}

/// ReLU in place; NaN stays NaN, as in PyTorch.
@inlinable
public func reluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    simdMap(x, count: count) { v in v.replacing(with: 0, where: v .< 0) }
}

/// `x += y` over `count` floats.
@inlinable
public func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
    var i = 0
    while i + 16 <= count {
        let s =
            UnsafeRawPointer(x + i).loadUnaligned(as: Float16x.self)
            + UnsafeRawPointer(y + i).loadUnaligned(as: Float16x.self)
        UnsafeMutableRawPointer(x + i).storeBytes(of: s, as: Float16x.self)
        i += 16
    }
    while i < count {
        x[i] += y[i]
        i += 1
    }
}

/// The sum of `count` floats (16 partial sums, then one horizontal sum).
@inlinable @inline(__always)
func simdSum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = Float16x()
    var i = 0
    while i < count {
        acc += simdLoad(x + i, count: min(16, count - i))
        i += 16
    }
    return acc.sum()
}

/// Softmax of one row in place, stable: `exp(xᵢ − max) / Σ exp(xⱼ − max)`.
/// A row of −∞ (or NaN maximum) gives uniform weights instead of NaN.
@inlinable
public func softmaxRow(_ x: UnsafeMutablePointer<Float>, count n: Int) {
    guard n > 0 else { return }
    var m16 = Float16x(repeating: -.infinity)
    var i = 0
    while i < n {
        let v = simdLoad(x + i, count: min(16, n - i), fill: -.infinity)
        m16 = m16.replacing(with: v, where: v .> m16)
        i += 16
    }
    let m = m16.max()
    if !m.isFinite {
        let u = 1 / Float(n)
        for j in 0..<n { x[j] = u }
        return
    }
    var sum16 = Float16x()
    i = 0
    while i < n {
        let c = min(16, n - i)
        // Padding lanes load −∞ and give exp = 0, so they add nothing to the sum.
        let e = simdExp(simdLoad(x + i, count: c, fill: -.infinity) - m)
        sum16 += e
        simdStore(e, x + i, count: c)
        i += 16
    }
    let inv = 1 / sum16.sum()
    simdMap(x, count: n) { $0 * inv }
}

/// Layer norm of one row in place: two passes (mean, then variance of the deviations), then
/// `(x − mean) / √(var + ε) · γ + β`.
@inlinable
public func layerNormRow(
    _ x: UnsafeMutablePointer<Float>, count d: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
    epsilon: Float
) {
    let mean = simdSum(x, count: d) / Float(d)
    var sq16 = Float16x()
    var i = 0
    while i + 16 <= d {
        let dev = UnsafeRawPointer(x + i).loadUnaligned(as: Float16x.self) - mean
        sq16 += dev * dev
        i += 16
    }
    var sq = sq16.sum()
    while i < d {
        sq += (x[i] - mean) * (x[i] - mean)
        i += 1
    }
    let inv = 1 / (sq / Float(d) + epsilon).squareRoot()
    i = 0
    while i < d {
        let c = min(16, d - i)
        let y = (simdLoad(x + i, count: c) - mean) * inv * simdLoad(gamma + i, count: c) + simdLoad(beta + i, count: c)
        simdStore(y, x + i, count: c)
        i += 16
    }
}
