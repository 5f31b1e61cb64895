import Foundation
import Testing

@testable import Model

/// Reading `vocab.txt` and `tokenizer_config.json` the way Hugging Face does, and the errors when they are wrong.
@Suite struct TokenizerVocabularyTests {
    @Test func linesFollowPythonUniversalNewlines() {
        #expect(Vocabulary.lines(of: "a\nb\n") == ["a", "b"])
        #expect(Vocabulary.lines(of: "a\r\nb\rc") == ["a", "b", "c"])
        #expect(Vocabulary.lines(of: "a\n\nb\n") == ["a", "", "b"])
        #expect(Vocabulary.lines(of: "a\r\r\nb") == ["a", "", "b"])
        #expect(Vocabulary.lines(of: " a \t\nb") == [" a \t", "b"])
        #expect(Vocabulary.lines(of: "\u{FEFF}a\nb").first == "\u{FEFF}a")
        #expect(Vocabulary.lines(of: "") == [])
    }

    @Test func duplicatesBelongToTheirLastLine() throws {
        let tokens = TokenizerFixtures.tinyVocabulary + ["hello", ""]
        let tokenizer = try BertTokenizer(vocabulary: tokens)
        #expect(tokenizer.id(of: "hello") == tokens.count - 2)
        #expect(tokenizer.token(of: 13) == nil)
        #expect(tokenizer.vocabularySize == tokens.count)
        #expect(tokenizer.tokenize("hello") == ["hello"] && tokenizer.pieceIds("hello") == [tokens.count - 2])
        #expect(tokenizer.id(of: "") == tokens.count - 1)
    }

    @Test func fileErrorsNameTheFile() throws {
        let folder = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.txt")
        #expect {
            try BertTokenizer(vocabularyFile: missing)
        } throws: { error in
            guard case TokenizerError.unreadableFile(let path, _) = error else { return false }
            return path == missing.path
        }
        let latin1 = folder.appendingPathComponent("latin1.txt")
        try Data([0x5B, 0x50, 0x41, 0x44, 0x5D, 0x0A, 0xE9, 0x0A]).write(to: latin1)
        #expect(throws: TokenizerError.notUTF8(path: latin1.path)) { try BertTokenizer(vocabularyFile: latin1) }
        let empty = folder.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        #expect(throws: TokenizerError.emptyVocabulary) { try BertTokenizer(vocabularyFile: empty) }
        #expect(TokenizerError.notUTF8(path: "/x/vocab.txt").description.contains("/x/vocab.txt"))
    }

    @Test func directoryReadsVocabularyAndConfiguration() throws {
        let folder = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let vocabulary = (["<pad>", "<unk>", "<cls>", "<sep>"] + TokenizerFixtures.tinyVocabulary.dropFirst(4))
        try vocabulary.joined(separator: "\r\n").write(
            to: folder.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        // Defaults without a configuration: the special tokens are then missing.
        #expect(throws: TokenizerError.missingSpecialToken("[UNK]")) { try BertTokenizer(directory: folder) }
        let configuration = """
            {"do_lower_case": false, "strip_accents": true, "tokenize_chinese_chars": false,
             "unk_token": {"content": "<unk>", "lstrip": false}, "cls_token": "<cls>", "sep_token": "<sep>",
             "pad_token": "<pad>", "model_max_length": 512, "never_split": null}
            """
        try configuration.write(
            to: folder.appendingPathComponent("tokenizer_config.json"), atomically: true, encoding: .utf8)
        let tokenizer = try BertTokenizer(directory: folder)
        #expect(
            tokenizer.options
                == TokenizerOptions(
                    doLowerCase: false, stripAccents: true, tokenizeChineseChars: false, unknownToken: "<unk>",
                    clsToken: "<cls>", sepToken: "<sep>", padToken: "<pad>"))
        #expect(tokenizer.encode("Hello é").tokens == ["<cls>", "<unk>", "e", "<sep>"])
        #expect((tokenizer.padId, tokenizer.unknownId, tokenizer.clsId, tokenizer.sepId) == (0, 1, 2, 3))
    }

    @Test func badConfigurationNamesTheKey() throws {
        let folder = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("tokenizer_config.json")
        try #"{"do_lower_case": "yes"}"#.write(to: file, atomically: true, encoding: .utf8)
        #expect {
            try TokenizerOptions(configurationFile: file)
        } throws: { error in
            guard case TokenizerError.invalidConfiguration(let path, let reason) = error else { return false }
            return path == file.path && reason.contains("do_lower_case")
        }
        try "{not json".write(to: file, atomically: true, encoding: .utf8)
        #expect {
            try TokenizerOptions(configurationFile: file)
        } throws: { error in
            guard case TokenizerError.invalidConfiguration(let path, _) = error else { return false }
            return path == file.path
        }
    }
}
