import Foundation
import Testing

@testable import Model

/// Hand-written cases on a tiny vocabulary: WordPiece, special tokens, pairs, truncation, errors.
@Suite struct TokenizerTests {
    @Test func greedyLongestMatchFirst() throws {
        let tokenizer = try TokenizerFixtures.tiny()
        // "una" beats "un" even though un + ##aff + ##able would also cover the word.
        #expect(tokenizer.tokenize("unaffable") == ["una", "##ffa", "##ble"])
        #expect(tokenizer.tokenize("running runs") == ["run", "##ning", "run", "##s"])
        #expect(tokenizer.tokenize("aaa") == ["a", "##a", "##a"])
    }

    @Test func wordWithoutMatchIsUnknownAsAWhole() throws {
        let tokenizer = try TokenizerFixtures.tiny()
        // "un" matches, "##z" does not: the whole word is [UNK], not "un" + [UNK].
        #expect(tokenizer.tokenize("unz hello") == ["[UNK]", "hello"])
        #expect(tokenizer.tokenize("zzz") == ["[UNK]"])
        // A word may not start with a continuation piece.
        #expect(tokenizer.tokenize("##a") == ["[UNK]", "[UNK]", "a"])
    }

    @Test func wordsOverTheLimitAreUnknown() throws {
        let tokenizer = try TokenizerFixtures.tiny()
        let hundred = tokenizer.tokenize(String(repeating: "a", count: 100))
        #expect(hundred.count == 100 && hundred.first == "a" && hundred.last == "##a")
        #expect(tokenizer.tokenize(String(repeating: "a", count: 101)) == ["[UNK]"])
        // The limit counts code points after normalisation: 100 "á" written as a + U+0301 are 200
        // code points in the text and 100 once accents are stripped, so the word still splits.
        #expect(tokenizer.tokenize(String(repeating: "a\u{301}", count: 100)).count == 100)
        let short = try TokenizerFixtures.tiny(TokenizerOptions(maxInputCharsPerWord: 3))
        #expect(short.tokenize("aaa aaaa") == ["a", "##a", "##a", "[UNK]"])
    }

    @Test func cleaningPunctuationAndChineseCharacters() throws {
        let tokenizer = try TokenizerFixtures.tiny()
        #expect(tokenizer.tokenize("Hello,\tWORLD!") == ["hello", ",", "world", "!"])
        #expect(tokenizer.tokenize("hel\u{0}lo\u{FFFD} wor\u{200B}ld\u{7}") == ["hello", "world"])
        #expect(tokenizer.tokenize("中文") == ["中", "文"])
        #expect(tokenizer.tokenize("a中a") == ["a", "中", "a"])
        #expect(tokenizer.tokenize("") == [])
        #expect(tokenizer.tokenize(" \t\n\r\u{3000}") == [])
    }

    @Test func accentsAndCase() throws {
        let lower = try TokenizerFixtures.tiny()
        #expect(lower.tokenize("É e\u{301} İ") == ["e", "e", "i"])
        let cased = try TokenizerFixtures.tiny(TokenizerOptions(doLowerCase: false))
        // Swift's String equality is canonical, the vocabulary's is not: "e" + U+0301 is not "é".
        #expect(cased.tokenize("é e\u{301}") == ["é", "[UNK]"])
        let casedStripped = try TokenizerFixtures.tiny(TokenizerOptions(doLowerCase: false, stripAccents: true))
        #expect(casedStripped.tokenize("é e\u{301}") == ["e", "e"])
        // Lower-casing without stripping keeps the dot of İ: "i" + U+0307, which is not in the vocabulary.
        let lowerKeep = try TokenizerFixtures.tiny(TokenizerOptions(doLowerCase: true, stripAccents: false))
        #expect(lowerKeep.tokenize("İ I") == ["[UNK]", "i"])
    }

