import Foundation
import Layers

// Shapes: N texts, D the student's width, Dt the teacher's.

/// How closely a student's embeddings follow a teacher's on held-out texts.
public struct DistillationEvaluation: Sendable, Equatable {
    /// N, the texts compared.
    public var count: Int
    /// Spearman's ρ between the student's and the teacher's cosine similarity over all N(N−1)/2 pairs.
    public var spearman: Double
    /// Pearson's r over the same pairs.
    public var pearson: Double
    /// The mean, over texts, of |student's top-k ∩ teacher's top-k| / k (nearest neighbours
    /// among the other texts by cosine).
    public var topKOverlap: Double
    public var k: Int

    /// Compares `student` `[N, D]` with `teacher` `[N, Dt]` (any scale: rows are normalised here).
    public init(student: Tensor, teacher: Tensor, k: Int = 10) {
        precondition(
            student.rank == 2 && teacher.rank == 2 && student.shape[0] == teacher.shape[0],
            "evaluation: [N, D] and [N, Dt] with one N")
        let n = student.shape[0]
        let s = matmul(normalizedRows(student), normalizedRows(student), transposeB: true)  // [N, N]
        let t = matmul(normalizedRows(teacher), normalizedRows(teacher), transposeB: true)  // [N, N]
        var a: [Double] = []
        var b: [Double] = []
        a.reserveCapacity(n * (n - 1) / 2)
        b.reserveCapacity(n * (n - 1) / 2)
        s.withUnsafeBufferPointer { sp in
            t.withUnsafeBufferPointer { tp in
                for i in 0..<n {
                    for j in (i + 1)..<max(n, i + 1) {
                        a.append(Double(sp[i * n + j]))
                        b.append(Double(tp[i * n + j]))
                    }
                }
            }
        }
        let k = min(k, max(n - 1, 0))
        var overlap = 0.0
        if k > 0 {
            for i in 0..<n {
                func top(_ m: Tensor) -> Set<Int> {
                    m.withUnsafeBufferPointer { p in
                        Set(
                            (0..<n).filter { $0 != i }.sorted {
                                p[i * n + $0] != p[i * n + $1] ? p[i * n + $0] > p[i * n + $1] : $0 < $1
                            }.prefix(k))
                    }
                }
                overlap += Double(top(s).intersection(top(t)).count) / Double(k)
            }
            overlap /= Double(n)
        }
        count = n
        self.k = k
        pearson = Self.pearson(a, b)
        spearman = Self.pearson(Self.ranks(a), Self.ranks(b))
        topKOverlap = overlap
    }

    /// Ranks from 1, ties given their mean rank.
    static func ranks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var ranks = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
            let mean = Double(i + j) / 2 + 1
            for r in i...j { ranks[order[r]] = mean }
            i = j + 1
        }
        return ranks
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count > 1 else { return 0 }
        let ma = a.reduce(0, +) / Double(a.count)
        let mb = b.reduce(0, +) / Double(b.count)
        var (sab, saa, sbb) = (0.0, 0.0, 0.0)
        for i in a.indices {
            sab += (a[i] - ma) * (b[i] - mb)
            saa += (a[i] - ma) * (a[i] - ma)
            sbb += (b[i] - mb) * (b[i] - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }

    /// "Spearman 0.912, Pearson 0.934, top-10 overlap 0.71 on 1000 texts".
    public var summary: String {
        String(
            format: "Spearman %.3f, Pearson %.3f, top-%d overlap %.3f on %d texts", spearman, pearson, k, topKOverlap,
            count)
    }
}

extension SentenceEncoder {
    /// The embeddings of `texts` as one `[N, D]` matrix.
    public func embeddingMatrix(_ texts: [String], options: EmbeddingOptions = EmbeddingOptions()) throws -> Tensor {
        let vectors = try embed(texts, options: options).map(\.vector)
        return Tensor(vectors.flatMap { $0 }, shape: [texts.count, dimension])
    }
}
