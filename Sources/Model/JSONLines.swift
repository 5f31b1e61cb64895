/// Writing JSON Lines by hand, fast and exactly: string escaping and float formatting.
///
/// `JSONSerialization` rounds floats through `Double` and prints `0.1f` as `0.10000000149011612`;
/// these helpers print the shortest text that reads back as the same `Float`, and escape strings
/// as RFC 8259 requires (quote, backslash, and every control character below U+0020). Other
/// characters, non-BMP ones included, are written as UTF-8, which JSON allows.
public enum JSONLines {
    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        appendQuoted(s, to: &out)
        return out + "\""
    }

    /// Appends the escaped body of `s` (without quotes) to `out`.
    public static func appendQuoted(_ s: String, to out: inout String) {
        var plainStart = s.unicodeScalars.startIndex
        var index = plainStart
        let scalars = s.unicodeScalars
        while index != scalars.endIndex {
            let c = scalars[index]
            let escape: String?
            switch c {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case "\u{08}": escape = "\\b"
            case "\u{0C}": escape = "\\f"
            default:
                if c.value < 0x20 {
                    let hex = String(c.value, radix: 16)
                    escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    escape = nil
                }
            }
            if let escape {
                out.unicodeScalars.append(contentsOf: scalars[plainStart..<index])
                out += escape
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        out.unicodeScalars.append(contentsOf: scalars[plainStart..<index])
    }

    /// The shortest decimal text that reads back as `x` (`0.1`, `-2.5e-05`); `null` for NaN or ±∞,
    /// which JSON cannot represent.
    public static func number(_ x: Float) -> String {
        x.isFinite ? x.description : "null"
    }

    /// `[x, y, …]` with `number(_:)` for each element.
    public static func array(_ values: some Sequence<Float>) -> String {
        var out = "["
        var first = true
        for v in values {
            if !first { out += "," }
            out += number(v)
            first = false
        }
        return out + "]"
    }

    /// `[a, b, …]` for integers.
    public static func array(_ values: some Sequence<Int>) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }

    /// `["a", "b", …]` with each string quoted.
    public static func array(_ values: some Sequence<String>) -> String {
        "[" + values.map(quoted).joined(separator: ",") + "]"
    }
}
