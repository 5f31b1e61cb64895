import Foundation
import Layers
import Model

/// A tiny random BERT checkpoint folder (config.json, model.safetensors, vocab.txt) in a fresh
/// temporary directory, for tests that need a loadable model without the 87 MB download.
///
/// D 32, 2 layers, 4 heads, F 64, 64 positions; the vocabulary is the special tokens, a few words
/// and pieces, and CJK ideographs. Seeded, so every call builds the same weights.
enum TinyCheckpoint {
    static let vocabulary: [String] =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        + ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "a", "b", "hello", "world"]
        + [",", ".", "!", "?", "un", "##aff", "##able", "##s", "##ing", "##a", "##b", "é", "e"]
        + ["北", "京", "中", "文", "日", "本"]

    static func config(vocabSize: Int = vocabulary.count) -> BertConfig {
        BertConfig(
            vocabSize: vocabSize, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64,
            maxPositionEmbeddings: 64)
    }

    /// Writes the folder and returns its URL.
    /// - Parameter damage: changes the named tensors before they are written (e.g. puts in a NaN).
    static func write(
        seed: UInt64 = 1, damage: (inout [(name: String, tensor: Tensor)]) -> Void = { _ in }
    ) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tiny-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = config()
        let model = try BertModel(config: config, seed: seed)
        var tensors = model.namedParameters().map { (name: $0.name, tensor: $0.value) }
        damage(&tensors)
        try SafeTensors.write(
            tensors, metadata: ["format": "pt"], to: directory.appendingPathComponent("model.safetensors"))
        try JSONEncoder().encode(config).write(to: directory.appendingPathComponent("config.json"))
        try (vocabulary.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        return directory
    }

    /// Sets element `index` of the tensor called `name` to `value`.
    static func set(
        _ name: String, element index: Int, to value: Float, in tensors: inout [(name: String, tensor: Tensor)]
    ) {
        guard let i = tensors.firstIndex(where: { $0.name == name }) else { fatalError("no tensor \(name)") }
        tensors[i].tensor.withUnsafeMutableBufferPointer { $0[index] = value }
    }
}

/// Peak and current memory of this process from /proc/self/status (kB), or nil off Linux.
enum ProcessMemory {
    static func field(_ name: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/status") else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix(name + ":") {
            return Int(line.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first ?? "")
        }
        return nil
    }

    /// VmHWM: the peak resident set size so far, in kB.
    static var peakKB: Int? { field("VmHWM") }
    /// VmRSS: the resident set size now, in kB.
    static var currentKB: Int? { field("VmRSS") }
}