    @Test func specialTokensWrittenInTheText() throws {
        let tokenizer = try TokenizerFixtures.tiny()
        #expect(tokenizer.tokenize("a[SEP]a") == ["a", "[SEP]", "a"])
        #expect(tokenizer.pieceIds("[CLS][MASK][PAD]") == [2, 4, 0])
        // Matched before lower-casing and cleaning, so these are ordinary text.
        #expect(tokenizer.tokenize("[sep]") == ["[UNK]", "[UNK]", "[UNK]"])
        #expect(tokenizer.tokenize("[SE\u{0}P]").contains("[SEP]") == false)
    }

    @Test func singleAndPairLayout() throws {
        let tokenizer = try TokenizerFixtures.tiny()
        let single = tokenizer.encode("hello world")
        #expect(single.tokens == ["[CLS]", "hello", "world", "[SEP]"])
        #expect(single.ids == [2, 13, 14, 3])
        #expect(single.typeIds == [0, 0, 0, 0])
        #expect(single.truncatedCount == 0)
        let pair = tokenizer.encode("hello", pair: "world !")
        #expect(pair.tokens == ["[CLS]", "hello", "[SEP]", "world", "!", "[SEP]"])
        #expect(pair.typeIds == [0, 0, 0, 1, 1, 1])
        #expect(tokenizer.encode("").tokens == ["[CLS]", "[SEP]"])
        let emptyPair = tokenizer.encode("", pair: "")
        #expect(emptyPair.tokens == ["[CLS]", "[SEP]", "[SEP]"])
        #expect(emptyPair.typeIds == [0, 0, 1])
    }

    @Test func truncationOfASingleText() throws {
        let tokenizer = try TokenizerFixtures.tiny()
        let text = "hello world hello world"
        let four = tokenizer.encode(text, maxLength: 4)
        #expect(four.tokens == ["[CLS]", "hello", "world", "[SEP]"])
        #expect(four.truncatedCount == 2)
        #expect(tokenizer.encode(text, maxLength: 2).tokens == ["[CLS]", "[SEP]"])
        #expect(tokenizer.encode(text, maxLength: 2).truncatedCount == 4)
        #expect(tokenizer.encode(text, maxLength: 6).truncatedCount == 0)
        #expect(tokenizer.encode(text, maxLength: 100).count == 6)
        // Shorter than the special tokens: Hugging Face truncates nothing.
        for tooShort in [-5, 0, 1] {
            #expect(tokenizer.encode(text, maxLength: tooShort) == tokenizer.encode(text))
        }
    }

    @Test func truncationOfPairsIsLongestFirst() throws {
        let tokenizer = try TokenizerFixtures.tiny()
        let ten = Array(repeating: "a", count: 10).joined(separator: " ")
        let twelve = Array(repeating: "hello", count: 12).joined(separator: " ")
        // Budget 8 - 3 = 5: the shorter keeps 2, the longer 3.
        let cut = tokenizer.encode(ten, pair: twelve, maxLength: 8)
        #expect(cut.tokens == ["[CLS]", "a", "a", "[SEP]", "hello", "hello", "hello", "[SEP]"])
        #expect(cut.typeIds == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(cut.truncatedCount == 17)
        let swapped = tokenizer.encode(twelve, pair: ten, maxLength: 8)
        #expect(swapped.tokens == ["[CLS]", "hello", "hello", "hello", "[SEP]", "a", "a", "[SEP]"])
        // Only the longer one is cut when the shorter fits.
        let oneSided = tokenizer.encode("a a", pair: twelve, maxLength: 10)
        #expect(oneSided.ids.filter { $0 == 11 }.count == 2 && oneSided.count == 10)
        #expect(tokenizer.encode(ten, pair: twelve, maxLength: 3).tokens == ["[CLS]", "[SEP]", "[SEP]"])
        #expect(tokenizer.encode(ten, pair: twelve, maxLength: 2).count == 25)
    }

