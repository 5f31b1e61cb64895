/// How a layer built from scratch fills its parameters.
public enum Initialization: Sendable {
    /// PyTorch's defaults: `nn.Linear` weight and bias uniform in ±1/√in (Kaiming uniform with
    /// a = √5), `nn.Embedding` standard normal, `nn.LayerNorm` ones and zeros.
    case pytorch
    /// BERT's: weights and embeddings normal with this standard deviation (0.02), biases zero,
    /// LayerNorm ones and zeros (`BertPreTrainedModel._init_weights`).
    case bert(std: Float)
}
