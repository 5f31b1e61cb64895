import Foundation
import Testing

@testable import Model

/// Compares every case of Tests/Fixtures/tokenizer/parity.json (Hugging Face's output for
/// all-MiniLM-L6-v2 and four other option sets) with ``BertTokenizer``, id for id.
@Suite struct TokenizerParityTests {
    struct Fixture: Decodable {
        var reference: String
        var configs: [String: Configuration]
        var cases: [Case]
    }

    struct Configuration: Decodable {
        var doLowerCase: Bool
        var stripAccents: Bool?
        var tokenizeChineseChars: Bool

        enum CodingKeys: String, CodingKey {
            case doLowerCase = "do_lower_case"
            case stripAccents = "strip_accents"
            case tokenizeChineseChars = "tokenize_chinese_chars"
        }
    }

    struct Case: Decodable {
        var config: String
        var text: String
        var textScalars: Int
        var pair: String?
        var pairScalars: Int?
        var maxLength: Int?
        var ids: [Int]
        var tokens: [String]
        var typeIds: [Int]
        var truncated: Int
        var legacyIds: [Int]?

        enum CodingKeys: String, CodingKey {
            case config, text, pair, ids, tokens, truncated
            case textScalars = "text_scalars"
            case pairScalars = "pair_scalars"
            case maxLength = "max_length"
            case typeIds = "type_ids"
            case legacyIds = "legacy_ids"
        }
    }

    static func load() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: TokenizerFixtures.parity))
    }

    @Test func everyCaseMatchesHuggingFace() throws {
        let fixture = try Self.load()
        var tokenizers: [String: BertTokenizer] = [:]
        for (name, configuration) in fixture.configs {
            let options = TokenizerOptions(
                doLowerCase: configuration.doLowerCase, stripAccents: configuration.stripAccents,
                tokenizeChineseChars: configuration.tokenizeChineseChars)
            tokenizers[name] = try BertTokenizer(vocabularyFile: TokenizerFixtures.vocabulary, options: options)
        }
        #expect(fixture.cases.count >= 300)
        var mismatches = 0
        var perConfiguration: [String: Int] = [:]
        for item in fixture.cases {
            perConfiguration[item.config, default: 0] += 1
            // The JSON must reach Swift with exactly the code points Python wrote.
            #expect(item.text.unicodeScalars.count == item.textScalars, "decoded text \(item.text.debugDescription)")
            #expect(item.pair?.unicodeScalars.count == item.pairScalars)
            let tokenizer = try #require(tokenizers[item.config], "unknown configuration \(item.config)")
            let actual = tokenizer.encode(item.text, pair: item.pair, maxLength: item.maxLength)
            // Tokens are compared code point by code point: Swift's == would call "é" and "e\u{301}" equal.
            let sameTokens =
                actual.tokens.map { Array($0.unicodeScalars) } == item.tokens.map { Array($0.unicodeScalars) }
            if actual.ids != item.ids || !sameTokens || actual.typeIds != item.typeIds
                || actual.truncatedCount != item.truncated
            {
                mismatches += 1
                if mismatches <= 20 {
                    Issue.record(
                        """
                        [\(item.config)] text \(item.text.debugDescription) pair \(item.pair?.debugDescription ?? "nil") \
                        max_length \(item.maxLength.map(String.init) ?? "nil")
                          code points: \(TokenizerFixtures.codePoints(item.text))
                          expected ids \(item.ids) type ids \(item.typeIds) truncated \(item.truncated)
                          actual   ids \(actual.ids) type ids \(actual.typeIds) truncated \(actual.truncatedCount)
                          expected tokens \(item.tokens)
                          actual   tokens \(actual.tokens)
                        """)
                }
            }
        }
        let legacyDisagreements = fixture.cases.filter { $0.legacyIds != nil }.count
        print(
            "tokenizer parity: \(fixture.cases.count) cases \(perConfiguration.sorted { $0.key < $1.key }), "
                + "\(mismatches) mismatches; reference \(fixture.reference); "
                + "\(legacyDisagreements) cases where Python's BertTokenizerLegacy differs from it")
        #expect(mismatches == 0)
    }

    @Test func tokenizeAgreesWithEncode() throws {
        let fixture = try Self.load()
        let tokenizer = try BertTokenizer(vocabularyFile: TokenizerFixtures.vocabulary)
        for item in fixture.cases where item.config == "default" && item.pair == nil && item.maxLength == nil {
            #expect(tokenizer.pieceIds(item.text) == Array(item.ids.dropFirst().dropLast()))
        }
    }

    /// The real model folder, when it is there (it is not committed): its config gives the default options.
    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: TokenizerFixtures.model.appendingPathComponent("vocab.txt").path)
        ))
    func modelFolderMatchesFixtures() throws {
        let tokenizer = try BertTokenizer(directory: TokenizerFixtures.model)
        #expect(tokenizer.options == TokenizerOptions())
        #expect(tokenizer.vocabularySize == 30522)
        let fixture = try Self.load()
        for item in fixture.cases.prefix(200) where item.config == "default" {
            #expect(tokenizer.encode(item.text, pair: item.pair, maxLength: item.maxLength).ids == item.ids)
        }
    }
}
