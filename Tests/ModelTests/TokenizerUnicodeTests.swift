import Foundation
import Testing

@testable import Model

/// Checks ``BertCharacters`` against a probe of Hugging Face's Rust normaliser and pre-tokeniser on
/// every code point (Tests/Fixtures/tokenizer/unicode_classes.json).
@Suite struct TokenizerUnicodeTests {
    struct Classes: Decodable {
        var dropped: [[UInt32]]
        var whitespace: [[UInt32]]
        var punctuation: [[UInt32]]
        var cjk: [[UInt32]]
        var stripAccents: [String: [UInt32]]
        var lowercase: [String: [UInt32]]

        enum CodingKeys: String, CodingKey {
            case dropped, whitespace, punctuation, cjk, lowercase
            case stripAccents = "strip_accents"
        }
    }

    static func set(_ ranges: [[UInt32]]) -> Set<UInt32> {
        Set(ranges.flatMap { $0[0]...$0[1] })
    }

    static func map(_ entries: [String: [UInt32]]) -> [UInt32: [UInt32]] {
        Dictionary(
            uniqueKeysWithValues: entries.compactMap { key, value in UInt32(key, radix: 16).map { ($0, value) } })
    }

    @Test func everyCodePointIsClassifiedLikeHuggingFace() throws {
        let classes = try JSONDecoder().decode(Classes.self, from: Data(contentsOf: TokenizerFixtures.unicodeClasses))
        let dropped = Self.set(classes.dropped)
        let whitespace = Self.set(classes.whitespace)
        let punctuation = Self.set(classes.punctuation)
        let cjk = Self.set(classes.cjk)
        let stripped = Self.map(classes.stripAccents)
        let lowered = Self.map(classes.lowercase)
        var wrong: [String: [String]] = [:]
        func check(_ name: String, _ scalar: Unicode.Scalar, _ ok: Bool) {
            if !ok { wrong[name, default: []].append("U+" + String(scalar.value, radix: 16, uppercase: true)) }
        }
        for value in UInt32(0)..<0x110000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let isDropped = value == 0 || value == 0xFFFD || BertCharacters.isControl(scalar)
            check("dropped", scalar, isDropped == dropped.contains(value))
            check(
                "whitespace", scalar,
                (!isDropped && value != 0x20 && BertCharacters.isWhitespace(scalar)) == whitespace.contains(value))
            check(
                "punctuation", scalar,
                (!BertCharacters.isWhitespace(scalar) && BertCharacters.isPunctuation(scalar))
                    == punctuation.contains(value))
            check("cjk", scalar, BertCharacters.isChineseCharacter(scalar) == cjk.contains(value))
            let strip = BertCharacters.decomposed([scalar]).filter { !BertCharacters.isNonspacingMark($0) }.map(\.value)
            check("strip_accents", scalar, strip == (stripped[value] ?? Self.hangulOrSelf(value)))
            var lower: [Unicode.Scalar] = []
            BertCharacters.appendLowercased(scalar, to: &lower)
            check("lowercase", scalar, lower.map(\.value) == (lowered[value] ?? [value]))
        }
        for (name, points) in wrong.sorted(by: { $0.key < $1.key }) {
            Issue.record("\(name): \(points.count) code points differ from Hugging Face, first \(points.prefix(20))")
        }
        print(
            "tokenizer unicode classes: 1,112,064 code points checked, \(wrong.values.map(\.count).reduce(0, +)) differ"
        )
    }

    /// NFD of a Hangul syllable (U+AC00...U+D7A3) by the Unicode algorithm; other code points unchanged.
    static func hangulOrSelf(_ value: UInt32) -> [UInt32] {
        guard (0xAC00...0xD7A3).contains(value) else { return [value] }
        let index = value - 0xAC00
        let leading = 0x1100 + index / 588
        let vowel = 0x1161 + (index % 588) / 28
        let trailing = index % 28
        return trailing == 0 ? [leading, vowel] : [leading, vowel, 0x11A7 + trailing]
    }
}
