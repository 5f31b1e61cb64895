import Foundation
import Model
import Testing

struct EmbeddingIndexTests {
    let vectors: [[Float]] = [[1, 0, 0], [0, 1, 0], [0.6, 0.8, 0], [-1, 0, 0.5]]
    let texts = ["first", "", "tab\there, newline\nthere", "😀 last"]

    func write(_ format: EmbeddingFileFormat, in folder: TemporaryFolder) throws -> URL {
        let url = folder.url.appendingPathComponent("index.\(format.rawValue)")
        try writeAtomically(to: url) { handle in
            let writer = try EmbeddingIndexWriter(
                handle: handle, format: format, dimension: 3, metadata: ["model": "test"])
            for (i, (v, t)) in zip(vectors, texts).enumerated() { try writer.append(v, text: t, line: 10 + i) }
            try writer.finish()
        }
        return url
    }

    @Test func embRoundTripsVectorsTextsAndLines() throws {
        let folder = try TemporaryFolder()
        let index = try EmbeddingIndex(contentsOf: try write(.emb, in: folder))
        #expect(index.format == .emb && index.count == 4 && index.dimension == 3)
        #expect(index.metadata == ["model": "test"])
        for i in 0..<4 {
            #expect(index.vector(at: i) == vectors[i])
            #expect(index.text(at: i) == texts[i])
            #expect(index.line(at: i) == 10 + i)
        }
        #expect(index.isBlank(at: 1) && !index.isBlank(at: 0))
        let best = try index.nearest(to: [1, 1, 0], top: 2)
        #expect(best.map(\.index) == [2, 0])
        #expect(try index.nearest(to: [1, 1, 0], top: 2) { $0 != 2 }.map(\.index) == [0, 1])
        #expect(throws: EmbeddingIndexError.dimensionMismatch(index: 3, query: 2)) {
            try index.nearest(to: [1, 1], top: 1)
        }
    }

    @Test func embHeaderIsAsDocumented() throws {
        let folder = try TemporaryFolder()
        let bytes = [UInt8](try Data(contentsOf: try write(.emb, in: folder)))
        #expect(Array(bytes[0..<4]) == Array("TEMB".utf8))
        func u32(_ at: Int) -> Int {
            Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        #expect(u32(4) == 1)  // version
        #expect(u32(8) == 4 && u32(12) == 0)  // N as UInt64
        #expect(u32(16) == 3)  // D
        let m = u32(20)
        #expect(String(decoding: bytes[24..<(24 + m)], as: UTF8.self) == "{\"model\":\"test\"}")
        let rows = (24 + m + 63) / 64 * 64
        #expect(bytes[(24 + m)..<rows].allSatisfy { $0 == 0 })
        #expect(Array(bytes[rows..<(rows + 4)]) == [0, 0, 0x80, 0x3F])  // 1.0f little-endian
    }

    @Test func npyIsReadableByNumPyLayout() throws {
        let folder = try TemporaryFolder()
        let url = try write(.npy, in: folder)
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }"))
        #expect(header.hasSuffix("\n"))
        #expect(bytes.count == 10 + headerLength + 4 * 3 * 4)
        let index = try EmbeddingIndex(contentsOf: url)
        #expect(index.format == .npy && index.count == 4 && !index.hasTexts)
        #expect(index.vector(at: 2) == vectors[2])
        #expect(index.text(at: 0) == nil && index.line(at: 3) == 4)
    }

    @Test func brokenFilesAreNamedErrors() throws {
        let folder = try TemporaryFolder()
        let good = [UInt8](try Data(contentsOf: try write(.emb, in: folder)))
        let cases: [(String, [UInt8], String)] = [
            ("garbage", Array("hello world, not an index".utf8), "not an embedding file"),
            ("cut", Array(good.prefix(good.count - 3)), "runs past the end"),
            ("extra", good + [1, 2, 3], "unexpected bytes"),
            ("version", Array(good[0..<4]) + [9, 0, 0, 0] + Array(good[8...]), "version 9"),
            ("rows", Array(good.prefix(100)), "shorter than its 4 embeddings"),
        ]
        for (name, bytes, message) in cases {
            let url = folder.url.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            do {
                _ = try EmbeddingIndex(contentsOf: url)
                Issue.record("\(name) was accepted")
            } catch {
                #expect(error.description.contains(message), "\(name): \(error)")
                #expect(error.description.contains(url.path))
            }
        }
        #expect(throws: EmbeddingIndexError.self) {
            try EmbeddingIndex(contentsOf: folder.url.appendingPathComponent("missing.emb"))
        }
    }

    @Test func formatFromExtension() {
        #expect(EmbeddingFileFormat(path: "a/corpus.emb") == .emb)
        #expect(EmbeddingFileFormat(path: "x.NPY") == .npy)
        #expect(EmbeddingFileFormat(path: "x.jsonl") == nil)
    }
}
