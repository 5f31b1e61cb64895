#!/usr/bin/env python3
"""Writes the PyTorch golden fixtures the Swift layer tests compare against.

    /work/venv/bin/python scripts/make_layer_fixtures.py

Every case is seeded and runs on the CPU in float32, so the files are the same on every run.
Each file in Tests/Fixtures/layers/ is a safetensors file holding, for one layer family, the
parameters (under `params.` with the names the Swift layer uses, or `torch.` with PyTorch's
names for the interop cases), the inputs and the outputs. Integers (ids, lengths) are stored
as float tensors.

Every parameter gets a non-trivial value: PyTorch initialises biases and LayerNorm to
constants, which would hide a bias added in the wrong place. PyTorch's attention fast paths
(and nested tensors) are disabled, and every forward runs with autograd on, so padded
positions are computed as ordinary tokens rather than skipped or zeroed.

Shapes: B batch, T tokens, D width, H heads, Dh = D/H, F feed-forward width, V vocabulary.
"""

import math
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "layers")
B, T, D, H, FF = 3, 7, 16, 4, 32
LENGTHS = [7, 5, 3]  # real tokens per sequence; the rest is padding

torch.backends.mha.set_fastpath_enabled(False)
torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)


def seed(n):
    torch.manual_seed(n)


def padding_mask(lengths, t):
    """PyTorch key_padding_mask [B, T]: True marks padding."""
    return torch.arange(t)[None, :] >= torch.tensor(lengths)[:, None]


def randomise(module, scale=0.3):
    """Gives every bias and LayerNorm parameter a random value, and embedding tables standard
    normal values (other weights keep PyTorch's random initialisation)."""
    with torch.no_grad():
        for m in module.modules():
            for leaf, p in m.named_parameters(recurse=False):
                if isinstance(m, nn.LayerNorm) and leaf == "weight":
                    p.copy_(1 + scale * torch.randn_like(p))
                elif leaf.endswith("bias"):
                    p.copy_(scale * torch.randn_like(p))
                elif isinstance(m, nn.Embedding):
                    p.copy_(torch.randn_like(p))
    return module


def f32(t):
    return t.detach().to(torch.float32).contiguous().clone()


def check_padded_rows_computed(out, lengths, what):
    """Padded rows must be real computations, not zeros from a nested-tensor path."""
    for b, n in enumerate(lengths):
        if n < out.shape[1]:
            assert out[b, n:].abs().min() > 0, f"{what}: padded rows of sequence {b} contain zeros"


def swift_block_names(sd, prefix=""):
    """nn.TransformerEncoderLayer state dict -> the Swift EncoderBlock's Hugging Face BERT names."""
    p = (prefix + ".") if prefix else ""
    d = sd[p + "self_attn.out_proj.weight"].shape[0]
    w, b = sd[p + "self_attn.in_proj_weight"], sd[p + "self_attn.in_proj_bias"]
    out = {}
    for i, name in enumerate(["query", "key", "value"]):
        out[f"attention.self.{name}.weight"] = w[i * d : (i + 1) * d]
        out[f"attention.self.{name}.bias"] = b[i * d : (i + 1) * d]
    out["attention.output.dense.weight"] = sd[p + "self_attn.out_proj.weight"]
    out["attention.output.dense.bias"] = sd[p + "self_attn.out_proj.bias"]
    out["attention.output.LayerNorm.weight"] = sd[p + "norm1.weight"]
    out["attention.output.LayerNorm.bias"] = sd[p + "norm1.bias"]
    out["intermediate.dense.weight"] = sd[p + "linear1.weight"]
    out["intermediate.dense.bias"] = sd[p + "linear1.bias"]
    out["output.dense.weight"] = sd[p + "linear2.weight"]
    out["output.dense.bias"] = sd[p + "linear2.bias"]
    out["output.LayerNorm.weight"] = sd[p + "norm2.weight"]
    out["output.LayerNorm.bias"] = sd[p + "norm2.bias"]
    return out


def prefixed(prefix, tensors):
    return {f"{prefix}.{k}": v for k, v in tensors.items()}


