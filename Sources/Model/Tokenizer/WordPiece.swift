/// Greedy longest-match-first WordPiece (Schuster & Nakajima 2012; BERT, Devlin et al. 2019).
///
/// A word is cut, left to right, into the longest piece found in the vocabulary; pieces after the
/// first are looked up with the `##` prefix. Example: `unaffable` → `una`, `##ffa`, `##ble`.
/// The whole word becomes the unknown token when it has more than ``maxInputCharsPerWord`` code
/// points or when some position has no matching piece (no partial output, as in Hugging Face).
struct WordPiece: Sendable {
    let vocabulary: Vocabulary
    /// Id of the unknown token.
    let unknownId: Int
    /// Longest word, in code points, that is split rather than mapped to the unknown token.
    let maxInputCharsPerWord: Int
    /// The prefix that marks a continuation piece.
    let continuationPrefix: [Unicode.Scalar] = ["#", "#"]

    /// Appends the ids of one word's pieces.
    func appendIds(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int]) {
        if word.isEmpty { return }
        if word.count > maxInputCharsPerWord {
            ids.append(unknownId)
            return
        }
        let firstPiece = ids.count
        var start = word.startIndex
        var key: [Unicode.Scalar] = []
        key.reserveCapacity(min(word.count, vocabulary.longestToken) + continuationPrefix.count)
        while start < word.endIndex {
            // No piece is longer than the longest vocabulary entry.
            var end = min(word.endIndex, start + vocabulary.longestToken)
            var match: Int?
            while start < end {
                key.removeAll(keepingCapacity: true)
                if start > word.startIndex { key.append(contentsOf: continuationPrefix) }
                key.append(contentsOf: word[start..<end])
                if let id = vocabulary.id(of: key) {
                    match = id
                    break
                }
                end -= 1
            }
            guard let id = match else {
                ids.removeSubrange(firstPiece...)
                ids.append(unknownId)
                return
            }
            ids.append(id)
            start = end
        }
    }
}
