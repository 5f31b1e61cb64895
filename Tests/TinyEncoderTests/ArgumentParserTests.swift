import Model
import Testing

/// The parser is a library type (`Model.ArgumentParser`) so these run without the binary;
/// the end-to-end tests check that the command wires it to exit status 2.
struct ArgumentParserTests {
    let parser = ArgumentParser(options: [
        .value("--top", aliases: ["-k"], placeholder: "K", help: "results"),
        .value("--batch-size", placeholder: "N", help: "texts per batch"),
        .value("--index", placeholder: "FILE", help: "index", repeatable: true),
        .flag("--quiet", aliases: ["-q"], help: "quiet"),
        .value("--format", placeholder: "FORMAT", help: "format"),
        .value("--shard", placeholder: "K/N", help: "shard"),
    ])

    @Test func separatesOptionsFlagsAndPositionals() throws {
        let parsed = try parser.parse(["hello", "--top", "3", "-q", "world", "--format=tsv"])
        #expect(parsed.positionals == ["hello", "world"])
        #expect(parsed.value("top") == "3")
        #expect(parsed.flag("quiet"))
        #expect(parsed.value("format") == "tsv")
        #expect(!parsed.helpRequested)
    }

    @Test func shortAliasTakesTheNextArgumentEvenIfItLooksLikeAnOption() throws {
        let parsed = try parser.parse(["-k", "-5"])
        #expect(parsed.value("top") == "-5")
        #expect(throws: UsageError.self) { try parsed.integer("top", in: 1...10) }
    }

    @Test func doubleDashEndsOptionsAndSingleDashIsPositional() throws {
        let parsed = try parser.parse(["--quiet", "--", "--top", "-q", "-"])
        #expect(parsed.positionals == ["--top", "-q", "-"])
        #expect(parsed.value("top") == nil)
        #expect(try parser.parse(["-"]).positionals == ["-"])
    }

    @Test func equalsSignKeepsTheRestOfTheValue() throws {
        #expect(try parser.parse(["--format=a=b"]).value("format") == "a=b")
        #expect(try parser.parse(["--format="]).value("format") == "")
    }

    @Test func unknownOptionSuggestsTheClosestName() {
        #expect(throws: UsageError("unknown option '--batchsize' (did you mean '--batch-size'?)")) {
            try parser.parse(["--batchsize", "3"])
        }
        #expect(throws: UsageError("unknown option '--zzzzzzzz'")) { try parser.parse(["--zzzzzzzz"]) }
        #expect(throws: UsageError("unknown option '-x'")) { try parser.parse(["-x"]) }
    }

    @Test func missingValueAndValueOnAFlagAreErrors() {
        #expect(throws: UsageError("--top needs a value (K)")) { try parser.parse(["--top"]) }
        #expect(throws: UsageError("--quiet takes no value")) { try parser.parse(["--quiet=yes"]) }
    }

    @Test func repeatedOptionsAccumulateOnlyWhenRepeatable() throws {
        let parsed = try parser.parse(["--index", "a.emb", "--index=b.emb"])
        #expect(parsed.allValues("index") == ["a.emb", "b.emb"])
        #expect(throws: UsageError("--top is given twice")) { try parser.parse(["--top", "1", "-k", "2"]) }
        #expect(throws: UsageError("--quiet is given twice")) { try parser.parse(["-q", "--quiet"]) }
    }

    @Test func helpIsAlwaysAccepted() throws {
        #expect(try parser.parse(["--help"]).helpRequested)
        #expect(try parser.parse(["x", "-h"]).helpRequested)
    }

    @Test func integersAreCheckedAgainstTheirRange() throws {
        let parsed = try parser.parse(["--batch-size", "0", "--top", "abc"])
        #expect(throws: UsageError("--batch-size must be at least 1, got 0")) {
            try parsed.integer("batch-size", in: 1...Int.max)
        }
        #expect(throws: UsageError("--batch-size must be between 1 and 64, got 0")) {
            try parsed.integer("batch-size", in: 1...64)
        }
        #expect(throws: UsageError("--top needs an integer, got 'abc'")) { try parsed.integer("top") }
        #expect(try parsed.integer("format") == nil)
        #expect(try parser.parse(["--top", "7"]).integer("top", in: 1...10) == 7)
    }

    @Test func choicesNameTheAlternatives() throws {
        let parsed = try parser.parse(["--format", "xml"])
        #expect(throws: UsageError("--format must be one of jsonl, tsv; got 'xml'")) {
            try parsed.choice("format", ["jsonl", "tsv"])
        }
        #expect(try parser.parse(["--format", "tsv"]).choice("format", ["jsonl", "tsv"]) == "tsv")
    }

    @Test func shardsAreKOfN() throws {
        #expect(try parser.parse(["--shard", "1/4"]).shard("shard") == Shard(index: 1, count: 4))
        for bad in ["4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", "/2"] {
            #expect(throws: UsageError.self, "\(bad)") { try parser.parse(["--shard", bad]).shard("shard") }
        }
        let shard = try #require(Shard("1/3"))
        #expect((0..<7).filter { shard.contains(batch: $0) } == [1, 4])
    }

    @Test func helpLinesAlign() {
        let line = OptionSpec.value("--top", aliases: ["-k"], placeholder: "K", help: "how many").helpLine(width: 20)
        #expect(line == "  --top K, -k K     how many")
        let long = OptionSpec.flag("--a-very-long-option-name", help: "wraps").helpLine(width: 20)
        #expect(long == "  --a-very-long-option-name\n" + String(repeating: " ", count: 20) + "wraps")
    }

    @Test func closestNameForDidYouMean() {
        #expect(ArgumentParser.closest(to: "embd", among: ["embed", "search"]) == "embed")
        #expect(ArgumentParser.closest(to: "frobnicate", among: ["embed", "search"]) == nil)
    }
}
