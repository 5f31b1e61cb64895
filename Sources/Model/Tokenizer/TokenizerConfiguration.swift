import Foundation

extension TokenizerOptions {
    /// Reads the options from a Hugging Face `tokenizer_config.json`.
    ///
    /// Keys read (all optional; a missing key keeps Hugging Face's default): `do_lower_case`,
    /// `strip_accents` (`null` follows `do_lower_case`), `tokenize_chinese_chars`,
    /// `max_input_chars_per_word`, and `unk_token`, `cls_token`, `sep_token`, `pad_token`,
    /// `mask_token`, each either a string or an object with a `"content"` string. Other keys are ignored.
    ///
    /// - Throws: ``TokenizerError/unreadableFile(path:reason:)`` or
    ///   ``TokenizerError/invalidConfiguration(path:reason:)`` naming the key at fault.
    public init(configurationFile url: URL) throws(TokenizerError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        let file: ConfigurationFile
        do {
            file = try JSONDecoder().decode(ConfigurationFile.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .invalidConfiguration(
                path: url.path, reason: key.isEmpty ? context.debugDescription : "\(key): \(context.debugDescription)")
        } catch {
            throw .invalidConfiguration(path: url.path, reason: String(describing: error))
        }
        self.init()
        if let value = file.doLowerCase { doLowerCase = value }
        stripAccents = file.stripAccents
        if let value = file.tokenizeChineseChars { tokenizeChineseChars = value }
        if let value = file.maxInputCharsPerWord { maxInputCharsPerWord = value }
        if let value = file.unkToken?.content { unknownToken = value }
        if let value = file.clsToken?.content { clsToken = value }
        if let value = file.sepToken?.content { sepToken = value }
        if let value = file.padToken?.content { padToken = value }
        if let value = file.maskToken?.content { maskToken = value }
    }
}

/// The keys of `tokenizer_config.json` that the BERT tokenizer uses.
private struct ConfigurationFile: Decodable {
    var doLowerCase: Bool?
    var stripAccents: Bool?
    var tokenizeChineseChars: Bool?
    var maxInputCharsPerWord: Int?
    var unkToken: TokenName?
    var clsToken: TokenName?
    var sepToken: TokenName?
    var padToken: TokenName?
    var maskToken: TokenName?

    enum CodingKeys: String, CodingKey {
        case doLowerCase = "do_lower_case"
        case stripAccents = "strip_accents"
        case tokenizeChineseChars = "tokenize_chinese_chars"
        case maxInputCharsPerWord = "max_input_chars_per_word"
        case unkToken = "unk_token"
        case clsToken = "cls_token"
        case sepToken = "sep_token"
        case padToken = "pad_token"
        case maskToken = "mask_token"
    }
}

/// A special token as written in `tokenizer_config.json`: `"[CLS]"` or `{"content": "[CLS]", ...}`.
private struct TokenName: Decodable {
    var content: String

    private enum CodingKeys: String, CodingKey { case content }

    init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            content = text
        } else {
            content = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .content)
        }
    }
}
