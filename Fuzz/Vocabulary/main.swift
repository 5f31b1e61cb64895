// libFuzzer target: `vocab.txt` loading and tokenizer construction, then tokenizing a few
// fixed texts with whatever vocabulary was built.
//
// The bytes are written to a scratch file and read by `BertTokenizer(vocabularyFile:)` (the
// public loader; the line splitting is internal). When they lack the special tokens, the
// tokenizer is also built from the lines plus `[UNK] [CLS] [SEP] [PAD]`, so WordPiece runs over
// hostile vocabularies (empty tokens, `##`, duplicates, control characters, huge lines).
//
// Built with `scripts/fuzz.sh vocabulary`; in a normal build this file is a do-nothing executable.
import Foundation
import Model

nonisolated(unsafe) private var scratch: URL?

private let texts = [
    "Hello, world!", "unaffable [SEP] [CLS]x", "ÉCOLE naïve 北京 😀 \u{0}\u{7}", "##a ## #", "a b c d e f g",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data, count: size)
    let url =
        scratch
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-vocab-\(getpid()).txt")
    scratch = url
    guard (try? bytes.write(to: url)) != nil else { return 0 }
    var tokenizers: [BertTokenizer] = []
    do {
        tokenizers.append(try BertTokenizer(vocabularyFile: url))
    } catch {
        // Refused: the message must be printable.
        _ = String(describing: error)
    }
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    let options = TokenizerOptions(maxInputCharsPerWord: 1 + size % 200)
    if let tokenizer = try? BertTokenizer(
        vocabulary: lines.map(String.init) + ["[UNK]", "[CLS]", "[SEP]", "[PAD]"], options: options)
    {
        tokenizers.append(tokenizer)
    }
    for tokenizer in tokenizers {
        for text in texts {
            let encoding = tokenizer.encode(text, pair: text, maxLength: 16)
            precondition(encoding.ids.count == encoding.tokens.count && encoding.ids.count == encoding.typeIds.count)
            precondition(encoding.ids.allSatisfy { $0 >= 0 && $0 < tokenizer.vocabularySize })
            precondition(encoding.ids.count <= 16)
        }
    }
    return 0
}
