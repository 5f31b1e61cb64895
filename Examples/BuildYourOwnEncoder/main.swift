// Build a small Transformer encoder from layers, run it on a padded batch, look at its attention,
// and save it under Hugging Face names. Compiled by `swift build` (target `encoder-example`).
import Layers

var generator = SeededGenerator(seed: 42)

// Two pre-norm blocks of width 64 with 4 heads and a GELU feed-forward of width 256.
let blocks = try (0..<2).map { _ in
    try EncoderBlock(
        dimension: 64, heads: 4, hidden: 256, activation: .gelu, placement: .pre,
        generator: &generator)
}
let encoder = Encoder(blocks: blocks, finalNorm: LayerNorm(dimension: 64))

// A batch of two sequences padded to 5 tokens: the second has 3 real tokens.
let x = Tensor.normal([2, 5, 64], generator: &generator)  // [B, T, D]
let mask = AttentionMask(lengths: [5, 3], length: 5)
let out = encoder.forward(x, mask: mask, returnAttentions: true)

print("output", out.lastHiddenState.shape)  // [2, 5, 64]
print("attention of block 0", out.attentions[0].shape)  // [2, 4, 5, 5]: [B, H, T, T]
// Padding gets no attention: sequence 1, head 0, query 0 looks only at keys 0...2.
print("weights to keys 3, 4:", out.attentions[0][1, 0, 0, 3], out.attentions[0][1, 0, 0, 4])

// Every parameter by the name Hugging Face BERT uses.
for (name, value) in encoder.namedParameters(prefix: "encoder").prefix(4) {
    print(name, value.shape)
}
print("parameters:", encoder.parameterCount)
