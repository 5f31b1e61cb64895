import Foundation

/// One fixed model-forward benchmark input from `bench/inputs.json` (written by
/// `bench/make_inputs.py` with the Hugging Face tokenizer, so every engine runs the same ids).
///
/// Each sequence is `[CLS] pieces… [SEP]`; token type ids are 0. Engines that pad (PyTorch,
/// ONNX Runtime, `BertModel.forward`) pad every row to `paddedLength` with an attention mask of 0.
public struct BenchmarkCase: Codable, Sendable, Equatable {
    /// A short stable name: `single-16`, `mixed-32`, `long-256`.
    public var name: String
    public var description: String
    /// The row length of the padded batch, `T`; at least the longest sequence.
    public var paddedLength: Int
    /// `[B][Tᵢ]`: the token ids of each sequence, specials included.
    public var ids: [[Int]]
    /// The source text, when the case is one whole text (informational).
    public var text: String?

    public init(name: String, description: String, paddedLength: Int, ids: [[Int]], text: String? = nil) {
        self.name = name
        self.description = description
        self.paddedLength = paddedLength
        self.ids = ids
        self.text = text
    }

    /// B.
    public var sequenceCount: Int { ids.count }
    /// `[B]`: each sequence's real length `Tᵢ`.
    public var lengths: [Int] { ids.map(\.count) }
    /// `ΣTᵢ`: tokens that carry text.
    public var realTokens: Int { ids.reduce(0) { $0 + $1.count } }
    /// `B · T`: tokens a padded batch computes.
    public var paddedTokens: Int { ids.count * paddedLength }
    /// True when padding adds rows, so the padded and packed runs differ.
    public var hasPadding: Bool { realTokens < paddedTokens }

    /// `[B][T]`: the ids padded with `padId` to `paddedLength`, and the matching 0/1 attention mask.
    public func padded(padId: Int) -> (ids: [[Int]], attentionMask: [[Int]]) {
        let ids = ids.map { $0 + Array(repeating: padId, count: paddedLength - $0.count) }
        let mask = lengths.map { Array(repeating: 1, count: $0) + Array(repeating: 0, count: paddedLength - $0) }
        return (ids, mask)
    }
}
