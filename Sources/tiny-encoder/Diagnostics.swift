import Foundation

/// Messages for the user on stderr: `tiny-encoder: error: …` and `tiny-encoder: warning: …`,
/// one line each.
enum Diagnostics {
    static func error(_ message: String) { write("tiny-encoder: error: \(oneLine(message))\n") }

    static func warning(_ message: String) { write("tiny-encoder: warning: \(oneLine(message))\n") }

    /// Writes `text` to stderr as is.
    static func write(_ text: String) {
        Progress.clearLineIfDrawn()
        writeAll(2, Array(text.utf8))
    }

    /// Whether stderr is a terminal.
    static var isTerminal: Bool { isatty(2) == 1 }

    private static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// Writes every byte to `fd`, retrying after signals; false when the descriptor refuses.
@discardableResult
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return false }
        offset += n
    }
    return true
}
