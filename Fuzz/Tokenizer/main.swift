// libFuzzer target: the BERT tokenizer on arbitrary text.
//
// Input layout: byte 0 picks the options (lower-casing, accent stripping, CJK splitting) and
// whether the rest is one text or a pair split at byte 1's share of it; byte 2 is the maximum
// length (0 = none). The text is the rest, decoded lossily (invalid UTF-8 becomes U+FFFD) and,
// when it is valid UTF-8, also as is. Checks the encoding's invariants: equal lengths, ids in
// the vocabulary, `[CLS]` first and `[SEP]` last, the length limit, type ids 0 then 1.
//
// The vocabulary is all-MiniLM-L6-v2's `vocab.txt` when present (found from this file's path),
// otherwise a small built-in one. Built with `scripts/fuzz.sh tokenizer`; in a normal build this
// file is a do-nothing executable.
import Foundation
import Model

private let vocabulary: [String] = {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let file = repo.appendingPathComponent("weights/all-MiniLM-L6-v2/vocab.txt")
    if let text = try? String(contentsOf: file, encoding: .utf8) {
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
    }
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "a", "##a", "!", ",", "北", "é", "e"]
}()

/// One tokenizer per combination of the three option bits.
private let tokenizers: [BertTokenizer] = (0..<8).map { bits in
    let options = TokenizerOptions(
        doLowerCase: bits & 1 != 0, stripAccents: bits & 2 != 0, tokenizeChineseChars: bits & 4 != 0)
    do {
        return try BertTokenizer(vocabulary: vocabulary, options: options)
    } catch {
        fatalError("the fuzz vocabulary does not build a tokenizer: \(error)")
    }
}

private func check(_ encoding: Encoding, _ tokenizer: BertTokenizer, maxLength: Int?, pair: Bool) {
    let n = encoding.ids.count
    precondition(encoding.tokens.count == n && encoding.typeIds.count == n, "lengths differ")
    precondition(encoding.ids.allSatisfy { $0 >= 0 && $0 < tokenizer.vocabularySize }, "id out of range")
    precondition(encoding.ids.first == tokenizer.clsId && encoding.ids.last == tokenizer.sepId, "specials")
    precondition(encoding.truncatedCount >= 0, "negative truncation")
    if let maxLength, maxLength >= (pair ? 3 : 2) { precondition(n <= maxLength, "\(n) > \(maxLength)") }
    let ones = encoding.typeIds.drop { $0 == 0 }
    precondition(ones.allSatisfy { $0 == 1 } && (pair || ones.isEmpty), "type ids")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 3 else { return 0 }
    let flags = Int(data[0])
    let tokenizer = tokenizers[flags & 7]
    let isPair = flags & 8 != 0
    let maxLength: Int? = data[2] == 0 ? nil : Int(data[2])
    let rest = UnsafeBufferPointer(start: data + 3, count: size - 3)
    let split = rest.count * Int(data[1]) / 256

    var texts = [String(decoding: rest, as: UTF8.self)]
    if let valid = String(validating: rest, as: UTF8.self) { texts.append(valid) }
    for text in texts {
        if isPair {
            let first = String(decoding: rest[..<split], as: UTF8.self)
            let second = String(decoding: rest[split...], as: UTF8.self)
            check(
                tokenizer.encode(first, pair: second, maxLength: maxLength), tokenizer, maxLength: maxLength, pair: true
            )
        }
        let encoding = tokenizer.encode(text, maxLength: maxLength)
        check(encoding, tokenizer, maxLength: maxLength, pair: false)
        if maxLength == nil {
            // Without a limit, the pieces between [CLS] and [SEP] are tokenize(_:)'s.
            precondition(Array(encoding.ids.dropFirst().dropLast()) == tokenizer.pieceIds(text), "pieces differ")
            precondition(encoding.truncatedCount == 0, "truncated without a limit")
        }
    }
    return 0
}
