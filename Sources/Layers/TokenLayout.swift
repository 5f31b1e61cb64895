/// How the rows of a `[rows, D]` activation are grouped into sequences.
///
/// - `padded`: B sequences of T rows each (`[B, T, D]`), with an optional mask for padding;
///   every position is computed, as PyTorch does.
/// - `packed`: sequences of different lengths stored back to back (`[ΣLᵢ, D]`); nothing is
///   computed on padding, and each sequence attends only to itself.
public enum TokenLayout: Sendable {
    case padded(batch: Int, length: Int, mask: AttentionMask?)
    case packed(lengths: [Int])

    /// The number of rows.
    public var rows: Int {
        switch self {
        case let .padded(b, t, _): return b * t
        case let .packed(lengths): return lengths.reduce(0, +)
        }
    }

    /// The number of sequences.
    public var sequenceCount: Int {
        switch self {
        case let .padded(b, _, _): return b
        case let .packed(lengths): return lengths.count
        }
    }

    /// Each sequence's first row and row count.
    public var sequences: [(start: Int, length: Int)] {
        switch self {
        case let .padded(b, t, _): return (0..<b).map { ($0 * t, t) }
        case let .packed(lengths):
            var start = 0
            return lengths.map { n in
                defer { start += n }
                return (start, n)
            }
        }
    }

    /// The attention mask (padded layout only).
    public var mask: AttentionMask? {
        if case let .padded(_, _, mask) = self { return mask }
        return nil
    }
}
