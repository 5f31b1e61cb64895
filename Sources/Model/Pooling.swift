import Foundation
import Layers

/// How token vectors become one sentence vector, as sentence-transformers' `Pooling` module.
public enum PoolingStrategy: String, Sendable, CaseIterable {
    /// The average of the real tokens' vectors (`pooling_mode_mean_tokens`).
    case mean
    /// The first token's (`[CLS]`) vector (`pooling_mode_cls_token`).
    case cls
    /// The elementwise maximum over the real tokens (`pooling_mode_max_tokens`).
    case max
    /// The sum of the real tokens' vectors divided by √(token count) (`pooling_mode_mean_sqrt_len_tokens`).
    case meanSqrtLength = "mean_sqrt_len"

    /// Reads sentence-transformers' `1_Pooling/config.json`. When several modes are on,
    /// sentence-transformers concatenates them; this library supports exactly one.
    public static func load(from url: URL) throws -> PoolingStrategy {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ModelError.missingFile(url.path) }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelError.invalidConfig(file: url.path, reason: "not a JSON object")
        }
        var modes: [PoolingStrategy] = []
        if let mode = json["pooling_mode"] as? String {
            switch mode {
            case "mean": modes.append(.mean)
            case "cls": modes.append(.cls)
            case "max": modes.append(.max)
            case "mean_sqrt_len_tokens": modes.append(.meanSqrtLength)
            default: throw ModelError.invalidConfig(file: url.path, reason: "pooling_mode '\(mode)' is not supported")
            }
        }
        if json["pooling_mode_mean_tokens"] as? Bool == true { modes.append(.mean) }
        if json["pooling_mode_cls_token"] as? Bool == true { modes.append(.cls) }
        if json["pooling_mode_max_tokens"] as? Bool == true { modes.append(.max) }
        if json["pooling_mode_mean_sqrt_len_tokens"] as? Bool == true { modes.append(.meanSqrtLength) }
        for key in ["pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"] where json[key] as? Bool == true {
            throw ModelError.invalidConfig(file: url.path, reason: "\(key) is not supported")
        }
        let unique = Array(Set(modes))
        guard unique.count == 1 else {
            throw ModelError.invalidConfig(
                file: url.path,
                reason: unique.isEmpty
                    ? "no pooling mode is set"
                    : "several pooling modes are set (\(unique.map(\.rawValue).sorted().joined(separator: ", "))); only one is supported"
            )
        }
        return unique[0]
    }

    /// Pools `rows` token vectors of width `d` starting at `tokens` into `out` `[d]`.
    /// All rows are real tokens (the packed layout has no padding); for max pooling this equals
    /// sentence-transformers' masking of padding with −1e9.
    public func pool(_ tokens: UnsafePointer<Float>, rows: Int, width d: Int, into out: UnsafeMutablePointer<Float>) {
        out.update(repeating: 0, count: d)
        guard rows > 0 else { return }
        switch self {
        case .cls:
            out.update(from: tokens, count: d)
        case .mean, .meanSqrtLength:
            for r in 0..<rows {
                let row = tokens + r * d
                for j in 0..<d { out[j] += row[j] }
            }
            let scale = self == .mean ? 1 / Float(rows) : 1 / Float(rows).squareRoot()
            for j in 0..<d { out[j] *= scale }
        case .max:
            out.update(from: tokens, count: d)
            for r in 1..<rows {
                let row = tokens + r * d
                for j in 0..<d where row[j] > out[j] { out[j] = row[j] }
            }
        }
    }
}

/// Scales `v` to unit Euclidean length, as `torch.nn.functional.normalize(p=2, eps=1e-12)`.
public func l2Normalize(_ v: inout [Float]) {
    var sum: Float = 0
    for x in v { sum += x * x }
    let inv = 1 / Swift.max(sum.squareRoot(), 1e-12)
    for i in v.indices { v[i] *= inv }
}

/// The cosine similarity of two vectors of equal length (0 when either is zero).
public func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "cosine similarity of vectors of lengths \(a.count) and \(b.count)")
    var dot: Float = 0
    var na: Float = 0
    var nb: Float = 0
    for i in a.indices {
        dot += a[i] * b[i]
        na += a[i] * a[i]
        nb += b[i] * b[i]
    }
    let denom = (na * nb).squareRoot()
    return denom > 0 ? dot / denom : 0
}
