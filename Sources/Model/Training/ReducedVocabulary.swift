import Foundation

/// A smaller WordPiece vocabulary cut from a teacher's, for a student that should be small on disk.
///
/// Kept, in the teacher's id order (so `[PAD]` stays id 0): the special tokens; every
/// single-character piece (`a`, `##a`) whose character occurs in the corpus or is Latin
/// (below U+0250), so that any word of such characters can still be spelt out; then the pieces the
/// teacher's tokenizer uses most often on the corpus, until `size` tokens. Words whose whole
/// piece was dropped are split into shorter kept pieces by the same greedy longest match.
public struct ReducedVocabulary: Sendable {
    /// The student's tokens in id order (its `vocab.txt`).
    public let tokens: [String]
    /// `teacherIds[i]`: the teacher's id of the student's token `i`.
    public let teacherIds: [Int]

    /// - Parameters:
    ///   - teacher: the teacher's tokenizer (its vocabulary and options).
    ///   - corpus: the training texts.
    ///   - size: the largest vocabulary wanted; at least the specials and characters are kept.
    public init(teacher: BertTokenizer, corpus: [String], size: Int) {
        let v = teacher.vocabularySize
        var counts = [Int](repeating: 0, count: v)
        var characters = Set<Unicode.Scalar>()
        for text in corpus {
            for id in teacher.pieceIds(text) { counts[id] += 1 }
            characters.formUnion(text.lowercased().unicodeScalars)
            characters.formUnion(text.unicodeScalars)
        }
        var keep = Set<Int>()
        let o = teacher.options
        for special in [o.padToken, o.unknownToken, o.clsToken, o.sepToken, o.maskToken] {
            if let id = teacher.id(of: special) { keep.insert(id) }
        }
        for id in 0..<v {
            guard let token = teacher.token(of: id) else { continue }
            let body = token.hasPrefix("##") ? String(token.dropFirst(2)) : token
            let scalars = Array(body.unicodeScalars)
            if scalars.count == 1, scalars[0].value < 0x250 || characters.contains(scalars[0]) { keep.insert(id) }
        }
        let byUse = (0..<v).filter { counts[$0] > 0 && !keep.contains($0) }.sorted {
            counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1
        }
        for id in byUse where keep.count < size { keep.insert(id) }
        teacherIds = keep.sorted()
        tokens = teacherIds.map { teacher.token(of: $0) ?? "[unused\($0)]" }
    }
}
