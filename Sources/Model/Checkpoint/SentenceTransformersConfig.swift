import Foundation

/// What a sentence-transformers folder says about turning token vectors into a sentence vector:
/// `modules.json`, `sentence_bert_config.json` and the pooling module's `config.json`.
public struct SentenceTransformersConfig: Sendable, Equatable {
    /// How tokens are pooled (mean when the folder has no pooling module, as sentence-transformers does).
    public var pooling: PoolingStrategy = .mean
    /// Whether the folder's modules end with `Normalize` (L2 normalisation).
    public var normalize: Bool = false
    /// `max_seq_length`, when given.
    public var maxSequenceLength: Int?
    /// `do_lower_case` of `sentence_bert_config.json` (lower-cases text before the tokenizer).
    public var lowercaseInput: Bool = false

    public init(
        pooling: PoolingStrategy = .mean, normalize: Bool = false, maxSequenceLength: Int? = nil,
        lowercaseInput: Bool = false
    ) {
        self.pooling = pooling
        self.normalize = normalize
        self.maxSequenceLength = maxSequenceLength
        self.lowercaseInput = lowercaseInput
    }

    /// Reads the files that exist in `directory`; absent files leave the defaults.
    public static func load(directory: URL) throws -> SentenceTransformersConfig {
        var config = SentenceTransformersConfig()
        let fm = FileManager.default
        let modulesURL = directory.appendingPathComponent("modules.json")
        var poolingPath = "1_Pooling"
        if fm.fileExists(atPath: modulesURL.path) {
            guard let data = try? Data(contentsOf: modulesURL),
                let modules = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]
            else { throw ModelError.invalidConfig(file: modulesURL.path, reason: "not a JSON list of modules") }
            var foundPooling = false
            for module in modules {
                let type = module["type"] as? String ?? ""
                if type.hasSuffix(".Pooling") {
                    poolingPath = module["path"] as? String ?? poolingPath
                    foundPooling = true
                } else if type.hasSuffix(".Normalize") {
                    config.normalize = true
                } else if type.hasSuffix(".Transformer") {
                    continue
                } else {
                    throw ModelError.invalidConfig(
                        file: modulesURL.path, reason: "module type '\(type)' is not supported")
                }
            }
            if !foundPooling { poolingPath = "" }
        }
        if !poolingPath.isEmpty {
            let poolingURL = directory.appendingPathComponent(poolingPath).appendingPathComponent("config.json")
            if fm.fileExists(atPath: poolingURL.path) {
                config.pooling = try PoolingStrategy.load(from: poolingURL)
            }
        }
        let sbertURL = directory.appendingPathComponent("sentence_bert_config.json")
        if fm.fileExists(atPath: sbertURL.path) {
            guard let data = try? Data(contentsOf: sbertURL),
                let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            else { throw ModelError.invalidConfig(file: sbertURL.path, reason: "not a JSON object") }
            if let n = json["max_seq_length"] as? Int {
                guard n > 0 else {
                    throw ModelError.invalidConfig(
                        file: sbertURL.path, reason: "max_seq_length must be positive, got \(n)")
                }
                config.maxSequenceLength = n
            }
            config.lowercaseInput = json["do_lower_case"] as? Bool ?? false
        }
        return config
    }
}
