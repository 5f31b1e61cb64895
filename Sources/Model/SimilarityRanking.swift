/// Ranking vectors by cosine similarity to a query: all scores at once, or the best K of a stream.

/// One ranked item: its position in the collection and its cosine similarity to the query.
public struct SimilarityMatch: Sendable, Equatable {
    /// The item's position (from 0) in the order the items were offered.
    public var index: Int
    /// Cosine similarity in [-1, 1].
    public var score: Float

    public init(index: Int, score: Float) {
        self.index = index
        self.score = score
    }

    /// Better first: a higher score, then the earlier item.
    public static func isBetter(_ a: SimilarityMatch, than b: SimilarityMatch) -> Bool {
        a.score != b.score ? a.score > b.score : a.index < b.index
    }
}

/// The best `k` matches of a stream of scores, kept in O(k) memory, so a corpus of any size can
/// be ranked batch by batch. Ties go to the earlier item.
public struct TopMatches: Sendable {
    public let k: Int
    /// Best first.
    public private(set) var matches: [SimilarityMatch] = []

    public init(k: Int) {
        precondition(k > 0, "TopMatches needs k > 0, got \(k)")
        self.k = k
    }

    /// Keeps `match` when it is among the best `k` seen so far.
    public mutating func offer(_ match: SimilarityMatch) {
        if matches.count == k {
            guard SimilarityMatch.isBetter(match, than: matches[k - 1]) else { return }
            matches.removeLast()
        }
        // Binary search for the first kept match that `match` beats.
        var low = 0
        var high = matches.count
        while low < high {
            let mid = (low + high) / 2
            if SimilarityMatch.isBetter(match, than: matches[mid]) { high = mid } else { low = mid + 1 }
        }
        matches.insert(match, at: low)
    }
}

/// The cosine similarity of `query` `[D]` with each of `count` rows `[count, D]` stored back to back.
/// A zero vector scores 0.
public func cosineSimilarities(query: [Float], rows: UnsafePointer<Float>, count: Int) -> [Float] {
    let d = query.count
    var queryNorm: Float = 0
    for x in query { queryNorm += x * x }
    queryNorm = queryNorm.squareRoot()
    var scores = [Float](repeating: 0, count: count)
    query.withUnsafeBufferPointer { q in
        for r in 0..<count {
            let row = rows + r * d
            var dot: Float = 0
            var norm: Float = 0
            for j in 0..<d {
                dot += q[j] * row[j]
                norm += row[j] * row[j]
            }
            let denominator = queryNorm * norm.squareRoot()
            scores[r] = denominator > 0 ? dot / denominator : 0
        }
    }
    return scores
}

/// The best `k` of `vectors` by cosine similarity to `query`, best first.
public func rankBySimilarity(query: [Float], vectors: [[Float]], top k: Int) -> [SimilarityMatch] {
    var top = TopMatches(k: max(1, k))
    for (i, v) in vectors.enumerated() { top.offer(SimilarityMatch(index: i, score: cosineSimilarity(query, v))) }
    return top.matches
}

/// The symmetric matrix of pairwise cosine similarities, `[N][N]`, with 1 on the diagonal for non-zero vectors.
public func similarityMatrix(_ vectors: [[Float]]) -> [[Float]] {
    let n = vectors.count
    var matrix = [[Float]](repeating: [Float](repeating: 0, count: n), count: n)
    for i in 0..<n {
        for j in i..<n {
            let s = cosineSimilarity(vectors[i], vectors[j])
            matrix[i][j] = s
            matrix[j][i] = s
        }
    }
    return matrix
}
