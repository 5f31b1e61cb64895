/// Dropout (Srivastava et al. 2014): at inference it is the identity; in training each element
/// is zeroed with probability `p` and the rest scaled by 1/(1−p), from a seeded generator.
public struct Dropout: Sendable {
    /// The probability of zeroing an element, in `[0, 1)`.
    public var probability: Float

    public init(probability: Float) {
        precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    /// At inference: `x` unchanged.
    public func callAsFunction(_ x: Tensor) -> Tensor { x }

    /// In training: zeroes elements with probability `p`, scales the rest by 1/(1−p), and returns
    /// the mask used (`0` or `1/(1−p)` per element) so a backward pass can reuse it.
    public func training(_ x: Tensor, generator: inout SeededGenerator) -> (output: Tensor, mask: Tensor) {
        guard probability > 0 else { return (x, Tensor(repeating: 1, shape: x.shape)) }
        let keep = 1 / (1 - probability)
        let p = probability
        let mask = Tensor(shape: x.shape) { m in
            for i in 0..<m.count { m[i] = generator.nextUniform() < p ? 0 : keep }
        }
        var y = x
        y.withUnsafeMutableBufferPointer { o in
            mask.withUnsafeBufferPointer { m in for i in 0..<o.count { o[i] *= m[i] } }
        }
        return (y, mask)
    }
}
