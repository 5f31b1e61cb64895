import Foundation

/// A small, fast, seeded generator (xoshiro256**, seeded through SplitMix64), so that a model
/// built from scratch, dropout and test data are the same on every run and every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// A float uniform in `[0, 1)` with 24 random bits.
    public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A standard normal sample (Box–Muller).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(next() >> 11) * 0x1p-53, Double.leastNonzeroMagnitude)
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }
}

extension Tensor {
    /// Elements drawn uniformly from `[low, high)`.
    public static func uniform(_ shape: [Int], low: Float, high: Float, generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { out in
            for i in 0..<out.count { out[i] = low + (high - low) * generator.nextUniform() }
        }
    }

    /// Elements drawn from a normal distribution.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, generator: inout SeededGenerator)
        -> Tensor
    {
        Tensor(shape: shape) { out in
            for i in 0..<out.count { out[i] = mean + std * generator.nextNormal() }
        }
    }
}
