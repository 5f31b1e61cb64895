import Foundation
import Model

/// How input lines hold texts.
enum InputFormat: String, CaseIterable {
    /// One text per line (a trailing `\r` is dropped).
    case text
    /// One JSON object per line with a `"text"` string, which may hold newlines and tabs; blank lines are skipped.
    case jsonl
}

/// One text and where it came from.
struct InputRecord {
    var text: String
    /// The input line it was on (from 1), or its position among the arguments (from 1).
    var line: Int
    /// The bytes of input it took, for progress.
    var byteCount: Int
}

/// Texts from the command line, stdin, or a file, read a batch at a time in constant memory.
///
/// Input is read as bytes in 64 KiB chunks and split at `\n`; each line is checked to be UTF-8
/// (the error names the line) and, for JSONL, parsed. With `skipInvalid` such lines are counted
/// and left out instead.
final class InputReader {
    /// "stdin", the file's path, or "arguments".
    let sourceName: String
    /// The input's size when known (a regular file), for the progress bar's ETA.
    let totalBytes: Int?
    /// Bytes taken by the records returned so far.
    private(set) var bytesConsumed = 0
    /// Lines left out by `skipInvalid`, in order.
    private(set) var skippedLines: [Int] = []

    private let format: InputFormat
    private let skipInvalid: Bool
    private let skipBlank: Bool
    private var arguments: [String]?
    private var argumentIndex = 0
    private let fd: Int32
    /// A regular file never blocks; a pipe or terminal is polled (see `waitUntilReadable`).
    private let isRegularFile: Bool
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var atEOF = false
    private var lineNumber = 0
    private var prefetched: [InputRecord] = []

    /// Texts given as arguments.
    init(arguments: [String]) {
        sourceName = "arguments"
        totalBytes = arguments.reduce(0) { $0 + $1.utf8.count + 1 }
        self.arguments = arguments
        format = .text
        skipInvalid = false
        skipBlank = false
        fd = -1
        isRegularFile = true
        ownsDescriptor = false
    }

