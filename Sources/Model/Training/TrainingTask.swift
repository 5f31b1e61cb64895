import Foundation
import Layers

// Shapes: B batch, T tokens (longest in the batch), D width.

/// One training objective: the loss of a batch of examples and its gradients.
///
/// The `Trainer` owns the loop (data order, dropout randomness, optimizer, schedule, clipping,
/// checkpoints); a task only says what a batch costs. A task must be deterministic: the same
/// parameters, batch and generator give the same loss and gradients, bit for bit, which is what
/// makes a resumed run identical to an uninterrupted one.
public protocol TrainingTask: Sendable {
    /// What is trained (a `BertModel`, or a model with a head).
    associatedtype Parameters: ParameterVisitable & Sendable
    /// N, the number of examples; batches hold indices in `0..<exampleCount`.
    var exampleCount: Int { get }
    /// The mean loss over `batch` and the gradient of every trained parameter, under the names
    /// `Parameters.visitParameters(prefix: "")` gives them.
    /// - Parameters:
    ///   - dropout: the dropout rates to train with.
    ///   - generator: draws the dropout masks (the trainer seeds it per step).
    func lossAndGradients(
        _ parameters: Parameters, batch: [Int], dropout: DropoutRates, generator: inout SeededGenerator
    ) throws -> (loss: Float, gradients: Gradients)
}

/// Token ids of a batch of sequences, padded to the longest with `padId`:
/// ids `[B][T]` and the attention mask `[B][T]` (1 real, 0 padding).
func paddedBatch(_ sequences: [[Int]], padId: Int) -> (ids: [[Int]], mask: [[Int]]) {
    let t = sequences.map(\.count).max() ?? 0
    let ids = sequences.map { $0 + Array(repeating: padId, count: t - $0.count) }
    let mask = sequences.map { Array(repeating: 1, count: $0.count) + Array(repeating: 0, count: t - $0.count) }
    return (ids, mask)
}

/// The order examples are visited in: an endless stream of epochs, each a permutation of
/// `0..<count` drawn from a generator seeded by `(seed, epoch)`. Batch `s` (from 0) is stream
/// positions `s·B ..< (s+1)·B`, so the data position of a run is fixed by its step alone and a
/// resumed run picks up exactly where the interrupted one stopped (a batch may span two epochs).
public struct BatchOrder: Sendable {
    public let count: Int
    public let batchSize: Int
    public let seed: UInt64
    private var cachedEpoch = -1
    private var permutation: [Int] = []

    public init(count: Int, batchSize: Int, seed: UInt64) {
        precondition(count > 0, "BatchOrder: no examples to train on")
        precondition(batchSize > 0, "BatchOrder: batch size must be positive, got \(batchSize)")
        self.count = count
        self.batchSize = batchSize
        self.seed = seed
    }

    /// The permutation of epoch `e`: a Fisher–Yates shuffle from its own generator.
    public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var generator = SeededGenerator(seed: mix(seed, 0x6461_7461, UInt64(epoch)))  // "data"
        var order = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(generator.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        return order
    }

    /// The example indices of batch `step` (0-based).
    public mutating func batch(step: Int) -> [Int] {
        (step * batchSize..<(step + 1) * batchSize).map { position in
            let epoch = position / count
            if epoch != cachedEpoch {
                permutation = Self.permutation(count: count, seed: seed, epoch: epoch)
                cachedEpoch = epoch
            }
            return permutation[position % count]
        }
    }
}

/// The seed of the dropout generator of step `step`: each step draws from its own generator,
/// so the random state at any step is `(seed, step)` and needs nothing else to be restored.
func dropoutSeed(_ seed: UInt64, step: Int) -> UInt64 { mix(seed, 0x6472_6F70, UInt64(step)) }  // "drop"

/// Combines numbers into one seed (the generator's SplitMix64 seeding spreads the bits further).
func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for x in [a, b, c] { h = (h ^ x) &* 0x100_0000_01B3 &+ 0x9E37_79B9_7F4A_7C15 }
    return h
}
