import Foundation

/// How Hugging Face's BERT tokenizer classifies a code point.
///
/// The reference is the Rust `tokenizers` library behind `AutoTokenizer` (what sentence-transformers
/// runs). Its `BertNormalizer` and `BertPreTokenizer` ask three questions of each code point:
///
/// - control (dropped): general category `Cc`, `Cf` or `Co`, except `\t`, `\n`, `\r`. Unassigned
///   code points (`Cn`) are kept. (Python's `BertTokenizerLegacy` drops every `C*`, `Cn` included.)
/// - whitespace (becomes a space): `\t`, `\n`, `\r` or the `White_Space` property.
/// - punctuation (a word of its own): ASCII 33–47, 58–64, 91–96, 123–126 or a `P*` category.
///
/// The categories, the nonspacing marks (`Mn`) that accent stripping drops and the canonical
/// decompositions of NFD all come from Unicode 8.0 tables there. So a code point assigned after
/// Unicode 8.0 is unassigned to Hugging Face, and seven older code points whose category has
/// changed since keep their 8.0 category (``category(of:)``). Lower-casing uses the current
/// Unicode data in both Rust and Swift. `TokenizerUnicodeTests` checks every code point against a
/// probe of the Rust library.
enum BertCharacters {
    /// The Unicode version of the tables Hugging Face's `tokenizers` classifies with.
    static let unicodeVersion = (major: 8, minor: 0)

    /// Whether the code point was assigned in Unicode 8.0 or earlier.
    static func isKnown(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return true }
        guard let age = scalar.properties.age else { return false }
        return (age.major, age.minor) <= unicodeVersion
    }

    /// The general category as Unicode 8.0 gave it.
    static func category(of scalar: Unicode.Scalar) -> Unicode.GeneralCategory {
        switch scalar.value {
        case 0x166D, 0x111C9: return .otherPunctuation  // now So and Mn
        case 0x1734, 0x1171E: return .nonspacingMark  // now Mc
        case 0x1885, 0x1886: return .otherLetter  // now Mn
        case 0xA9BD: return .spacingMark  // now Mn
        default: return isKnown(scalar) ? scalar.properties.generalCategory : .unassigned
        }
    }

    /// A control or format character that cleaning drops (NUL and U+FFFD are dropped too, by the caller).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        if scalar.value < 0x80 { return scalar.value < 0x20 || scalar.value == 0x7F }
        switch category(of: scalar) {
        case .control, .format, .privateUse: return true
        default: return false
        }
    }

    /// Whitespace: the `White_Space` property (which includes `\t`, `\n`, `\r`).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar == " " || (0x09...0x0D).contains(scalar.value) }
        return scalar.properties.isWhitespace
    }

    /// Punctuation: every ASCII symbol plus the `P*` categories.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        case 0..<0x80: return false
        default: break
        }
        switch category(of: scalar) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// A CJK ideograph that becomes a word of its own: the ranges Hugging Face's Rust code lists.
    ///
    /// Note U+2B820...U+2B91F is *not* included (Python's `BertTokenizerLegacy` includes it).
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
            0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// A nonspacing mark (`Mn`), which accent stripping drops.
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x300 && category(of: scalar) == .nonspacingMark
    }

    /// Canonical decomposition (NFD) as Unicode 8.0 tables give it.
    ///
    /// Runs of code points known to Unicode 8.0 go through Foundation's NFD (decompositions and
    /// combining classes of assigned code points never change). A later code point is unassigned to
    /// Hugging Face: it stays as it is and, having combining class 0, no mark is reordered across it.
    ///
    /// Foundation's NFD (`CFStringNormalize`) moves the rest of its string for every code point
    /// that expands, so it is quadratic in the string's length (a 50 MB text with accents took
    /// hours). Runs are therefore cut every ``normalizationRunLength`` code points or so, before a
    /// code point whose decomposition starts with a starter (combining class 0): canonical
    /// reordering never crosses such a point, so the output is the same as in one piece.
    static func decomposed(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // Nothing below U+00C0 decomposes.
        if scalars.allSatisfy({ $0.value < 0xC0 }) { return scalars }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(scalars.count)
        var run = String.UnicodeScalarView()
        var runLength = 0
        func flushRun() {
            guard !run.isEmpty else { return }
            output.append(contentsOf: String(run).decomposedStringWithCanonicalMapping.unicodeScalars)
            run = String.UnicodeScalarView()
            runLength = 0
        }
        for scalar in scalars {
            if isKnown(scalar) {
                if runLength >= normalizationRunLength && decomposesToStarter(scalar) { flushRun() }
                run.append(scalar)
                runLength += 1
            } else {
                flushRun()
                output.append(scalar)
            }
        }
        flushRun()
        return output
    }

    /// The length (in code points) past which ``decomposed(_:)`` cuts a run at the next safe point.
    static let normalizationRunLength = 1024

    /// Whether the canonical decomposition of `scalar` starts with a starter (combining class 0),
    /// so that NFD can be cut before it. False for marks and for the few starters that decompose
    /// to a mark first (Tibetan U+0F73 → U+0F71 U+0F72).
    static func decomposesToStarter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return true }
        guard scalar.properties.canonicalCombiningClass == .notReordered else { return false }
        let first = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first
        return first?.properties.canonicalCombiningClass == .notReordered
    }

    /// Appends the lower-case form of one code point, without context (so `Σ` always becomes `σ`,
    /// never the final `ς`; `İ` becomes `i` + U+0307), as Rust's `char::to_lowercase` does.
    static func appendLowercased(_ scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        if scalar.value < 0x80 {
            output.append((0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar)
        } else {
            output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }
}
