import Foundation
import Model

/// Where a command's output goes, a batch at a time: stdout, or a file that is replaced only
/// when the whole run succeeds (a temporary file renamed over it, via `writeAtomically`).
///
/// Text is buffered and written by `flush()`, which the commands call after each batch, so a
/// reader of stdout sees whole lines, batch by batch.
final class OutputWriter {
    /// The file being written (the temporary one), or nil for stdout.
    let fileHandle: FileHandle?
    /// The destination's name for messages.
    let name: String
    private var buffer: [UInt8] = []

    private init(fileHandle: FileHandle?, name: String) {
        self.fileHandle = fileHandle
        self.name = name
    }

    /// Runs `body` with a writer for `path` (nil or "-" for stdout), then flushes. For a file,
    /// nothing replaces `path` unless `body` returns normally.
    static func withDestination(_ path: String?, _ body: (OutputWriter) throws -> Void) throws {
        guard let path, path != "-" else {
            let writer = OutputWriter(fileHandle: nil, name: "stdout")
            try body(writer)
            try writer.flush()
            return
        }
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandError("--output \(path) is a directory")
        }
        do {
            try writeAtomically(to: url) { handle in
                let writer = OutputWriter(fileHandle: handle, name: path)
                try body(writer)
                try writer.flush()
            }
        } catch let error as AtomicWriteError {
            throw CommandError(error.description)
        }
    }

    func write(_ text: String) { buffer.append(contentsOf: text.utf8) }

    /// Writes what is buffered.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        if let fileHandle {
            do { try fileHandle.write(contentsOf: buffer) } catch {
                throw CommandError("cannot write \(name): \(describe(error))")
            }
        } else if !writeAll(1, buffer) {
            throw CommandError("cannot write to stdout: \(String(cString: strerror(errno)))")
        }
    }
}

/// Output that is not a stream of records (help, tables).
enum Output {
    static func printToStdout(_ text: String) { writeAll(1, Array(text.utf8)) }

    /// Whether stdout is a terminal.
    static var isTerminal: Bool { isatty(1) == 1 }
}

/// Tab-separated values: a field with a tab, newline, carriage return or backslash has them
/// written as `\t`, `\n`, `\r`, `\\` (the convention of PostgreSQL's and MySQL's text format),
/// so every record is one line and every field one column.
enum TSV {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\\" || $0 == "\r\n" }) else {
            return text
        }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func row(_ fields: [String]) -> String { fields.joined(separator: "\t") + "\n" }
}
