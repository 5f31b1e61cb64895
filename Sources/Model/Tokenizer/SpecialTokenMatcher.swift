/// Finds special tokens (`[CLS]`, `[SEP]`, `[UNK]`, `[PAD]`, `[MASK]`) written in the input text.
///
/// Hugging Face matches them in the raw text, before cleaning or lower-casing, code point by code
/// point, leftmost first and longest first (its added-token pass), and gives each its own id. So
/// `"a[SEP]b"` holds the separator id, while `"[sep]"` and `"[SE\0P]"` are ordinary text.
struct SpecialTokenMatcher: Sendable {
    /// A piece of the input: ordinary text to normalise, or a special token's id.
    enum Segment: Equatable {
        case text(ArraySlice<Unicode.Scalar>)
        case special(Int)
    }

    private struct Token: Sendable {
        let scalars: [Unicode.Scalar]
        let id: Int
    }

    /// Longest first, so that the first match at a position is the longest.
    private let tokens: [Token]
    private let firstScalars: Set<Unicode.Scalar>

    /// - Parameter tokens: the special tokens that are in the vocabulary, with their ids.
    init(_ tokens: [(token: String, id: Int)]) {
        var unique: [Token] = []
        for (token, id) in tokens where !token.isEmpty {
            let scalars = Array(token.unicodeScalars)
            if !unique.contains(where: { $0.scalars == scalars }) { unique.append(Token(scalars: scalars, id: id)) }
        }
        self.tokens = unique.sorted { $0.scalars.count > $1.scalars.count }
        self.firstScalars = Set(unique.compactMap(\.scalars.first))
    }

    /// Splits text into ordinary pieces and special tokens, in order.
    func segments(_ text: [Unicode.Scalar]) -> [Segment] {
        var segments: [Segment] = []
        var textStart = 0
        var index = 0
        while index < text.count {
            guard firstScalars.contains(text[index]), let token = match(in: text, at: index) else {
                index += 1
                continue
            }
            if textStart < index { segments.append(.text(text[textStart..<index])) }
            segments.append(.special(token.id))
            index += token.scalars.count
            textStart = index
        }
        if textStart < text.count { segments.append(.text(text[textStart...])) }
        return segments
    }

    private func match(in text: [Unicode.Scalar], at index: Int) -> Token? {
        tokens.first { token in
            index + token.scalars.count <= text.count
                && text[index..<index + token.scalars.count].elementsEqual(token.scalars)
        }
    }
}