    /// Texts from `path` (nil or "-" for stdin).
    /// - Parameter skipBlank: leave out lines that are empty or only spaces (JSONL always does).
    /// - Throws: `CommandError` when the file cannot be opened.
    init(path: String?, format: InputFormat, skipInvalid: Bool, skipBlank: Bool = false) throws {
        if let path, path != "-" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw CommandError("cannot read \(path): it is a directory")
            }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CommandError("cannot read \(path): \(String(cString: strerror(errno)))") }
            self.fd = fd
            ownsDescriptor = true
            sourceName = path
        } else {
            fd = 0
            ownsDescriptor = false
            sourceName = "stdin"
        }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG {
            let position = lseek(fd, 0, SEEK_CUR)
            totalBytes = Int(info.st_size) - Int(max(0, position))
            isRegularFile = true
        } else {
            totalBytes = nil
            isRegularFile = false
        }
        self.format = format
        self.skipInvalid = skipInvalid
        self.skipBlank = skipBlank || format == .jsonl
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// "stdin line 7", "notes.txt line 7", or "argument 2": where `record` came from, for messages.
    func location(of line: Int) -> String {
        arguments != nil ? "argument \(line)" : "\(sourceName) line \(line)"
    }

    /// Up to `size` records; fewer only at the end of the input; empty when it is over.
    func nextBatch(_ size: Int) throws -> [InputRecord] {
        var batch: [InputRecord] = []
        batch.reserveCapacity(size)
        while batch.count < size, let record = try next() { batch.append(record) }
        return batch
    }

    /// Reads up to `size` records ahead (they are returned by `next()` as usual), so an empty
    /// input or a bad first line is reported before the model is loaded.
    /// - Returns: whether the input has any record.
    @discardableResult
    func prefetch(_ size: Int) throws -> Bool {
        while prefetched.count < size, let record = try readRecord() { prefetched.append(record) }
        return !prefetched.isEmpty
    }

    /// The next text, or nil at the end of the input.
    /// - Throws: `CommandError` naming the line for invalid UTF-8 or JSON (unless skipping),
    ///   `Interrupted` when a signal arrives while waiting for input.
    func next() throws -> InputRecord? {
        if !prefetched.isEmpty { return prefetched.removeFirst() }
        return try readRecord()
    }

    private func readRecord() throws -> InputRecord? {
        if let arguments {
            guard argumentIndex < arguments.count else { return nil }
            argumentIndex += 1
            let text = arguments[argumentIndex - 1]
            bytesConsumed += text.utf8.count + 1
            return InputRecord(text: text, line: argumentIndex, byteCount: text.utf8.count + 1)
        }
        while let (bytes, consumed) = try nextLine() {
            lineNumber += 1
            bytesConsumed += consumed
            var line = bytes
            if format == .text, line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard let text = String(validating: line, as: UTF8.self) else {
                if skipInvalid {
                    skippedLines.append(lineNumber)
                    continue
                }
                throw CommandError(
                    "\(location(of: lineNumber)) is not valid UTF-8 (\(InputReader.describeInvalidUTF8(line))); fix the input or pass --skip-invalid to leave such lines out"
                )
            }
            if skipBlank && text.allSatisfy(\.isWhitespace) { continue }
            switch format {
            case .text:
                return InputRecord(text: text, line: lineNumber, byteCount: consumed)
            case .jsonl:
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                    let value = object["text"] as? String
                else {
                    if skipInvalid {
                        skippedLines.append(lineNumber)
                        continue
                    }
                    throw CommandError(
                        "\(location(of: lineNumber)) is not a JSON object with a \"text\" string; fix the input or pass --skip-invalid to leave such lines out"
                    )
                }
                return InputRecord(text: value, line: lineNumber, byteCount: consumed)
            }
        }
        return nil
    }

    /// The next line's bytes without its `\n`, and the bytes it took with it.
    private func nextLine() throws -> (ArraySlice<UInt8>, Int)? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                scanned = start
                return (line, line.count + 1)
            }
            scanned = buffer.count
            if atEOF {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return (line, line.count)
            }
            try readMore()
        }
    }

    /// Reads one more chunk, dropping the bytes already returned.
    private func readMore() throws {
        if start > 0 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        if !isRegularFile { try waitUntilReadable() }
        let chunk = 1 << 16
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, chunk) }
            if n < 0 && errno == EINTR {
                try Interrupt.check()
                continue
            }
            guard n >= 0 else {
                let reason = String(cString: strerror(errno))
                buffer.removeLast(chunk)
                throw CommandError("cannot read \(sourceName): \(reason)")
            }
            buffer.removeLast(chunk - n)
            if n == 0 { atEOF = true }
            return
        }
    }

    /// Waits for a pipe or terminal to have data (or end), checking for Ctrl-C every 200 ms:
    /// the signal may land on any thread (OpenBLAS starts its own), so a blocked `read` on this
    /// one could not be relied on to return.
    private func waitUntilReadable() throws {
        var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            try Interrupt.check()
            let ready = poll(&request, 1, 200)
            if ready > 0 || (ready < 0 && errno != EINTR) { return }  // read() reports any error
        }
    }

    /// "byte 0xFF at byte 3 of the line": the first place the bytes stop being UTF-8.
    static func describeInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return "bytes end in the middle of a character"
            case .error:
                let byte = bytes[bytes.startIndex + offset]
                let hex = String(byte, radix: 16, uppercase: true)
                return "byte 0x\(hex.count == 1 ? "0" : "")\(hex) at byte \(offset + 1) of the line"
            }
        }
    }
}

extension InputReader {
    /// Reads the input in batches of `size` and calls `body` with each batch that belongs to
    /// `shard` (all of them without one), checking for Ctrl-C between batches and updating
    /// `progress`. Batch boundaries depend only on the input, so every shard of a run agrees.
    /// - Returns: the number of texts read, in all shards.
    func forEachBatch(size: Int, shard: Shard?, progress: Progress, _ body: ([InputRecord]) throws -> Void) throws
        -> Int
    {
        var batchNumber = 0
        var read = 0
        var processed = 0
        while true {
            try Interrupt.check()
            let batch = try nextBatch(size)
            if batch.isEmpty { break }
            read += batch.count
            if shard?.contains(batch: batchNumber) ?? true {
                try body(batch)
                processed += batch.count
            }
            batchNumber += 1
            progress.update(items: processed, bytes: bytesConsumed)
        }
        return read
    }

    /// "no texts to embed: stdin is empty" (or: every line was left out as invalid).
    func noTextsMessage(to verb: String) -> String {
        guard skippedLines.isEmpty else {
            return "no texts to \(verb): all \(skippedLines.count) lines of \(sourceName) were left out as invalid"
        }
        return "no texts to \(verb): \(sourceName) is empty"
    }

    /// One warning for the lines `--skip-invalid` left out, or nil.
    var skippedWarning: String? {
        guard !skippedLines.isEmpty else { return nil }
        let shown = skippedLines.prefix(5).map(String.init).joined(separator: ", ")
        let more = skippedLines.count > 5 ? ", …" : ""
        let what = skippedLines.count == 1 ? "line" : "lines"
        let invalid = format == .text ? "not valid UTF-8" : "not UTF-8 JSON objects with a \"text\" string"
        return
            "left out \(skippedLines.count) \(what) of \(sourceName) that \(skippedLines.count == 1 ? "was" : "were") \(invalid) (\(what) \(shown)\(more))"
    }
}
