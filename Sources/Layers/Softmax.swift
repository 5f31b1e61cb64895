import Foundation

/// Softmax over the last dimension, numerically stable: `softmax(x)ᵢ = exp(xᵢ − max x) / Σⱼ exp(xⱼ − max x)`.
///
/// A row whose values are all the same very negative number (a fully masked row) gives uniform
/// weights; a row of −∞ also gives uniform weights rather than NaN.
public func softmax(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 1, "softmax needs at least one dimension")
    let n = x.shape.last!
    var y = x
    guard n > 0 else { return y }
    y.withUnsafeMutableBufferPointer { p in
        for r in 0..<(p.count / n) { softmaxRow(p.baseAddress! + r * n, count: n) }
    }
    return y
}

/// Softmax of one row in place (see `softmax(_:)`).
@inlinable
public func softmaxRow(_ x: UnsafeMutablePointer<Float>, count n: Int) {
    var m = -Float.infinity
    for j in 0..<n where x[j] > m { m = x[j] }
    if !m.isFinite {
        // All −∞ (or NaN): nothing to prefer, give every position the same weight.
        let u = 1 / Float(n)
        for j in 0..<n { x[j] = u }
        return
    }
    var sum: Float = 0
    for j in 0..<n {
        let e = expf(x[j] - m)
        x[j] = e
        sum += e
    }
    let inv = 1 / sum
    for j in 0..<n { x[j] *= inv }
}
