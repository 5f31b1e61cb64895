/// Maps a tensor name from a Hugging Face BERT-family checkpoint to this library's name, or `nil`
/// for tensors that are known and not needed.
///
/// - strips the `bert.` prefix of task models (`BertForMaskedLM`, `BertForSequenceClassification`…);
/// - renames TensorFlow-era `gamma`/`beta` to `weight`/`bias`;
/// - drops `embeddings.position_ids` (a buffer of 0…P−1, not a parameter) and task heads (`cls.*`, `classifier.*`).
public func canonicalTensorName(_ name: String) -> String? {
    var n = name
    if n.hasPrefix("bert.") { n.removeFirst("bert.".count) }
    if n.hasPrefix("cls.") || n.hasPrefix("classifier.") || n.hasPrefix("qa_outputs.") { return nil }
    if n == "embeddings.position_ids" || n.hasSuffix(".position_ids") { return nil }
    if n.hasSuffix(".gamma") { n = String(n.dropLast("gamma".count)) + "weight" }
    if n.hasSuffix(".beta") { n = String(n.dropLast("beta".count)) + "bias" }
    return n
}
