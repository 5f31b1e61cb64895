import Foundation
import Layers

// Shapes: N examples, B batch, T tokens, D width, C classes.

/// A text classifier: a `BertModel`, pooling (CLS or mean) and a linear head `[C, D]`.
/// Parameter names: the encoder's Hugging Face names, and `classifier.weight`, `classifier.bias`.
public struct TextClassifier: ParameterVisitable, Sendable {
    public var encoder: BertModel
    /// `classifier`: `[C, D]` weight and `[C]` bias.
    public var head: Linear
    public var pooling: PoolingStrategy

    public init(encoder: BertModel, classes: Int, pooling: PoolingStrategy = .cls, seed: UInt64 = 0) {
        var generator = SeededGenerator(seed: seed ^ 0x6865_6164)  // "head"
        self.encoder = encoder
        head = Linear(
            inFeatures: encoder.hiddenSize, outFeatures: classes,
            initialization: .bert(std: Float(encoder.config.initializerRange)), generator: &generator)
        head.bias = .zeros([classes])
        self.pooling = pooling
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try encoder.visitParameters(prefix: prefix, body)
        try head.visitParameters(prefix: joinName(prefix, "classifier"), body)
    }

    /// `[B, C]` logits of token-id sequences (no dropout).
    public func logits(_ sequences: [[Int]]) throws -> Tensor {
        let (ids, mask) = paddedBatch(sequences, padId: encoder.config.padTokenId)
        let (output, _) = try encoder.forwardForTraining(ids: ids, attentionMask: mask)
        let (pooled, _) = try pooling.forwardForTraining(output.lastHiddenState, attentionMask: mask)
        return head(pooled)  // [B, D] x [C, D]^T -> [B, C]
    }

    /// The most likely class of each sequence.
    public func predict(_ sequences: [[Int]]) throws -> [Int] {
        let z = try logits(sequences)
        let c = z.shape[1]
        return z.withUnsafeBufferPointer { p in
            (0..<z.shape[0]).map { r in (0..<c).max { p[r * c + $0] < p[r * c + $1] }! }
        }
    }
}

/// Labelled texts read from a TSV file of `label<TAB>text` lines.
public struct LabelledTexts: Sendable, Equatable {
    public var texts: [String]
    /// Class indices into `labels`.
    public var targets: [Int]
    /// The distinct labels, sorted (class i is `labels[i]`).
    public var labels: [String]

    /// Parses `label<TAB>text` lines; blank lines and lines starting with `#` are skipped.
    /// - Parameter labels: the label set to use (e.g. the training set's, for a test set); default: the file's own.
    /// - Throws: `TrainingRunError.invalidData` naming the line at fault.
    public init(tsv: String, file: String = "<tsv>", labels known: [String]? = nil) throws {
        var pairs: [(String, String)] = []
        for (number, line) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            guard let tab = line.firstIndex(of: "\t") else {
                throw TrainingRunError.invalidData(
                    file: file, reason: "line \(number + 1) has no tab between label and text")
            }
            let label = String(line[..<tab]).trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty else {
                throw TrainingRunError.invalidData(file: file, reason: "line \(number + 1) has an empty label")
            }
            pairs.append((label, String(line[line.index(after: tab)...])))
        }
        guard !pairs.isEmpty else { throw TrainingRunError.invalidData(file: file, reason: "no labelled lines") }
        labels = known ?? Array(Set(pairs.map(\.0))).sorted()
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        texts = pairs.map(\.1)
        var targets: [Int] = []
        for (i, pair) in pairs.enumerated() {
            guard let c = index[pair.0] else {
                throw TrainingRunError.invalidData(
                    file: file, reason: "label '\(pair.0)' (example \(i + 1)) is not among \(known ?? [])")
            }
            targets.append(c)
        }
        self.targets = targets
    }
}

/// Classification with cross-entropy: `loss = mean_b −log softmax(W pool(h_b) + b)[y_b]`.
public struct ClassificationTask: TrainingTask {
    public typealias Parameters = TextClassifier
    public let sequences: [[Int]]
    public let targets: [Int]

    public init(sequences: [[Int]], targets: [Int]) {
        precondition(
            sequences.count == targets.count, "ClassificationTask: \(sequences.count) texts, \(targets.count) targets")
        self.sequences = sequences
        self.targets = targets
    }

    public var exampleCount: Int { sequences.count }

    public func lossAndGradients(
        _ classifier: TextClassifier, batch: [Int], dropout: DropoutRates, generator: inout SeededGenerator
    ) throws -> (loss: Float, gradients: Gradients) {
        let model = classifier.encoder
        let (ids, mask) = paddedBatch(batch.map { sequences[$0] }, padId: model.config.padTokenId)
        let (output, cache) = try model.forwardForTraining(
            ids: ids, attentionMask: mask, dropout: dropout, generator: &generator)
        let (pooled, poolingCache) = try classifier.pooling.forwardForTraining(
            output.lastHiddenState, attentionMask: mask)
        let (logits, headCache) = classifier.head.forwardForTraining(pooled)  // [B, D] x [C, D]^T -> [B, C]
        let (loss, dLogits) = try crossEntropyLoss(logits: logits, targets: batch.map { targets[$0] })
        var gradients = Gradients()
        let dPooled = classifier.head.backward(dLogits, cache: headCache, gradients: &gradients, prefix: "classifier")
        model.backward(classifier.pooling.backward(dPooled, cache: poolingCache), cache: cache, gradients: &gradients)
        return (loss, gradients)
    }
}

extension TextClassifier {
    /// Writes the head (`classifier.weight` `[C, D]`, `classifier.bias` `[C]`) atomically, with the
    /// labels (JSON list, class order) and the pooling in the metadata.
    public func saveHead(to url: URL, labels: [String]) throws {
        let labelData = try JSONSerialization.data(withJSONObject: labels)
        try SafeTensors.write(
            head.namedParameters(prefix: "classifier").map { ($0.name, $0.value) },
            metadata: ["labels": String(decoding: labelData, as: UTF8.self), "pooling": pooling.rawValue],
            to: url)
    }
}
