import Foundation

/// A WordPiece vocabulary: token ↔ id, where the id is the token's line number (from 0).
///
/// Lookups compare tokens code point by code point, as Python and Rust do. Swift's `String`
/// equality is canonical (`"é" == "e\u{301}"`), so the table is keyed by unicode scalars instead.
///
/// Duplicates follow Hugging Face's `load_vocab` (a Python dict filled in line order): the last
/// line of a repeated token owns it, and the earlier ids have no token.
struct Vocabulary: Sendable {
    /// Token of each id, `[V]`; `nil` for an id shadowed by a later duplicate.
    let tokens: [String?]
    /// Id of each token, keyed by its code points.
    private let ids: [[Unicode.Scalar]: Int]
    /// The most code points in any token; no longer piece can match.
    let longestToken: Int

    /// - Parameter tokens: the vocabulary in id order.
    init(tokens list: [String]) {
        var ids: [[Unicode.Scalar]: Int] = [:]
        ids.reserveCapacity(list.count)
        var longest = 0
        for (id, token) in list.enumerated() {
            let scalars = Array(token.unicodeScalars)
            ids[scalars] = id
            longest = max(longest, scalars.count)
        }
        var tokens = [String?](repeating: nil, count: list.count)
        for id in ids.values { tokens[id] = list[id] }
        self.tokens = tokens
        self.ids = ids
        self.longestToken = longest
    }

    /// Number of ids (lines), `V`.
    var count: Int { tokens.count }

    /// The id of a token given as code points, or `nil`.
    func id(of scalars: [Unicode.Scalar]) -> Int? { ids[scalars] }

    /// The id of a token, compared code point by code point, or `nil`.
    func id(of token: String) -> Int? { ids[Array(token.unicodeScalars)] }

    /// The token of an id, or `nil` when out of range or shadowed by a later duplicate.
    func token(of id: Int) -> String? { tokens.indices.contains(id) ? tokens[id] : nil }

    /// Splits a `vocab.txt` into tokens the way Hugging Face's `load_vocab` does: Python's
    /// universal newlines (`\n`, `\r\n` and a lone `\r` each end a line), one token per line, a final
    /// line ending does not start an empty token, empty lines are tokens (`""`) and keep their id,
    /// nothing else is trimmed (a byte order mark stays part of the first token).
    static func lines(of text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    /// Reads a `vocab.txt` file (UTF-8, one token per line).
    ///
    /// - Throws: ``TokenizerError/unreadableFile(path:reason:)`` or ``TokenizerError/notUTF8(path:)``.
    static func read(_ url: URL) throws(TokenizerError) -> [String] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw .notUTF8(path: url.path) }
        return lines(of: text)
    }
}