def save(name, tensors):
    tensors = {k: f32(v) for k, v in tensors.items()}
    for k, v in tensors.items():
        assert torch.isfinite(v).all() or k.endswith(("input_inf", "mask_inf")), f"{name}: {k} is not finite"
    path = os.path.join(OUT, name + ".safetensors")
    save_file(tensors, path, metadata={"generator": f"scripts/make_layer_fixtures.py, torch {torch.__version__}"})
    print(f"{name}.safetensors: {len(tensors)} tensors, {os.path.getsize(path)} bytes")


def tensor_case():
    seed(1)
    a, b = torch.randn(5, 7), torch.randn(7, 6)
    c, d = torch.randn(6, 7), torch.randn(6, 5)
    save("tensor", {"a": a, "b": b, "c": c, "d": d, "ab": a @ b, "a_cT": a @ c.T, "aT_dT": a.T @ d.T})


def linear_case():
    seed(2)
    with_bias = randomise(nn.Linear(D, 24))
    without = nn.Linear(D, 24, bias=False)
    x = torch.randn(B, 5, D)
    t = {}
    t.update(prefixed("with_bias", {"weight": with_bias.weight, "bias": with_bias.bias}))
    t["with_bias.input"], t["with_bias.output"] = x, with_bias(x)
    t["no_bias.weight"] = without.weight
    t["no_bias.input"], t["no_bias.output"] = x, without(x)
    save("linear", t)


def embedding_case():
    seed(3)
    table = nn.Embedding(11, D)
    ids = torch.tensor([[1, 0, 10, 3, 3], [7, 2, 5, 9, 0], [4, 4, 8, 6, 1]])
    save("embedding", {"weight": table.weight, "ids": ids.float(), "output": table(ids)})


def bert_config(**extra):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=30, hidden_size=24, num_hidden_layers=1, num_attention_heads=3, intermediate_size=40,
        hidden_act="gelu", hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
        max_position_embeddings=12, type_vocab_size=2, layer_norm_eps=1e-12, attn_implementation="eager", **extra)


def bert_embeddings_case():
    from transformers.models.bert.modeling_bert import BertEmbeddings

    seed(4)
    emb = randomise(BertEmbeddings(bert_config()).eval())
    ids = torch.tensor([[2, 17, 29, 5, 0, 0], [2, 8, 8, 11, 3, 1], [2, 21, 0, 0, 0, 0]])
    types = torch.tensor([[0, 0, 1, 1, 0, 0], [0, 0, 0, 1, 1, 1], [0, 1, 0, 0, 0, 0]])
    t = prefixed("params.embeddings", dict(emb.named_parameters()))
    t["input_ids"], t["token_type_ids"] = ids.float(), types.float()
    t["output"] = emb(input_ids=ids, token_type_ids=types)
    t["output_no_types"] = emb(input_ids=ids)
    save("bert_embeddings", t)


def layer_norm_case():
    seed(5)
    t = {}
    for name, eps in [("eps12", 1e-12), ("eps5", 1e-5)]:
        ln = randomise(nn.LayerNorm(D, eps=eps))
        x = 0.5 + 2 * torch.randn(B, 5, D)
        # Tiny variance (1e-4), so ε = 1e-5 changes the output by 5%. Centred on 0: a row of
        # 0.5 ± 0.01 would lose ~6e-6 relative precision to float32 rounding of the mean in any
        # implementation (PyTorch's own float32 output is then 4e-6 from float64).
        x[0, 1] = 0.01 * torch.randn(D)
        t.update(prefixed(name, {"weight": ln.weight, "bias": ln.bias, "input": x, "output": ln(x)}))
    save("layer_norm", t)


def activation_case():
    seed(6)
    x = 3 * torch.randn(B, 5, D)
    x[0, 0, :6] = torch.tensor([0.0, -0.0, 1e-4, -1e-4, 10.0, -10.0])
    save("activation", {
        "input": x,
        "gelu": F.gelu(x),
        "gelu_tanh": F.gelu(x, approximate="tanh"),
        "relu": F.relu(x),
    })


