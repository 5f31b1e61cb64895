/// Which keys each query may attend to, as additive biases on the attention scores.
///
/// A masked position gets `AttentionMask.maskedValue`, the most negative finite float (never −∞,
/// so a fully masked row gives finite weights, not NaN). The parts combine by addition, saturating
/// at `maskedValue`:
/// - `keyBias` `[B, Tk]`: padding, from sequence lengths or a 0/1 attention mask;
/// - `additive` `[Tq, Tk]`, `[B, Tq, Tk]` or `[B, H, Tq, Tk]`: any additive mask (broadcast). PyTorch's
///   `nn.MultiheadAttention` takes a 3-D mask as `[B·H, Tq, Tk]`: reshape it to `[B, H, Tq, Tk]` first;
/// - `isCausal`: query `i` sees keys `j ≤ i` only.
public struct AttentionMask: Sendable, Equatable {
    /// The bias of a position that must not be attended to.
    public static let maskedValue: Float = -Float.greatestFiniteMagnitude

    /// `[B, Tk]`: 0 for a real key, `maskedValue` for padding.
    public var keyBias: Tensor?
    /// `[Tq, Tk]`, `[B, Tq, Tk]` or `[B, H, Tq, Tk]`, added to the scores.
    public var additive: Tensor?
    /// Whether query `i` may only see keys `j ≤ i`.
    public var isCausal: Bool

    /// A mask from its parts (all optional).
    public init(keyBias: Tensor? = nil, additive: Tensor? = nil, isCausal: Bool = false) {
        precondition(keyBias == nil || keyBias!.rank == 2, "keyBias must be [B, Tk], got \(keyBias!.shape)")
        precondition(
            additive == nil || (2...4).contains(additive!.rank),
            "additive mask must be [Tq, Tk], [B, Tq, Tk] or [B, H, Tq, Tk], got \(additive!.shape)")
        self.keyBias = keyBias
        self.additive = additive
        self.isCausal = isCausal
    }

    /// Padding from sequence lengths: sequence `b` has `lengths[b]` real tokens followed by padding up to `length`.
    public init(lengths: [Int], length: Int) {
        precondition(lengths.allSatisfy { $0 >= 0 && $0 <= length }, "lengths \(lengths) must lie in 0...\(length)")
        let bias = Tensor(shape: [lengths.count, length]) { p in
            for (b, n) in lengths.enumerated() {
                for t in n..<length { p[b * length + t] = AttentionMask.maskedValue }
            }
        }
        self.init(keyBias: bias)
    }

    /// Padding from a Hugging Face `attention_mask` `[B, T]`: 1 for a real token, 0 for padding.
    public init(attentionMask: Tensor) {
        precondition(attentionMask.rank == 2, "attention_mask must be [B, T], got \(attentionMask.shape)")
        var bias = attentionMask
        bias.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = p[i] == 0 ? AttentionMask.maskedValue : 0 }
        }
        self.init(keyBias: bias)
    }

    /// Padding from a PyTorch `key_padding_mask` `[B][Tk]`: `true` marks a key to ignore.
    public init(keyPaddingMask: [[Bool]]) {
        let t = keyPaddingMask.first?.count ?? 0
        precondition(keyPaddingMask.allSatisfy { $0.count == t }, "key_padding_mask rows must have equal lengths")
        let bias = Tensor(shape: [keyPaddingMask.count, t]) { p in
            for (b, row) in keyPaddingMask.enumerated() {
                for (j, ignore) in row.enumerated() where ignore { p[b * t + j] = AttentionMask.maskedValue }
            }
        }
        self.init(keyBias: bias)
    }

    /// The mask that lets query `i` see only keys `j ≤ i`.
    public static var causal: AttentionMask { AttentionMask(isCausal: true) }

    /// Adds this mask's biases for batch item `b`, head `h` of `heads`, to `scores` `[Tq, Tk]` (row stride `Tk`).
    @usableFromInline
    func apply(
        to scores: UnsafeMutablePointer<Float>, queries tq: Int, keys tk: Int, batch b: Int, head h: Int, heads: Int
    ) {
        if let keyBias {
            precondition(
                keyBias.shape[1] == tk && b < keyBias.shape[0],
                "key padding mask \(keyBias.shape) does not fit batch \(b) with \(tk) keys")
            keyBias.withUnsafeBufferPointer { kb in
                let row = kb.baseAddress! + b * tk
                for i in 0..<tq {
                    let s = scores + i * tk
                    for j in 0..<tk { s[j] = saturatingAdd(s[j], row[j]) }
                }
            }
        }
        if let additive {
            let shape = additive.shape
            precondition(
                shape[shape.count - 2] == tq && shape[shape.count - 1] == tk,
                "additive mask \(shape) does not fit \(tq) queries and \(tk) keys")
            // A leading dimension of 1 broadcasts; otherwise it must cover batch item b (and head h).
            precondition(
                shape.count == 2 || shape[0] == 1 || b < shape[0],
                "additive mask \(shape) has no entry for batch item \(b)")
            precondition(
                shape.count < 4 || shape[1] == 1 || h < shape[1],
                "additive mask \(shape) has no entry for head \(h) of \(heads)")
            var offset = 0
            switch shape.count {
            case 3: offset = (shape[0] == 1 ? 0 : b) * tq * tk
            case 4: offset = ((shape[0] == 1 ? 0 : b) * shape[1] + (shape[1] == 1 ? 0 : h)) * tq * tk
            default: offset = 0
            }
            additive.withUnsafeBufferPointer { m in
                let base = m.baseAddress! + offset
                for i in 0..<(tq * tk) { scores[i] = saturatingAdd(scores[i], base[i]) }
            }
        }
        if isCausal {
            for i in 0..<tq {
                for j in (i + 1)..<max(i + 1, tk) { scores[i * tk + j] = AttentionMask.maskedValue }
            }
        }
    }
}

/// `a + b`, never below `AttentionMask.maskedValue` (so two masks never make −∞).
@inlinable
func saturatingAdd(_ a: Float, _ b: Float) -> Float {
    let s = a + b
    return s < AttentionMask.maskedValue ? AttentionMask.maskedValue : s
}
