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