def softmax_case():
    seed(7)
    x = torch.randn(B, 4, T)
    large = torch.tensor([[1e4, 1e4 - 1, 1e4 - 2, -1e4, 0, 3, 1e4 - 0.5],
                          [88.0, 89.0, 90.0, -90.0, 80.0, 70.0, 60.0],
                          [-1e30, -1e30, -1e30 + 1e24, -1e30, -1e30, -1e30, -1e30],
                          [3e38, -3e38, 0, 1, 2, 3e38, -1]])
    with_inf = torch.randn(2, T)
    with_inf[0, [1, 4]] = -math.inf
    with_inf[1, :6] = -math.inf
    save("softmax", {
        "input": x, "output": F.softmax(x, dim=-1),
        "large_input": large, "large_output": F.softmax(large, dim=-1),
        "input_inf": with_inf, "inf_output": F.softmax(with_inf, dim=-1),
    })


def attention_reference(q, k, v, additive, scale):
    """Manual attention: scores, weights, context (what F.scaled_dot_product_attention computes)."""
    scores = q @ k.transpose(-2, -1) * scale
    if additive is not None:
        scores = scores + additive
    weights = scores.softmax(dim=-1)
    return scores, weights, weights @ v


def sdpa_case():
    seed(8)
    tq, tk, dh = 5, 7, 6
    q, k, v = torch.randn(B, H, tq, dh), torch.randn(B, H, tk, dh), torch.randn(B, H, tk, dh)
    scale = 1 / math.sqrt(dh)
    t = {"query": q, "key": k, "value": v, "lengths": torch.tensor(LENGTHS)}

    def case(name, sdpa_kwargs, additive, s=scale):
        scores, weights, context = attention_reference(q, k, v, additive, s)
        ref = F.scaled_dot_product_attention(q, k, v, **sdpa_kwargs)
        assert torch.allclose(ref, context, atol=1e-5), name
        t[f"{name}.context"], t[f"{name}.weights"] = ref, weights
        if additive is None or torch.isfinite(additive).all():
            t[f"{name}.scores"] = scores

    case("plain", {}, None)
    case("scaled", {"scale": 0.5}, None, s=0.5)
    # Key padding: PyTorch's boolean attn_mask is True where attention is allowed.
    keep = ~padding_mask(LENGTHS, tk)  # [B, Tk]
    pad_additive = torch.zeros(B, 1, 1, tk).masked_fill(~keep[:, None, None, :], -math.inf)
    case("padding", {"attn_mask": keep[:, None, None, :]}, pad_additive)
    additive2 = 2 * torch.randn(tq, tk)
    t["additive2d.mask"] = additive2
    case("additive2d", {"attn_mask": additive2}, additive2)
    additive4 = 2 * torch.randn(B, H, tq, tk)
    t["additive4d.mask"] = additive4
    case("additive4d", {"attn_mask": additive4}, additive4)
    causal = torch.zeros(tq, tk).masked_fill(torch.ones(tq, tk).tril().logical_not(), -math.inf)
    case("causal", {"is_causal": True}, causal)
    both = pad_additive + causal
    case("padding_causal", {"attn_mask": keep[:, None, None, :] & torch.ones(tq, tk, dtype=torch.bool).tril()}, both)

    x = torch.randn(B, 5, 24)
    t["split.input"], t["split.output"] = x, x.view(B, 5, 3, 8).transpose(1, 2)

    # Longer than one 16-lane vector in both keys (37) and head width (20), with padding.
    q, k, v = torch.randn(2, 2, 19, 20), torch.randn(2, 2, 37, 20), torch.randn(2, 2, 37, 20)
    keep = ~padding_mask([37, 21], 37)
    long_additive = torch.zeros(2, 1, 1, 37).masked_fill(~keep[:, None, None, :], -math.inf)
    _, weights, _ = attention_reference(q, k, v, long_additive, 1 / math.sqrt(20))
    t.update({"long.query": q, "long.key": k, "long.value": v, "long.lengths": torch.tensor([37, 21]),
              "long.context": F.scaled_dot_product_attention(q, k, v, attn_mask=keep[:, None, None, :]),
              "long.weights": weights})
    save("sdpa", t)


