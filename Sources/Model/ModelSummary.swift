import Foundation
import Layers

/// What a loaded sentence encoder is: its architecture, where its parameters are, its weights
/// file, and how it turns tokens into a sentence vector. `tiny-encoder info` prints this.
public struct ModelSummary: Sendable {
    /// One row of the parameter table: `embeddings`, `encoder.layer.0`, …, `pooler`.
    public struct ParameterGroup: Sendable, Equatable {
        public var name: String
        public var count: Int
    }

    public var directory: String
    public var config: BertConfig
    public var parameterGroups: [ParameterGroup]
    public var totalParameters: Int { parameterGroups.reduce(0) { $0 + $1.count } }
    /// The size of `model.safetensors` in bytes (0 for a model not loaded from a folder).
    public var weightsFileSize: Int
    /// The dtypes stored in the weights file with how many tensors have each, e.g. `["F32": 101]`.
    public var storedDTypes: [String: Int]
    public var vocabularySize: Int
    public var maxLength: Int
    public var pooling: PoolingStrategy
    public var normalize: Bool
    public var lowercaseInput: Bool

    /// Summarises `encoder`, reading the weights file's header for sizes and dtypes when it has one.
    public init(encoder: SentenceEncoder) {
        directory = encoder.directory.path
        config = encoder.model.config
        var groups: [ParameterGroup] = []
        for (name, value) in encoder.model.namedParameters() {
            let group = ModelSummary.groupName(of: name)
            if groups.last?.name == group {
                groups[groups.count - 1].count += value.count
            } else if let i = groups.firstIndex(where: { $0.name == group }) {
                groups[i].count += value.count
            } else {
                groups.append(ParameterGroup(name: group, count: value.count))
            }
        }
        parameterGroups = groups
        let weights = encoder.directory.appendingPathComponent("model.safetensors")
        let attributes = try? FileManager.default.attributesOfItem(atPath: weights.path)
        weightsFileSize = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        var dtypes: [String: Int] = [:]
        if let file = try? SafeTensorsFile(url: weights) {
            for info in file.tensorInfos.values { dtypes[info.dtype.rawValue, default: 0] += 1 }
        }
        storedDTypes = dtypes
        vocabularySize = encoder.tokenizer.vocabularySize
        maxLength = encoder.maxLength
        pooling = encoder.sentenceConfig.pooling
        normalize = encoder.sentenceConfig.normalize
        lowercaseInput = encoder.sentenceConfig.lowercaseInput
    }

    /// `encoder.layer.3` for `encoder.layer.3.attention.self.query.weight`; the first component otherwise.
    static func groupName(of parameter: String) -> String {
        let parts = parameter.split(separator: ".")
        if parts.count >= 3 && parts[0] == "encoder" && parts[1] == "layer" {
            return parts[0..<3].joined(separator: ".")
        }
        return String(parts.first ?? "")
    }
}
