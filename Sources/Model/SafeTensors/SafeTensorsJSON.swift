/// A strict JSON reader (RFC 8259) for safetensors headers.
///
/// Written here rather than using `JSONSerialization` because the header needs what a general
/// decoder hides: numbers keep their literal text, so `2`, `2.0`, `2e0` and
/// `18446744073709551616` can be told apart and read exactly; objects keep their keys in order
/// and duplicates are visible; nesting is capped so hostile input cannot exhaust the stack.
/// It accepts what `serde_json` (used by the Rust library) accepts, except duplicate keys,
/// which the header validation rejects.
enum SafeTensorsJSON: Sendable, Equatable {
    case object([Member])
    case array([SafeTensorsJSON])
    case string(String)
    /// A number's literal text, e.g. `"8"`, `"-2"`, `"2.0"`, `"8e0"`.
    case number(String)
    case bool(Bool)
    case null

    /// One `"key": value` pair of an object, in the order written.
    struct Member: Sendable, Equatable {
        let key: String
        let value: SafeTensorsJSON
    }

    /// Why the text is not JSON, and at which byte of it.
    struct ParseError: Error, Sendable {
        let message: String
        let offset: Int
    }

    /// The deepest nesting of arrays and objects accepted (a valid header needs 3).
    static let maxDepth = 64

    /// Parses one JSON value surrounded by optional whitespace. `bytes` must be valid UTF-8.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(ParseError) -> SafeTensorsJSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.position != bytes.count { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// A short description of the value's kind, for error messages (“a number”, “an object”).
    var kind: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

/// A recursive-descent parser over the header bytes.
private struct Parser {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func error(_ message: String) -> SafeTensorsJSON.ParseError {
        SafeTensorsJSON.ParseError(message: message, offset: position)
    }

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(SafeTensorsJSON.ParseError) {
        guard peek == byte else { throw error("expected \(what)") }
        position += 1
    }

    mutating func value(depth: Int) throws(SafeTensorsJSON.ParseError) -> SafeTensorsJSON {
        guard let b = peek else { throw error("unexpected end of header") }
        switch b {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default: throw error("expected a JSON value")
        }
    }

    mutating func literal(_ word: String) throws(SafeTensorsJSON.ParseError) {
        let start = position
        for byte in word.utf8 {
            guard peek == byte else {
                position = start
                throw error("invalid literal")
            }
            position += 1
        }
    }

    mutating func object(depth: Int) throws(SafeTensorsJSON.ParseError) -> SafeTensorsJSON {
        guard depth <= SafeTensorsJSON.maxDepth else { throw error("nesting deeper than \(SafeTensorsJSON.maxDepth)") }
        position += 1  // {
        var members: [SafeTensorsJSON.Member] = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after an object key")
            skipWhitespace()
            members.append(.init(key: key, value: try value(depth: depth)))
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}' in an object")
            return .object(members)
        }
    }

    mutating func array(depth: Int) throws(SafeTensorsJSON.ParseError) -> SafeTensorsJSON {
        guard depth <= SafeTensorsJSON.maxDepth else { throw error("nesting deeper than \(SafeTensorsJSON.maxDepth)") }
        position += 1  // [
        var elements: [SafeTensorsJSON] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']' in an array")
            return .array(elements)
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as text.
    mutating func number() throws(SafeTensorsJSON.ParseError) -> String {
        let start = position
        if peek == UInt8(ascii: "-") { position += 1 }
        guard let first = peek, isDigit(first) else { throw error("expected a digit") }
        position += 1
        if first == UInt8(ascii: "0"), let next = peek, isDigit(next) {
            throw error("leading zero in a number")
        }
        skipDigits()
        if peek == UInt8(ascii: ".") {
            position += 1
            guard let d = peek, isDigit(d) else { throw error("expected a digit after '.'") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard let d = peek, isDigit(d) else { throw error("expected a digit in the exponent") }
            skipDigits()
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    mutating func skipDigits() {
        while let b = peek, isDigit(b) { position += 1 }
    }

    /// A string literal starting at `"`, with escapes decoded.
    mutating func string() throws(SafeTensorsJSON.ParseError) -> String {
        position += 1  // "
        var utf8: [UInt8] = []
        while true {
            guard let b = peek else { throw error("unterminated string") }
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                try escape(into: &utf8)
            case 0..<0x20:
                throw error("control character in a string")
            default:
                utf8.append(b)
                position += 1
            }
        }
    }

    /// One escape sequence after the backslash; `\uD83D\uDE00` surrogate pairs are joined.
    mutating func escape(into utf8: inout [UInt8]) throws(SafeTensorsJSON.ParseError) {
        guard let b = peek else { throw error("unterminated escape") }
        position += 1
        let simple: UInt8? =
            switch b {
            case UInt8(ascii: "\""): 0x22
            case UInt8(ascii: "\\"): 0x5C
            case UInt8(ascii: "/"): 0x2F
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple {
            utf8.append(simple)
            return
        }
        guard b == UInt8(ascii: "u") else { throw error("invalid escape") }
        var code = UInt32(try hex4())
        if (0xD800..<0xDC00).contains(code) {
            guard peek == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
            else { throw error("lone leading surrogate in a \\u escape") }
            position += 2
            let low = UInt32(try hex4())
            guard (0xDC00..<0xE000).contains(low) else { throw error("invalid trailing surrogate in a \\u escape") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(code) {
            throw error("lone trailing surrogate in a \\u escape")
        }
        guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
        UTF8.encode(scalar) { utf8.append($0) }
    }

    mutating func hex4() throws(SafeTensorsJSON.ParseError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let b = peek else { throw error("unterminated \\u escape") }
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in a \\u escape")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }
}
