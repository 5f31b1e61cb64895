import Foundation
import Layers

extension SentenceEncoder {
    /// Writes the model as a Hugging Face / sentence-transformers folder that
    /// `transformers.BertModel.from_pretrained`, `sentence_transformers.SentenceTransformer` and
    /// `SentenceEncoder(directory:)` all load:
    ///
    ///     config.json                 BertConfig (HF keys) + "architectures": ["BertModel"], "model_type": "bert"
    ///     model.safetensors           HF names (embeddings.*, encoder.layer.N.*, pooler.dense.*), F32 or F16
    ///     vocab.txt, tokenizer_config.json, special_tokens_map.json
    ///     modules.json                Transformer → Pooling (→ Normalize when normalising)
    ///     1_Pooling/config.json, sentence_bert_config.json, config_sentence_transformers.json
    ///
    /// Every file is written atomically; the folder is created if needed.
    /// - Parameters:
    ///   - dtype: `.f32` (exact) or `.f16` (half the size; the loader converts it back to F32).
    ///   - metadata: extra safetensors metadata (e.g. how the model was trained).
    public func save(to directory: URL, dtype: SafeTensorsDType = .f32, metadata: [String: String] = [:]) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        func json(_ object: Any, _ name: String) throws {
            let data = try JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try writeAtomically(data + Data("\n".utf8), to: directory.appendingPathComponent(name))
        }
        // config.json: the Codable config plus what transformers needs to pick the class.
        let configData = try JSONEncoder().encode(model.config)
        var config = (try JSONSerialization.jsonObject(with: configData)) as? [String: Any] ?? [:]
        config["architectures"] = ["BertModel"]
        config["model_type"] = "bert"
        config["torch_dtype"] = "float32"
        try json(config, "config.json")

        var tensorMetadata = metadata
        tensorMetadata["format"] = "pt"
        try SafeTensors.write(
            model.namedParameters().map { ($0.name, $0.value) }, metadata: tensorMetadata, dtype: dtype,
            to: directory.appendingPathComponent("model.safetensors"))

        let vocabulary = (0..<tokenizer.vocabularySize).map { tokenizer.token(of: $0) ?? "[unused\($0)]" }
        try writeAtomically(
            Data((vocabulary.joined(separator: "\n") + "\n").utf8), to: directory.appendingPathComponent("vocab.txt"))
        let o = tokenizer.options
        let specials: [String: Any] = [
            "unk_token": o.unknownToken, "sep_token": o.sepToken, "pad_token": o.padToken, "cls_token": o.clsToken,
            "mask_token": o.maskToken,
        ]
        var tokenizerConfig = specials
        tokenizerConfig["tokenizer_class"] = "BertTokenizer"
        tokenizerConfig["do_lower_case"] = o.doLowerCase
        tokenizerConfig["do_basic_tokenize"] = true
        tokenizerConfig["tokenize_chinese_chars"] = o.tokenizeChineseChars
        tokenizerConfig["strip_accents"] = o.stripAccents.map { $0 as Any } ?? NSNull()
        tokenizerConfig["model_max_length"] = maxLength
        try json(tokenizerConfig, "tokenizer_config.json")
        try json(specials, "special_tokens_map.json")

        var modules: [[String: Any]] = [
            ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"],
            ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"],
        ]
        if sentenceConfig.normalize {
            modules.append([
                "idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize",
            ])
        }
        try json(modules, "modules.json")
        let p = sentenceConfig.pooling
        try json(
            [
                "word_embedding_dimension": dimension, "pooling_mode_cls_token": p == .cls,
                "pooling_mode_mean_tokens": p == .mean, "pooling_mode_max_tokens": p == .max,
                "pooling_mode_mean_sqrt_len_tokens": p == .meanSqrtLength,
            ], "1_Pooling/config.json")
        try json(
            ["max_seq_length": maxLength, "do_lower_case": sentenceConfig.lowercaseInput], "sentence_bert_config.json")
        try json(
            ["__version__": ["tiny_encoder": "0.1.0"], "prompts": [String: String](), "similarity_fn_name": "cosine"],
            "config_sentence_transformers.json")
    }
}
