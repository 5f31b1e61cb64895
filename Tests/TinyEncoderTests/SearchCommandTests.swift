import Foundation
import Testing

/// `search`, `similarity`, `info` and `attention` end to end with the real model.
@Suite(.enabled(if: RealModel.shouldRun, "needs weights/all-MiniLM-L6-v2"))
struct SearchCommandTests {
    static let corpus = """
        The stock market fell sharply today.
        A man is playing a guitar on stage.

        The weather will be sunny tomorrow.
        She is cooking pasta in the kitchen.

        """

    @Test func searchRanksTheParaphraseFirstFromACorpusAndFromAnIndex() throws {
        let model = try RealModel.arguments()
        let folder = try TemporaryFolder()
        let corpus = try folder.file("corpus.txt", SearchCommandTests.corpus)
        let query = "Someone performs music with an instrument."
        let direct = try CommandRunner.run(
            ["search", "--corpus", corpus, "--top", "2", "--format", "jsonl"] + model + [query])
        #expect(direct.status == 0, "\(direct.stderr)")
        let results = try direct.stdoutLines.map(jsonObject)
        #expect(results.count == 2)
        #expect(results[0]["line"] as? Int == 2)
        #expect(results[0]["text"] as? String == "A man is playing a guitar on stage.")
        #expect(results.map { $0["rank"] as? Int } == [1, 2])
        let scores = results.compactMap { $0["score"] as? Double }
        #expect(scores.count == 2 && scores[0] > scores[1] && scores[0] > 0.4)

        let index = folder.path("corpus.emb")
        let saved = try CommandRunner.run(["embed", "--file", corpus, "--output", index] + model)
        #expect(saved.status == 0, "\(saved.stderr)")
        let fromIndex = try CommandRunner.run(["search", "--index", index, "--top", "3"] + model + [query])
        #expect(fromIndex.status == 0, "\(fromIndex.stderr)")
        let table = fromIndex.stdoutLines
        #expect(table.count == 4)
        #expect(table[0].hasPrefix("rank   score  line  text"))
        #expect(table[1].hasSuffix("2  A man is playing a guitar on stage."))
        #expect(!fromIndex.stdout.contains("  3  \n"))  // the blank line 3 is never a result
        let npy = folder.path("corpus.npy")
        #expect(try CommandRunner.run(["embed", "--file", corpus, "--output", npy] + model).status == 0)
        let fromNpy = try CommandRunner.run(
            ["search", "--index", npy, "--corpus", corpus, "--top", "3"] + model + [query])
        #expect(fromNpy.stdout == fromIndex.stdout, "\(fromNpy.stderr)")
        let tsv = try CommandRunner.run(
            ["search", "--index", index, "--format", "tsv", "--top", "1"] + model + [query])
        let fields = tsv.stdoutLines.first?.split(separator: "\t")
        #expect(fields?.count == 3 && fields?[1] == "2")
        #expect(abs((Double(String(fields?[0] ?? "")) ?? 0) - scores[0]) < 1e-4)
    }

    @Test func similarityTableAndJSONL() throws {
        let model = try RealModel.arguments()
        let texts = ["A man is playing a guitar.", "Someone plays an instrument.", "The stock market fell today."]
        let table = try CommandRunner.run(["similarity"] + model + texts)
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdoutLines
        #expect(lines.count == 4)
        #expect(
            lines[0].trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true) == [
                "1", "2", "3",
            ])
        #expect(lines[1].hasPrefix("1  A man is playing a guitar.  "))
        #expect(lines.dropFirst().allSatisfy { $0.count == lines[1].count })  // aligned
        #expect(lines[1].contains("1.000"))
        let jsonl = try CommandRunner.run(["similarity", "--format", "jsonl"] + model + texts)
        let rows = try jsonl.stdoutLines.map(jsonObject).map { $0["similarities"] as? [Double] ?? [] }
        #expect(rows.count == 3 && rows.allSatisfy { $0.count == 3 })
        #expect(abs(rows[0][0] - 1) < 1e-5 && rows[0][1] == rows[1][0])
        #expect(rows[0][1] > 0.5 && rows[0][2] < 0.2)
    }

    @Test func infoDescribesTheModelAndOpenBLAS() throws {
        let result = try CommandRunner.run(["info"] + RealModel.arguments())
        #expect(result.status == 0, "\(result.stderr)")
        for expected in [
            "6 layers, width 384, 12 heads of 32", "max length    256 tokens", "mean pooling, L2-normalised", "F32",
            "encoder.layer.5",
            "OpenBLAS", "total", "22,713,216",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)")
        }
        let json = try jsonObject(try CommandRunner.run(["info", "--format", "jsonl"] + RealModel.arguments()).stdout)
        #expect(json["parameters"] as? Int == 22_713_216)
        #expect((json["blas_core"] as? String)?.isEmpty == false)
    }

    @Test func modelFromTheEnvironment() throws {
        _ = try RealModel.arguments()
        let result = try CommandRunner.run(
            ["tokenize", "--format", "tsv", "Hello"], environment: ["TINY_ENCODER_MODEL": RealModel.directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Hello\t[CLS] hello [SEP]\t101 7592 102\t0\n")
    }

    @Test func attentionHeatmapAndSVGShowTheTokens() throws {
        let model = try RealModel.arguments()
        let folder = try TemporaryFolder()
        let svg = folder.path("attention.svg")
        let html = folder.path("attention.html")
        let files = try CommandRunner.run(
            ["attention", "--layer", "1", "--svg", svg, "--html", html] + model + ["The cat sat."])
        #expect(files.status == 0, "\(files.stderr)")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(text.hasSuffix("</svg>\n"))
        for token in ["[CLS]", "the", "cat", "sat", ".", "[SEP]"] {
            // Each token labels a row and a column in every one of the 12 heads.
            #expect(text.components(separatedBy: ">\(token)</text>").count - 1 == 24, "\(token)")
        }
        #expect(text.components(separatedBy: "<title>head ").count - 1 == 12 * 6 * 6)
        #expect(text.contains(">head 11</text>") && text.contains("attention weight"))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.components(separatedBy: "<svg ").count - 1 == 6)

        let heatmap = try CommandRunner.run(["attention", "--head", "0"] + model + ["The", "cat", "sat."])
        #expect(heatmap.status == 0, "\(heatmap.stderr)")
        let lines = heatmap.stdoutLines
        #expect(lines[0].hasPrefix("layer 5 of 0–5, head 0"))
        let rows = lines.filter { $0.hasPrefix("[CLS]  ") || $0.hasPrefix("  cat  ") || $0.hasPrefix("[SEP]  ") }
        #expect(rows.count == 3)
        #expect(lines.contains { $0.contains("░") || $0.contains("▒") || $0.contains("▓") || $0.contains("█") })
        let jsonl = try CommandRunner.run(
            ["attention", "--format", "jsonl", "--head", "2", "--layer", "-6"] + model + ["The cat sat."])
        let object = try jsonObject(try #require(jsonl.stdoutLines.first))
        #expect(object["layer"] as? Int == 0 && object["head"] as? Int == 2)
        let weights = try #require(object["weights"] as? [[Double]])
        #expect(weights.count == 6 && weights.allSatisfy { abs($0.reduce(0, +) - 1) < 1e-4 })
        let badLayer = try CommandRunner.run(["attention", "--layer", "6"] + model + ["x"])
        #expect(badLayer.status == 2 && badLayer.stderr.contains("--layer must be between -6 and 5"))
    }
}
