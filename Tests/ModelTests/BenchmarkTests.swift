import Foundation
import Testing

@testable import Model

/// The benchmark's statistics and bookkeeping; nothing here is timed.
@Suite struct BenchmarkTests {
    @Test func medianOfOddCountIsTheMiddleValue() {
        #expect(TimingSummary.median([3, 1, 2]) == 2)
        #expect(TimingSummary.median([5]) == 5)
        #expect(TimingSummary.median([9, 1, 8, 2, 7]) == 7)
    }

    @Test func medianOfEvenCountIsTheMeanOfTheTwoMiddleValues() {
        #expect(TimingSummary.median([4, 1, 3, 2]) == 2.5)
        #expect(TimingSummary.median([10, 20]) == 15)
        #expect(TimingSummary.median([1, 1, 5, 5]) == 3)
    }

    @Test func percentilesInterpolateAsNumPy() {
        // numpy.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9.1
        let sorted: [Double] = (1...10).map(Double.init)
        #expect(abs(TimingSummary.percentile(sorted: sorted, 90) - 9.1) < 1e-12)
        #expect(TimingSummary.percentile(sorted: sorted, 0) == 1)
        #expect(TimingSummary.percentile(sorted: sorted, 100) == 10)
        #expect(TimingSummary.percentile(sorted: [42], 90) == 42)
    }

    @Test func summaryKeepsSamplesInOrder() {
        let s = TimingSummary(samples: [0.3, 0.1, 0.2, 0.4])
        #expect(s.runs == 4)
        #expect(s.median == 0.25)
        #expect(s.min == 0.1)
        #expect(s.max == 0.4)
        #expect(abs(s.mean - 0.25) < 1e-12)
        #expect(s.samples == [0.3, 0.1, 0.2, 0.4])
    }

    @Test func gemmWorkCountsProjectionsAndAttention() {
        // One layer, D = 4, F = 8, two sequences of 2 and 3 tokens (N = 5):
        // 2·5·(4·16 + 2·4·8) = 1280 and 4·(4 + 9)·4 = 208.
        let work = EncoderGEMMWork(lengths: [2, 3], dimension: 4, heads: 2, hidden: 8, layers: 1)
        #expect(work.projectionFLOPs == 1280)
        #expect(work.attentionFLOPs == 208)
        // all-MiniLM-L6-v2 scales by its six layers.
        let miniLM = EncoderGEMMWork(lengths: [16], dimension: 384, heads: 12, hidden: 1536, layers: 6)
        let perLayer: Double = 2 * 16 * (4 * 384 * 384 + 2 * 384 * 1536) + 4 * 16 * 16 * 384
        #expect(miniLM.flops == 6 * perLayer)
    }

    @Test func paddingFillsRowsAndMasksThem() {
        let c = BenchmarkCase(name: "t", description: "", paddedLength: 4, ids: [[101, 7, 102], [101, 102]])
        let (ids, mask) = c.padded(padId: 0)
        #expect(ids == [[101, 7, 102, 0], [101, 102, 0, 0]])
        #expect(mask == [[1, 1, 1, 0], [1, 1, 0, 0]])
        #expect(c.realTokens == 5 && c.paddedTokens == 8 && c.hasPadding)
    }
}
