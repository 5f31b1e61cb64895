/// Splits text into words the way BERT does before WordPiece: Hugging Face's `BertNormalizer`
/// followed by its `BertPreTokenizer`.
///
/// Normalisation, in this order (the Rust order; Python's legacy tokenizer lower-cases first):
/// 1. clean: drop NUL, U+FFFD and control characters; every whitespace becomes a space;
/// 2. put a space on each side of every CJK ideograph (if ``splitsChineseCharacters``);
/// 3. strip accents: NFD, then drop nonspacing marks `Mn` (if ``stripsAccents``);
/// 4. lower-case each code point on its own (if ``lowercases``).
///
/// Pre-tokenisation then splits on whitespace (dropped) and on punctuation (kept, one code point per
/// word). Character classes are ``BertCharacters``'. Everything works on unicode scalars, because
/// Python and Rust count code points, not grapheme clusters.
struct BasicTokenizer: Sendable {
    /// Lower-case (`do_lower_case`).
    let lowercases: Bool
    /// Strip accents (`strip_accents`, resolved).
    let stripsAccents: Bool
    /// Surround CJK ideographs with spaces (`tokenize_chinese_chars`).
    let splitsChineseCharacters: Bool

    /// Steps 1–4 above.
    func normalize(_ text: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(text.count)
        for scalar in text {
            if scalar.value == 0 || scalar.value == 0xFFFD || BertCharacters.isControl(scalar) { continue }
            if BertCharacters.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if splitsChineseCharacters && BertCharacters.isChineseCharacter(scalar) {
                cleaned.append(contentsOf: [" ", scalar, " "])
            } else {
                cleaned.append(scalar)
            }
        }
        if stripsAccents {
            cleaned = BertCharacters.decomposed(cleaned).filter { !BertCharacters.isNonspacingMark($0) }
        }
        guard lowercases else { return cleaned }
        var lowered: [Unicode.Scalar] = []
        lowered.reserveCapacity(cleaned.count)
        for scalar in cleaned { BertCharacters.appendLowercased(scalar, to: &lowered) }
        return lowered
    }

    /// Splits normalised text on whitespace (removed) and punctuation (isolated).
    func words(ofNormalized text: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start = text.startIndex
        for index in text.indices {
            let scalar = text[index]
            if BertCharacters.isWhitespace(scalar) {
                if start < index { words.append(text[start..<index]) }
                start = index + 1
            } else if BertCharacters.isPunctuation(scalar) {
                if start < index { words.append(text[start..<index]) }
                words.append(text[index...index])
                start = index + 1
            }
        }
        if start < text.endIndex { words.append(text[start...]) }
        return words
    }

    /// Normalises and splits one piece of text.
    func words(_ text: ArraySlice<Unicode.Scalar>) -> [ArraySlice<Unicode.Scalar>] {
        words(ofNormalized: normalize(text))
    }
}
