import Foundation
import Layers

/// A teacher's embeddings of a corpus, computed once with `SentenceEncoder.embed` and cached in a
/// safetensors file (tensor `embeddings` `[N, Dt]`). The cache is used only when its metadata
/// matches: the teacher's folder, N, and a hash of the texts and of the token limit.
public enum TeacherEmbeddings {
    /// The cached embeddings when `cache` matches, else computed (and written to `cache`).
    /// - Parameter progress: called with (texts done, total) while computing.
    public static func load(
        teacher: SentenceEncoder, texts: [String], maxLength: Int, cache: URL?,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Tensor {
        let key = fingerprint(texts, maxLength: maxLength)
        if let cache, FileManager.default.fileExists(atPath: cache.path),
            let file = try? SafeTensorsFile(url: cache), file.metadata["fingerprint"] == key,
            file.metadata["teacher"] == teacher.directory.standardizedFileURL.path,
            let embeddings = try? file.tensor("embeddings"), embeddings.shape == [texts.count, teacher.dimension]
        {
            return embeddings
        }
        var rows: [Float] = []
        rows.reserveCapacity(texts.count * teacher.dimension)
        let chunk = 512
        var start = 0
        while start < texts.count {
            let end = min(start + chunk, texts.count)
            let vectors = try teacher.embed(
                Array(texts[start..<end]), options: EmbeddingOptions(batchSize: 64, maxLength: maxLength))
            for v in vectors { rows += v.vector }
            start = end
            progress(start, texts.count)
        }
        let embeddings = Tensor(rows, shape: [texts.count, teacher.dimension])
        if let cache {
            try FileManager.default.createDirectory(
                at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
            try SafeTensors.write(
                [("embeddings", embeddings)],
                metadata: [
                    "fingerprint": key, "teacher": teacher.directory.standardizedFileURL.path,
                    "count": String(texts.count),
                ],
                to: cache)
        }
        return embeddings
    }

    /// FNV-1a over the texts (with separators) and the limit, as hex.
    static func fingerprint(_ texts: [String], maxLength: Int) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func add(_ byte: UInt8) { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        for text in texts {
            for byte in text.utf8 { add(byte) }
            add(0)
        }
        for byte in String(maxLength).utf8 { add(byte) }
        return String(h, radix: 16) + "-\(texts.count)"
    }
}
