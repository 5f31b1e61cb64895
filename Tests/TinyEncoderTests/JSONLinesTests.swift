import Foundation
import Model
import Testing

struct JSONLinesTests {
    @Test func escapesWhatJSONRequiresAndRoundTrips() throws {
        let text =
            "quote \" backslash \\ slash / tab \t newline \n return \r bell \u{07} nul \u{00} del \u{7F} é 中 😀 \u{2028}"
        let quoted = JSONLines.quoted(text)
        #expect(quoted.contains("\\\""))
        #expect(quoted.contains("\\\\"))
        #expect(quoted.contains("\\t") && quoted.contains("\\n") && quoted.contains("\\r"))
        #expect(quoted.contains("\\u0007") && quoted.contains("\\u0000"))
        #expect(quoted.contains("😀"))  // non-BMP characters stay UTF-8, never a broken surrogate
        #expect(!quoted.unicodeScalars.contains { $0.value < 0x20 })
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        #expect(decoded == [text])
    }

    @Test func floatsAreShortAndRoundTrip() {
        for x: Float in [
            0, 1, -1, 0.1, 1e-5, -2.5e-8, .greatestFiniteMagnitude, .leastNormalMagnitude, .leastNonzeroMagnitude,
            0.033423536, -0.123456789,
        ] {
            let text = JSONLines.number(x)
            #expect(Float(text) == x, "\(x) -> \(text)")
            #expect(text.count <= 15)
        }
        #expect(JSONLines.number(.nan) == "null")
        #expect(JSONLines.number(.infinity) == "null")
        #expect(JSONLines.array([Float(0.5), -1]) == "[0.5,-1.0]")
        #expect(JSONLines.array([1, 2, 3]) == "[1,2,3]")
        #expect(JSONLines.array(["a", "\""]) == "[\"a\",\"\\\"\"]")
    }
}