    @Test func longestFirstArithmetic() {
        // (first, second, budget) -> kept (first, second)
        let cases = [
            (10, 12, 5, 2, 3), (12, 10, 5, 3, 2), (2, 10, 7, 2, 5), (4, 4, 7, 3, 4), (8, 4, 7, 4, 3),
            (0, 9, 7, 0, 7), (3, 3, 6, 3, 3), (5, 5, 0, 0, 0), (100, 200, 1, 0, 1),
        ]
        for (first, second, budget, keptFirst, keptSecond) in cases {
            let kept = Truncation.kept(first: first, second: second, budget: budget)
            #expect(kept.first == keptFirst && kept.second == keptSecond, "\(first), \(second) at budget \(budget)")
        }
    }

    @Test func missingSpecialTokensAndEmptyVocabulary() {
        #expect(throws: TokenizerError.emptyVocabulary) { try BertTokenizer(vocabulary: []) }
        let base = TokenizerFixtures.tinyVocabulary
        for token in ["[UNK]", "[CLS]", "[SEP]", "[PAD]"] {
            #expect(throws: TokenizerError.missingSpecialToken(token)) {
                try BertTokenizer(vocabulary: base.filter { $0 != token })
            }
        }
        // [MASK] is optional.
        let noMask = try? BertTokenizer(vocabulary: base.filter { $0 != "[MASK]" })
        #expect(noMask?.maskId == nil && noMask?.tokenize("[MASK]") == ["[UNK]", "[UNK]", "[UNK]"])
        #expect(throws: TokenizerError.missingSpecialToken("<s>")) {
            try BertTokenizer(vocabulary: base, options: TokenizerOptions(clsToken: "<s>"))
        }
    }

    @Test func lookups() throws {
        let tokenizer = try TokenizerFixtures.tiny()
        #expect(tokenizer.vocabularySize == TokenizerFixtures.tinyVocabulary.count)
        #expect(tokenizer.id(of: "hello") == 13 && tokenizer.id(of: "nope") == nil)
        #expect(tokenizer.token(of: 13) == "hello" && tokenizer.token(of: -1) == nil && tokenizer.token(of: 999) == nil)
        #expect(
            (tokenizer.padId, tokenizer.unknownId, tokenizer.clsId, tokenizer.sepId, tokenizer.maskId) == (
                0, 1, 2, 3, 4
            ))
        #expect(tokenizer.id(of: "e\u{301}") == nil && tokenizer.id(of: "é") == 20)
    }

    @Test func anyStringIsSafe() throws {
        let tokenizer = try TokenizerFixtures.tiny()
        var generator = FuzzRandom(seed: 7)
        for _ in 0..<300 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int(generator.next() % 40) {
                let value = UInt32(generator.next() % 0x110000)
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            let text = String(scalars)
            let encoding = tokenizer.encode(text, pair: text, maxLength: Int(generator.next() % 12))
            #expect(encoding.ids.allSatisfy { (0..<tokenizer.vocabularySize).contains($0) })
            #expect(encoding.typeIds.count == encoding.count && encoding.tokens.count == encoding.count)
        }
        for text in ["\u{301}", "\u{301}\u{302}\u{303}", "👨‍👩‍👧‍👦", "🏳️‍🌈", "\u{E0001}", "\u{10FFFF}", "\r\n"] {
            _ = tokenizer.encode(text, pair: text, maxLength: 5)
        }
        let huge = String(repeating: "hello world, un中a ", count: 20_000)
        let encoding = tokenizer.encode(huge, maxLength: 256)
        #expect(encoding.count == 256 && encoding.truncatedCount == 6 * 20_000 - 254)
    }

    @Test func sharedAcrossThreads() async throws {
        let tokenizer = try TokenizerFixtures.tiny()
        let texts = (0..<64).map { "hello world \($0) unaffable 中文 é" }
        let expected = texts.map { tokenizer.encode($0, pair: "a a a", maxLength: 9) }
        let results = await withTaskGroup(of: (Int, Encoding).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, tokenizer.encode(text, pair: "a a a", maxLength: 9)) }
            }
            var results = [Encoding?](repeating: nil, count: texts.count)
            for await (index, encoding) in group { results[index] = encoding }
            return results
        }
        #expect(results == expected)
    }
}

/// A seeded generator (SplitMix64) so the fuzz test is deterministic.
private struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