def mha_case():
    seed(9)
    mha = randomise(nn.MultiheadAttention(D, H, batch_first=True))
    x = torch.randn(B, T, D)
    kv = torch.randn(B, T, D)
    xq = torch.randn(B, 5, D)
    pad = padding_mask(LENGTHS, T)
    sd = mha.state_dict()
    t = prefixed("torch.self_attn", sd)  # PyTorch's names, for the interop tests
    params = {"output.dense.weight": sd["out_proj.weight"], "output.dense.bias": sd["out_proj.bias"]}
    for i, name in enumerate(["query", "key", "value"]):
        params[f"self.{name}.weight"] = sd["in_proj_weight"][i * D : (i + 1) * D]
        params[f"self.{name}.bias"] = sd["in_proj_bias"][i * D : (i + 1) * D]
    t.update(prefixed("params", params))  # the Swift layer's names
    t["input"], t["lengths"] = x, torch.tensor(LENGTHS)

    out, _ = mha(x, x, x, key_padding_mask=pad, need_weights=False)
    check_padded_rows_computed(out, LENGTHS, "mha")
    t["output"] = out
    out_avg, w_avg = mha(x, x, x, key_padding_mask=pad, need_weights=True, average_attn_weights=True)
    out_heads, w_heads = mha(x, x, x, key_padding_mask=pad, need_weights=True, average_attn_weights=False)
    assert torch.allclose(out_avg, out, atol=1e-6) and torch.allclose(out_heads, out, atol=1e-6)
    t["weights_average"], t["weights_per_head"] = w_avg, w_heads  # [B, T, T], [B, H, T, T]
    t["output_unmasked"] = mha(x, x, x, need_weights=False)[0]

    causal = torch.ones(T, T, dtype=torch.bool).triu(1)  # True: may not attend (key after query)
    t["output_causal"] = mha(x, x, x, key_padding_mask=pad, attn_mask=causal, need_weights=False)[0]

    t["cross.query"], t["cross.key_value"] = xq, kv
    out, w = mha(xq, kv, kv, key_padding_mask=pad, need_weights=True, average_attn_weights=False)
    t["cross.output"], t["cross.weights"] = out, w

    # Wider and longer: D = 48, H = 2 (Dh = 24) and T = 37 cross the 16-lane vectors of the kernel.
    wide = randomise(nn.MultiheadAttention(48, 2, batch_first=True))
    x = torch.randn(2, 37, 48)
    lengths = [37, 30]
    sd = wide.state_dict()
    t.update(prefixed("long.torch.self_attn", sd))
    out, w = wide(x, x, x, key_padding_mask=padding_mask(lengths, 37), need_weights=True, average_attn_weights=False)
    check_padded_rows_computed(out, lengths, "long mha")
    t.update({"long.input": x, "long.lengths": torch.tensor(lengths), "long.output": out, "long.weights": w})
    save("mha", t)


def feed_forward_case():
    seed(10)
    l1, l2 = randomise(nn.Linear(D, FF)), randomise(nn.Linear(FF, D))
    x = torch.randn(B, T, D)
    t = prefixed("params", {"intermediate.dense.weight": l1.weight, "intermediate.dense.bias": l1.bias,
                            "output.dense.weight": l2.weight, "output.dense.bias": l2.bias})
    t["input"] = x
    t["gelu"] = l2(F.gelu(l1(x)))
    t["gelu_tanh"] = l2(F.gelu(l1(x), approximate="tanh"))
    t["relu"] = l2(F.relu(l1(x)))
    t["residual"] = x + t["gelu"]
    save("feed_forward", t)


def encoder_layer(norm_first):
    return randomise(nn.TransformerEncoderLayer(
        D, H, dim_feedforward=FF, dropout=0.0, activation="gelu", batch_first=True, norm_first=norm_first))


