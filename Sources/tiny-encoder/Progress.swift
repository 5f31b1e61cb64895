import Foundation
import Synchronization

/// A progress line on stderr: texts done, rate, and (when the input's size is known) percent and ETA.
///
/// `.auto` shows it only when stderr is a terminal and the run has lasted a second (so small
/// inputs and pipes never see it); `.always` (`--progress`) shows it from the start, and where
/// stderr is not a terminal prints a plain line every few seconds instead of redrawing;
/// `.never` (`--quiet`) never does.
final class Progress {
    enum Mode { case auto, always, never }

    private let mode: Mode
    private let totalBytes: Int?
    private let unit: String
    private let terminal = Diagnostics.isTerminal
    private let startTime = Date()
    private var lastDraw = Date.distantPast
    private var items = 0
    private var bytes = 0
    private var shown = false

    /// Whether a redrawn line is on the terminal now (so messages clear it first).
    private static let lineDrawn = Atomic<Bool>(false)

    init(mode: Mode, totalBytes: Int?, unit: String = "texts") {
        self.mode = mode
        self.totalBytes = totalBytes.flatMap { $0 > 0 ? $0 : nil }
        self.unit = unit
    }

    /// Records the totals so far (texts done, input bytes consumed) and redraws when it is time.
    func update(items: Int, bytes: Int) {
        self.items = items
        self.bytes = bytes
        let now = Date()
        switch mode {
        case .never:
            return
        case .auto:
            guard terminal, now.timeIntervalSince(startTime) >= 1 else { return }
        case .always:
            break
        }
        let interval = terminal ? 0.1 : 5
        guard now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        draw(final: false)
    }

    /// Draws the last line (when the bar was shown, or `--progress` asked for it) and ends it.
    func finish() {
        guard mode == .always || shown else { return }
        draw(final: true)
    }

    private func draw(final: Bool) {
        shown = true
        let line = Progress.format(
            items: items, bytes: bytes, totalBytes: totalBytes, elapsed: Date().timeIntervalSince(startTime),
            unit: unit, final: final)
        if terminal {
            writeAll(2, Array(("\r" + line + "\u{1B}[K" + (final ? "\n" : "")).utf8))
            Progress.lineDrawn.store(!final, ordering: .relaxed)
        } else {
            writeAll(2, Array((line + "\n").utf8))
        }
    }

    /// Clears a half-drawn progress line so a message starts at the left margin.
    static func clearLineIfDrawn() {
        if lineDrawn.exchange(false, ordering: .relaxed) { writeAll(2, Array("\r\u{1B}[K".utf8)) }
    }

    /// "  1,234 texts  412.3 texts/s  [#######-------------]  35%  ETA 0:07", or at the end
    /// "  1,234 texts in 3.0 s (412.3 texts/s)".
    static func format(items: Int, bytes: Int, totalBytes: Int?, elapsed: Double, unit: String, final: Bool) -> String {
        let rate = elapsed > 0 ? Double(items) / elapsed : 0
        let count = grouped(items)
        let rateText = String(format: "%.1f", rate) + " \(unit)/s"
        if final { return "  \(count) \(unit) in \(String(format: "%.1f", elapsed)) s (\(rateText))" }
        var line = "  \(count) \(unit)  \(rateText)"
        if let totalBytes {
            let fraction = min(1, Double(bytes) / Double(totalBytes))
            let width = 20
            let filled = Int(fraction * Double(width))
            line += "  [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
            line += String(format: " %3d%%", Int(fraction * 100))
            if bytes > 0 && elapsed > 0 {
                let remaining = elapsed * Double(totalBytes - bytes) / Double(bytes)
                line += "  ETA " + duration(remaining)
            }
        }
        return line
    }

    /// "0:07", "1:02:03".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
