/// Building layers from PyTorch `state_dict`s of `nn.MultiheadAttention` and
/// `nn.TransformerEncoderLayer`, so blocks trained in PyTorch run here.
extension MultiHeadAttention {
    /// From an `nn.MultiheadAttention` state dict (with `prefix`, e.g. `"self_attn"`):
    /// `in_proj_weight` `[3D, D]` (Q, K, V stacked), `in_proj_bias` `[3D]`, `out_proj.weight` `[D, D]`,
    /// `out_proj.bias` `[D]`.
    public init(pytorchStateDict tensors: [String: Tensor], prefix: String = "", heads: Int) throws {
        func get(_ name: String) throws -> Tensor {
            guard let t = tensors[joinName(prefix, name)] else {
                throw LayerError.missingParameter(joinName(prefix, name))
            }
            return t
        }
        let inWeight = try get("in_proj_weight")
        guard inWeight.rank == 2, inWeight.shape[0] == 3 * inWeight.shape[1] else {
            throw LayerError.shapeMismatch(
                tensor: joinName(prefix, "in_proj_weight"),
                expected: [3 * (inWeight.shape.last ?? 0), inWeight.shape.last ?? 0], found: inWeight.shape)
        }
        let d = inWeight.shape[1]
        let inBias = try get("in_proj_bias")
        guard inBias.shape == [3 * d] else {
            throw LayerError.shapeMismatch(
                tensor: joinName(prefix, "in_proj_bias"), expected: [3 * d], found: inBias.shape)
        }
        let outWeight = try get("out_proj.weight")
        guard outWeight.shape == [d, d] else {
            throw LayerError.shapeMismatch(
                tensor: joinName(prefix, "out_proj.weight"), expected: [d, d], found: outWeight.shape)
        }
        let outBias = try get("out_proj.bias")
        guard outBias.shape == [d] else {
            throw LayerError.shapeMismatch(
                tensor: joinName(prefix, "out_proj.bias"), expected: [d], found: outBias.shape)
        }
        let w = inWeight.reshaped([3, d, d])
        let b = inBias.reshaped([3, d])
        try self.init(
            query: Linear(weight: w.slice(0..<1).reshaped([d, d]), bias: b.slice(0..<1).reshaped([d])),
            key: Linear(weight: w.slice(1..<2).reshaped([d, d]), bias: b.slice(1..<2).reshaped([d])),
            value: Linear(weight: w.slice(2..<3).reshaped([d, d]), bias: b.slice(2..<3).reshaped([d])),
            output: Linear(weight: outWeight, bias: outBias),
            heads: heads)
    }
}

extension EncoderBlock {
    /// From an `nn.TransformerEncoderLayer` state dict (with `prefix`): `self_attn.*`, `linear1`
    /// `[F, D]`, `linear2` `[D, F]`, `norm1`, `norm2`. PyTorch's `norm_first` is `placement == .pre`;
    /// its `layer_norm_eps` defaults to 1e-5.
    public init(
        pytorchStateDict tensors: [String: Tensor], prefix: String = "", heads: Int, activation: Activation,
        placement: NormPlacement, layerNormEpsilon: Float = 1e-5
    ) throws {
        func get(_ name: String, _ shape: [Int]) throws -> Tensor {
            let full = joinName(prefix, name)
            guard let t = tensors[full] else { throw LayerError.missingParameter(full) }
            guard t.shape == shape else {
                throw LayerError.shapeMismatch(tensor: full, expected: shape, found: t.shape)
            }
            return t
        }
        let attention = try MultiHeadAttention(
            pytorchStateDict: tensors, prefix: joinName(prefix, "self_attn"), heads: heads)
        let d = attention.dimension
        guard let l1 = tensors[joinName(prefix, "linear1.weight")] else {
            throw LayerError.missingParameter(joinName(prefix, "linear1.weight"))
        }
        let f = l1.shape.first ?? 0
        self.init(
            attention: attention,
            attentionNorm: LayerNorm(
                weight: try get("norm1.weight", [d]), bias: try get("norm1.bias", [d]), epsilon: layerNormEpsilon),
            feedForward: FeedForward(
                intermediate: Linear(weight: try get("linear1.weight", [f, d]), bias: try get("linear1.bias", [f])),
                output: Linear(weight: try get("linear2.weight", [d, f]), bias: try get("linear2.bias", [d])),
                activation: activation),
            outputNorm: LayerNorm(
                weight: try get("norm2.weight", [d]), bias: try get("norm2.bias", [d]), epsilon: layerNormEpsilon),
            placement: placement)
    }

    /// The parameters under PyTorch `nn.TransformerEncoderLayer` names (packed `in_proj_weight`).
    public func pytorchStateDict(prefix: String = "") -> [String: Tensor] {
        let a = attention
        let qkvWeight = Tensor.stack([a.query.weight, a.key.weight, a.value.weight]).reshaped([
            3 * dimension, dimension,
        ])
        let zero = Tensor.zeros([dimension])
        let qkvBias = Tensor.stack([a.query.bias ?? zero, a.key.bias ?? zero, a.value.bias ?? zero]).reshaped([
            3 * dimension
        ])
        var out: [String: Tensor] = [
            "self_attn.in_proj_weight": qkvWeight, "self_attn.in_proj_bias": qkvBias,
            "self_attn.out_proj.weight": a.output.weight, "self_attn.out_proj.bias": a.output.bias ?? zero,
            "linear1.weight": feedForward.intermediate.weight, "linear2.weight": feedForward.output.weight,
            "norm1.weight": attentionNorm.weight, "norm1.bias": attentionNorm.bias,
            "norm2.weight": outputNorm.weight, "norm2.bias": outputNorm.bias,
        ]
        if let b = feedForward.intermediate.bias { out["linear1.bias"] = b }
        if let b = feedForward.output.bias { out["linear2.bias"] = b }
        return Dictionary(uniqueKeysWithValues: out.map { (joinName(prefix, $0.key), $0.value) })
    }
}
