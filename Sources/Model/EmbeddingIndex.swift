import Foundation

/// A file of sentence embeddings that `search --index` (or any program) can rank without the
/// texts being embedded again. Two formats, chosen by the file's extension when written and by
/// its first bytes when read:
///
/// **`.emb`** (version 1; all integers little-endian, floats IEEE-754 float32 little-endian):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | magic `TEMB` (`54 45 4D 42`) |
/// | 4 | 4 | `UInt32` version, 1 |
/// | 8 | 8 | `UInt64` N, the number of embeddings |
/// | 16 | 4 | `UInt32` D, the dimension |
/// | 20 | 4 | `UInt32` M, the byte length of the metadata |
/// | 24 | M | metadata: a UTF-8 JSON object of strings (`model`, `pooling`, `normalized`, …) |
/// | 24+M | | zero bytes up to the next multiple of 64: the rows' offset R |
/// | R | 4·N·D | the embeddings, `[N, D]` row-major float32 |
/// | R+4·N·D | | N text records: `UInt64` line number (from 1; 0 when unknown), `UInt32` byte length L, L bytes of UTF-8 |
///
/// In Python: `np.fromfile(path, dtype="<f4", count=N*D, offset=R).reshape(N, D)`.
///
/// **`.npy`**: NumPy's format (version 1.0), `<f4`, C order, shape `(N, D)`; it holds no texts,
/// so `search --index x.npy` takes the texts from `--corpus`. `np.load(path)` reads it.
public struct EmbeddingIndex: Sendable {
    /// Which of the two formats the file is in.
    public let format: EmbeddingFileFormat
    /// N.
    public let count: Int
    /// D.
    public let dimension: Int
    /// What the writer said about the embeddings (empty for `.npy`).
    public let metadata: [String: String]

    private let data: Data
    /// Byte offset of the rows in `data`.
    private let rowsOffset: Int
    /// Per embedding, its line number (from 1, 0 when unknown) and the byte range of its text; empty for `.npy`.
    private let lines: [Int]
    private let textRanges: [Range<Int>]

    /// The magic bytes of an `.emb` file.
    public static let magic: [UInt8] = Array("TEMB".utf8)
    /// The `.emb` version this library writes and reads.
    public static let version: UInt32 = 1

    /// Maps and checks an `.emb` or `.npy` file.
    /// - Throws: `EmbeddingIndexError` naming the file and what is wrong with it.
    public init(contentsOf url: URL) throws(EmbeddingIndexError) {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        self.data = data
        let reader = ByteReader(data: data, path: path)
        if data.starts(with: EmbeddingIndex.magic) {
            format = .emb
            let version = try reader.uint32(at: 4)
            guard version == EmbeddingIndex.version else {
                throw .invalid(
                    path: path,
                    reason: "version \(version) is not supported (this build reads version \(EmbeddingIndex.version))")
            }
            let n = try reader.uint64(at: 8)
            let d = try reader.uint32(at: 16)
            let m = Int(try reader.uint32(at: 20))
            guard d > 0 else { throw .invalid(path: path, reason: "dimension is 0") }
            let metadataBytes = try reader.bytes(24..<(24 + m))
            guard let object = try? JSONSerialization.jsonObject(with: Data(metadataBytes)) as? [String: Any] else {
                throw .invalid(path: path, reason: "the metadata is not a JSON object")
            }
            metadata = object.compactMapValues { $0 as? String }
            rowsOffset = (24 + m + 63) / 64 * 64
            let (rowBytes, overflow) = Int(n).multipliedReportingOverflow(by: Int(d) * 4)
            guard n <= UInt64(Int.max), !overflow, rowsOffset + rowBytes <= data.count else {
                throw .invalid(path: path, reason: "the file is shorter than its \(n) embeddings of dimension \(d)")
            }
            count = Int(n)
            dimension = Int(d)
            var lines: [Int] = []
            var ranges: [Range<Int>] = []
            lines.reserveCapacity(count)
            ranges.reserveCapacity(count)
            var offset = rowsOffset + rowBytes
            for i in 0..<count {
                guard offset + 12 <= data.count else {
                    throw .invalid(path: path, reason: "the texts end after \(i) of \(count) (the file is cut short)")
                }
                let line = try reader.uint64(at: offset)
                let length = Int(try reader.uint32(at: offset + 8))
                let start = offset + 12
                guard start + length <= data.count else {
                    throw .invalid(path: path, reason: "text \(i + 1) runs past the end of the file")
                }
                lines.append(Int(clamping: line))
                ranges.append(start..<(start + length))
                offset = start + length
            }
            guard offset == data.count else {
                throw .invalid(path: path, reason: "\(data.count - offset) unexpected bytes after the texts")
            }
            self.lines = lines
            textRanges = ranges
        } else if data.starts(with: NumPyHeader.magic) {
            format = .npy
            let header = try NumPyHeader(reader: reader)
            count = header.rows
            dimension = header.columns
            rowsOffset = header.dataOffset
            metadata = [:]
            lines = []
            textRanges = []
        } else {
            throw .invalid(path: path, reason: "not an embedding file (neither the .emb magic 'TEMB' nor .npy)")
        }
    }

