/// Attention weights as a block of Unicode shades for the terminal: one row per attending
/// token (labelled on the left), one column per attended-to token (labelled vertically above).
///
///                 [ t c s
///                 C h a a
///                 L e t t
///                 S
///                 ]
///        [CLS]    █ ░
///          the    ▒ ░ ▓
enum Heatmap {
    /// Darker is more attention: blank below 0.04, then ░ ▒ ▓ █ from 0.04, 0.16, 0.36, 0.64
    /// (the squares of 0.2, 0.4, 0.6, 0.8, so small weights still show).
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]
    static let thresholds: [Float] = [0.04, 0.16, 0.36, 0.64]

    /// The shade of a weight in [0, 1].
    static func shade(_ weight: Float) -> Character {
        shades[thresholds.filter { weight >= $0 }.count]
    }

    /// "  ░ ≥ 0.04  ▒ ≥ 0.16  ▓ ≥ 0.36  █ ≥ 0.64".
    static var legend: String {
        zip(shades.dropFirst(), thresholds).map { "\($0) ≥ \($1)" }.joined(separator: "  ")
    }

    /// The heatmap of `weights` `[T][T]` for `tokens` `[T]`; labels are cut to `labelLimit` characters.
    static func render(weights: [[Float]], tokens: [String], labelLimit: Int = 12) -> String {
        precondition(
            weights.count == tokens.count && weights.allSatisfy { $0.count == tokens.count },
            "weights must be [T][T] for T tokens")
        let labels = tokens.map { shortLabel($0, width: labelLimit) }
        let labelWidth = labels.map(\.count).max() ?? 0
        let height = labelWidth
        let margin = String(repeating: " ", count: labelWidth + 2)
        var out = ""
        // Column labels, one character per line, each column two characters wide.
        for row in 0..<height {
            var line = margin
            for label in labels {
                let characters = Array(label)
                line += (row < characters.count ? String(characters[row]) : " ") + " "
            }
            out += trimmedRight(line) + "\n"
        }
        for (label, row) in zip(labels, weights) {
            var line = String(repeating: " ", count: labelWidth - label.count) + label + "  "
            for w in row { line += String(repeating: shade(w), count: 2) }
            out += trimmedRight(line) + "\n"
        }
        return out
    }

    private static func trimmedRight(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
