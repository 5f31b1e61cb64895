import Foundation

@testable import Model

/// Paths of the tokenizer fixtures (written by scripts/make_tokenizer_fixtures.py), found from this
/// file's location, and a small vocabulary for hand-written cases.
enum TokenizerFixtures {
    static let repository = Repo.root
    static let directory = repository.appendingPathComponent("Tests/Fixtures/tokenizer")
    static let vocabulary = directory.appendingPathComponent("vocab.txt")
    static let parity = directory.appendingPathComponent("parity.json")
    static let unicodeClasses = directory.appendingPathComponent("unicode_classes.json")
    static let model = Repo.miniLM

    /// A tiny vocabulary: ids 0...4 are the special tokens.
    static let tinyVocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",  // 0...4
        "un", "##aff", "##able", "una", "##ffa", "##ble",  // 5...10
        "a", "##a", "hello", "world", ",", "!", "run", "##ning", "##s",  // 11...19
        "é", "e", "中", "文", "i", "##x",  // 20...25
    ]

    static func tiny(_ options: TokenizerOptions = .init()) throws -> BertTokenizer {
        try BertTokenizer(vocabulary: tinyVocabulary, options: options)
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tokenizer-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A string's code points as `U+XXXX` words, to show what a text really holds.
    static func codePoints(_ text: String) -> String {
        text.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
    }
}