    /// Whether the file holds the texts (`.emb` does, `.npy` does not).
    public var hasTexts: Bool { format == .emb }

    /// The `i`-th embedding `[D]`.
    public func vector(at i: Int) -> [Float] {
        precondition(i >= 0 && i < count, "embedding \(i) of \(count)")
        return withUnsafeRows { rows in Array(UnsafeBufferPointer(start: rows + i * dimension, count: dimension)) }
    }

    /// The `i`-th text, when the file holds texts (invalid UTF-8 is repaired with U+FFFD).
    public func text(at i: Int) -> String? {
        guard hasTexts else { return nil }
        precondition(i >= 0 && i < count, "text \(i) of \(count)")
        return String(decoding: data[textRanges[i]], as: UTF8.self)
    }

    /// The input line the `i`-th embedding came from (from 1), or `i + 1` when the file does not say.
    public func line(at i: Int) -> Int {
        guard hasTexts, lines[i] > 0 else { return i + 1 }
        return lines[i]
    }

    /// Calls `body` with the rows `[N, D]` (mapped from the file when aligned, else copied).
    public func withUnsafeRows<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try data.withUnsafeBytes { raw in
            let start = raw.baseAddress! + rowsOffset
            if Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 {
                return try body(start.assumingMemoryBound(to: Float.self))
            }
            var copy = [Float](repeating: 0, count: count * dimension)
            copy.withUnsafeMutableBytes {
                $0.copyMemory(from: UnsafeRawBufferPointer(start: start, count: count * dimension * 4))
            }
            return try copy.withUnsafeBufferPointer { try body($0.baseAddress!) }
        }
    }

    /// The best `k` embeddings by cosine similarity to `query`, best first, among those `isIncluded` accepts.
    /// - Throws: `EmbeddingIndexError.dimensionMismatch` when `query` is not `[D]`.
    public func nearest(to query: [Float], top k: Int, where isIncluded: (Int) -> Bool = { _ in true })
        throws(EmbeddingIndexError) -> [SimilarityMatch]
    {
        guard query.count == dimension else { throw .dimensionMismatch(index: dimension, query: query.count) }
        let scores = withUnsafeRows { cosineSimilarities(query: query, rows: $0, count: count) }
        var top = TopMatches(k: max(1, k))
        for (i, s) in scores.enumerated() where isIncluded(i) { top.offer(SimilarityMatch(index: i, score: s)) }
        return top.matches
    }

    /// Whether the `i`-th text is empty or only white space (false when the file holds no texts).
    public func isBlank(at i: Int) -> Bool {
        guard hasTexts else { return false }
        return data[textRanges[i]].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}

/// The two embedding file formats.
public enum EmbeddingFileFormat: String, Sendable, CaseIterable {
    /// The `.emb` format of `EmbeddingIndex`: embeddings, texts and line numbers.
    case emb
    /// NumPy's `.npy`, float32 `[N, D]`.
    case npy

