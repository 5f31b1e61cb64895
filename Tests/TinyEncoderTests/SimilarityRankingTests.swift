import Model
import Testing

struct SimilarityRankingTests {
    @Test func topMatchesKeepsTheBestKBestFirstWithTiesToTheEarlier() {
        var top = TopMatches(k: 3)
        let scores: [Float] = [0.1, 0.9, 0.5, 0.9, -1, 0.7, 0.2]
        for (i, s) in scores.enumerated() { top.offer(SimilarityMatch(index: i, score: s)) }
        #expect(
            top.matches == [
                SimilarityMatch(index: 1, score: 0.9), SimilarityMatch(index: 3, score: 0.9),
                SimilarityMatch(index: 5, score: 0.7),
            ])
    }

    @Test func topMatchesEqualsAFullSort() {
        var generator = SplitMix(seed: 7)
        let scores = (0..<500).map { _ in Float(generator.next() % 1000) / 1000 }
        var top = TopMatches(k: 17)
        for (i, s) in scores.enumerated() { top.offer(SimilarityMatch(index: i, score: s)) }
        let sorted = scores.enumerated().map { SimilarityMatch(index: $0.offset, score: $0.element) }.sorted(
            by: SimilarityMatch.isBetter)
        #expect(top.matches == Array(sorted.prefix(17)))
    }

    @Test func cosineScoresAndRanking() {
        let rows: [Float] = [1, 0, 0, 1, 1, 1, 0, 0, -2, 0]
        let scores = rows.withUnsafeBufferPointer {
            cosineSimilarities(query: [2, 0], rows: $0.baseAddress!, count: 5)
        }
        #expect(scores.count == 5)
        #expect(
            scores[0] == 1 && scores[1] == 0 && abs(scores[2] - 0.70710677) < 1e-6 && scores[3] == 0 && scores[4] == -1)
        let ranked = rankBySimilarity(query: [1, 0], vectors: [[0, 1], [1, 0.1], [-1, 0]], top: 2)
        #expect(ranked.map(\.index) == [1, 0])
        let matrix = similarityMatrix([[1, 0], [0, 3], [1, 1]])
        #expect(matrix[0][0] == 1 && matrix[0][1] == 0 && matrix[1][0] == 0)
        #expect(abs(matrix[2][1] - 0.70710677) < 1e-6 && matrix[2][1] == matrix[1][2])
    }
}

/// A seeded generator for repeatable test data.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
