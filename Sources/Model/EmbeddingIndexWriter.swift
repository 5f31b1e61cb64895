import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes an `.emb` or `.npy` file (see `EmbeddingIndex`) one embedding at a time, in constant
/// memory: rows go straight to the file, texts to an unlinked temporary file that is appended
/// at the end, and the count is filled into the header by `finish()`.
///
/// Hand it the handle of a file opened for writing at offset 0 (as `writeAtomically` gives);
/// the handle must support seeking, so not a pipe.
public final class EmbeddingIndexWriter {
    public let format: EmbeddingFileFormat
    public let dimension: Int
    /// Embeddings appended so far.
    public private(set) var count = 0

    private let handle: FileHandle
    private let metadata: [String: String]
    private var buffer: [UInt8] = []
    private var textSpool: Int32 = -1
    private var textBuffer: [UInt8] = []
    private var finished = false

    /// Starts a file: writes a header with a count of 0.
    /// - Throws: `EmbeddingIndexError.write` when the temporary text file cannot be made.
    public init(handle: FileHandle, format: EmbeddingFileFormat, dimension: Int, metadata: [String: String] = [:])
        throws
    {
        precondition(dimension > 0, "an embedding file needs a positive dimension, got \(dimension)")
        self.handle = handle
        self.format = format
        self.dimension = dimension
        self.metadata = metadata
        if format == .emb {
            let directory = FileManager.default.temporaryDirectory.path
            let path = "\(directory)/.tiny-encoder-texts-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            textSpool = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard textSpool >= 0 else {
                throw EmbeddingIndexError.write(
                    path: path,
                    reason: "cannot create a temporary file for the texts: \(String(cString: strerror(errno)))")
            }
            unlink(path)
        }
        try handle.write(contentsOf: header())
    }

    deinit {
        if textSpool >= 0 { close(textSpool) }
    }

    /// Appends one embedding `[D]` with its text and input line number (from 1; 0 when unknown).
    /// `.npy` files keep only the vector.
    public func append(_ vector: [Float], text: String = "", line: Int = 0) throws {
        precondition(!finished, "append after finish")
        precondition(
            vector.count == dimension,
            "embedding of dimension \(vector.count) appended to a file of dimension \(dimension)")
        for x in vector { appendLittleEndian(x.bitPattern, to: &buffer) }
        if format == .emb {
            let bytes = Array(text.utf8)
            appendLittleEndian(UInt64(max(0, line)), to: &textBuffer)
            appendLittleEndian(UInt32(bytes.count), to: &textBuffer)
            textBuffer += bytes
        }
        count += 1
        if buffer.count >= 1 << 20 || textBuffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered.
    public func flush() throws {
        if !buffer.isEmpty {
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        if !textBuffer.isEmpty {
            try writeAll(textSpool, textBuffer)
            textBuffer.removeAll(keepingCapacity: true)
        }
    }

    /// Appends the texts and writes the final count into the header. The file is complete afterwards.
    public func finish() throws {
        precondition(!finished, "finish called twice")
        try flush()
        if format == .emb {
            guard lseek(textSpool, 0, SEEK_SET) == 0 else { throw spoolError() }
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(textSpool, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw spoolError() }
                if n == 0 { break }
                try handle.write(contentsOf: chunk[0..<n])
            }
        }
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: header())
        try handle.seekToEnd()
        finished = true
    }

    private func header() -> [UInt8] {
        switch format {
        case .npy:
            return NumPyHeader(rows: count, columns: dimension).encoded
        case .emb:
            let json =
                "{"
                + metadata.sorted { $0.key < $1.key }.map {
                    JSONLines.quoted($0.key) + ":" + JSONLines.quoted($0.value)
                }.joined(separator: ",") + "}"
            let metadataBytes = Array(json.utf8)
            var bytes = EmbeddingIndex.magic
            appendLittleEndian(EmbeddingIndex.version, to: &bytes)
            appendLittleEndian(UInt64(count), to: &bytes)
            appendLittleEndian(UInt32(dimension), to: &bytes)
            appendLittleEndian(UInt32(metadataBytes.count), to: &bytes)
            bytes += metadataBytes
            bytes += [UInt8](repeating: 0, count: (64 - bytes.count % 64) % 64)
            return bytes
        }
    }

    private func spoolError() -> EmbeddingIndexError {
        .write(path: "temporary text file", reason: String(cString: strerror(errno)))
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw spoolError() }
            offset += n
        }
    }
}

private func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}