    /// The format a path's extension asks for (`corpus.emb`, `vectors.npy`), or nil.
    public init?(path: String) {
        let ext = (path as NSString).pathExtension.lowercased()
        self.init(rawValue: ext)
    }
}

/// What can be wrong with an embedding file.
public enum EmbeddingIndexError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)
    case dimensionMismatch(index: Int, query: Int)
    case write(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read \(path): \(reason)"
        case let .invalid(path, reason): return "\(path): \(reason)"
        case let .dimensionMismatch(index, query):
            return
                "the index holds embeddings of dimension \(index) but the model makes \(query) (was it written with another model?)"
        case let .write(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Bounds-checked little-endian reads from a file's bytes.
struct ByteReader {
    let data: Data
    let path: String

    func bytes(_ range: Range<Int>) throws(EmbeddingIndexError) -> [UInt8] {
        guard range.lowerBound >= 0, range.upperBound <= data.count else {
            throw .invalid(path: path, reason: "the file is cut short (\(data.count) bytes)")
        }
        return [UInt8](data[data.startIndex + range.lowerBound..<data.startIndex + range.upperBound])
    }

    func uint16(at offset: Int) throws(EmbeddingIndexError) -> UInt16 {
        let b = try bytes(offset..<(offset + 2))
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }

    func uint32(at offset: Int) throws(EmbeddingIndexError) -> UInt32 {
        let b = try bytes(offset..<(offset + 4))
        return b.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    func uint64(at offset: Int) throws(EmbeddingIndexError) -> UInt64 {
        let b = try bytes(offset..<(offset + 8))
        return b.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// The header of a NumPy `.npy` file holding a float32 `[rows, columns]` array.
struct NumPyHeader {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// The fixed header size this library writes, so the row count can be filled in at the end.
    static let writtenSize = 128

    var rows: Int
    var columns: Int
    var dataOffset: Int

    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        dataOffset = NumPyHeader.writtenSize
    }

    /// Parses a version 1, 2 or 3 header; only little-endian float32 in C order, two dimensions.
    init(reader: ByteReader) throws(EmbeddingIndexError) {
        let path = reader.path
        let major = try reader.bytes(6..<7)[0]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(try reader.uint16(at: 8))
            headerStart = 10
        case 2, 3:
            headerLength = Int(try reader.uint32(at: 8))
            headerStart = 12
        default:
            throw .invalid(path: path, reason: ".npy version \(major) is not supported")
        }
        let text = String(decoding: try reader.bytes(headerStart..<(headerStart + headerLength)), as: UTF8.self)
        func field(_ key: String) -> Substring? {
            guard let r = text.range(of: "'\(key)':") else { return nil }
            return text[r.upperBound...].drop(while: { $0 == " " })
        }
        guard let descr = field("descr"), descr.hasPrefix("'<f4'") else {
            throw .invalid(path: path, reason: "only float32 ('<f4') .npy files are supported")
        }
        guard let order = field("fortran_order"), order.hasPrefix("False") else {
            throw .invalid(path: path, reason: "only C-order .npy files are supported")
        }
        guard let shape = field("shape"), shape.hasPrefix("("), let close = shape.firstIndex(of: ")") else {
            throw .invalid(path: path, reason: "the .npy header has no shape")
        }
        let dims = shape[shape.index(after: shape.startIndex)..<close].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        .filter { !$0.isEmpty }.map { Int($0) }
        guard dims.count == 2, let n = dims[0], let d = dims[1], n >= 0, d > 0 else {
            throw .invalid(path: path, reason: "the .npy array must have shape (N, D), got \(shape[...close])")
        }
        rows = n
        columns = d
        dataOffset = headerStart + headerLength
        let (bytes, overflow) = n.multipliedReportingOverflow(by: d * 4)
        guard !overflow, dataOffset + bytes <= reader.data.count else {
            throw .invalid(path: path, reason: "the file is shorter than its (\(n), \(d)) float32 array")
        }
    }

    /// The 128-byte version 1.0 header.
    var encoded: [UInt8] {
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let length = NumPyHeader.writtenSize - 10
        dict += String(repeating: " ", count: length - 1 - dict.utf8.count) + "\n"
        return NumPyHeader.magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
    }
}