def encoder_block_case():
    seed(11)
    x = torch.randn(B, T, D)
    pad = padding_mask(LENGTHS, T)
    t = {"input": x, "lengths": torch.tensor(LENGTHS)}
    for name, norm_first in [("post", False), ("pre", True)]:
        layer = encoder_layer(norm_first).train(False)
        sd = layer.state_dict()
        t.update(prefixed(f"{name}.torch", sd))
        t.update(prefixed(f"{name}.params", swift_block_names(sd)))
        out = layer(x, src_key_padding_mask=pad)
        check_padded_rows_computed(out, LENGTHS, name)
        t[f"{name}.output"] = out
        t[f"{name}.output_unmasked"] = layer(x)
        attn_in = layer.norm1(x) if norm_first else x
        t[f"{name}.weights"] = layer.self_attn(attn_in, attn_in, attn_in, key_padding_mask=pad,
                                               need_weights=True, average_attn_weights=False)[1]
    save("encoder_block", t)


def encoder_case():
    seed(12)
    x = torch.randn(B, T, D)
    pad = padding_mask(LENGTHS, T)
    t = {"input": x, "lengths": torch.tensor(LENGTHS)}
    for name, norm_first in [("post", False), ("pre", True)]:
        layer = nn.TransformerEncoderLayer(D, H, dim_feedforward=FF, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=norm_first)
        norm = nn.LayerNorm(D) if norm_first else None
        enc = nn.TransformerEncoder(layer, num_layers=2, norm=norm, enable_nested_tensor=False)
        randomise(enc)  # the two layers are copies: randomise after construction so they differ
        for block in enc.layers:  # and give each its own weights
            with torch.no_grad():
                for p in block.parameters():
                    if p.dim() == 2:
                        p.add_(0.1 * torch.randn_like(p))
        enc.train(False)
        sd = enc.state_dict()
        for i in range(2):
            t.update(prefixed(f"{name}.params.layer.{i}", swift_block_names(sd, f"layers.{i}")))
        if norm is not None:
            t[f"{name}.params.norm.weight"], t[f"{name}.params.norm.bias"] = sd["norm.weight"], sd["norm.bias"]
        out = enc(x, src_key_padding_mask=pad)
        check_padded_rows_computed(out, LENGTHS, name)
        t[f"{name}.output"] = out
        h = x
        for i, block in enumerate(enc.layers):
            h = block(h, src_key_padding_mask=pad)
            t[f"{name}.hidden.{i + 1}"] = h
    save("encoder", t)


def bert_layer_case():
    from transformers.models.bert.modeling_bert import BertLayer

    seed(13)
    layer = randomise(BertLayer(bert_config()).eval())
    b, tt, d = 3, 6, 24
    x = torch.randn(b, tt, d)
    lengths = [6, 4, 1]
    attention_mask = (~padding_mask(lengths, tt)).float()  # 1 real, 0 padding
    extended = (1.0 - attention_mask[:, None, None, :]) * torch.finfo(torch.float32).min  # [B, 1, 1, T]
    t = prefixed("params", dict(layer.named_parameters()))  # Hugging Face's names
    t["input"], t["attention_mask"], t["extended_attention_mask"] = x, attention_mask, extended
    out = layer(x, attention_mask=extended)
    check_padded_rows_computed(out, lengths, "bert layer")
    t["output"] = out
    t["weights"] = layer.attention(x, extended)[1]
    save("bert_layer", t)


def dropout_case():
    seed(14)
    p = 0.25
    x = torch.randn(B, T, D)
    save("dropout", {"input": x, "train_output": F.dropout(x, p=p, training=True),
                     "eval_output": nn.Dropout(p).eval()(x), "p": torch.tensor([p])})


def main():
    os.makedirs(OUT, exist_ok=True)
    with torch.enable_grad():  # autograd on: no inference-only fast path anywhere
        for case in [tensor_case, linear_case, embedding_case, bert_embeddings_case, layer_norm_case,
                     activation_case, softmax_case, sdpa_case, mha_case, feed_forward_case,
                     encoder_block_case, encoder_case, bert_layer_case, dropout_case]:
            case()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"total: {total} bytes")
    assert total < 1_000_000


if __name__ == "__main__":
    main()
