#!/usr/bin/env python3
"""Writes the PyTorch autograd fixtures the Swift backward tests compare against.

    /work/venv/bin/python scripts/make_gradient_fixtures.py

Every case is seeded. Parameters and inputs are drawn in float32 (what the Swift side holds);
the forward and backward passes then run in float64, so the stored gradients are the exact
gradients of the float32 problem, rounded once to float32.

Each file in Tests/Fixtures/gradients/ is a safetensors file (all F32) with, for one layer family:

    param.<name>     parameters, under the names the Swift layer uses (Hugging Face BERT names)
    input.<name>     inputs (integer ids, lengths and masks stored as floats)
    upstream.<name>  the upstream gradient dL/dy of an output (L = Σ y · upstream)
    output.<name>    the forward outputs
    grad.<name>      dL/dparameter, same names as param.
    dinput.<name>    dL/dinput

Sizes are tiny (D ≤ 16, T ≤ 5, B ≤ 3). Every bias and LayerNorm parameter is randomised (PyTorch
initialises them to constants, which would hide a gradient sent to the wrong place). Dropout is
off everywhere; the Swift tests check dropout against finite differences instead.

Shapes: B batch, T tokens, D width, H heads, Dh = D/H, F feed-forward width, V vocabulary.
"""

import math
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "gradients")
B, T, D, H, FF = 3, 5, 16, 4, 32
LENGTHS = [5, 3, 4]  # real tokens per sequence; the rest is padding
MASKED = torch.finfo(torch.float32).min  # the Swift AttentionMask.maskedValue

torch.backends.mha.set_fastpath_enabled(False)
torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)


def randomise(module, scale=0.3):
    """Every bias and LayerNorm parameter gets a random value; embedding tables standard normal."""
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


def leaf(t):
    """A float64 leaf tensor that records its gradient."""
    return t.detach().to(torch.float64).clone().requires_grad_(True)


def lengths_bias(lengths, t):
    """[B, T] additive key bias: 0 for real keys, the most negative float32 for padding."""
    pad = torch.arange(t)[None, :] >= torch.tensor(lengths)[:, None]
    return torch.zeros(len(lengths), t, dtype=torch.float64).masked_fill(pad, MASKED)


def lengths_mask(lengths, t):
    """Hugging Face attention_mask [B, T]: 1 real, 0 padding."""
    return (torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]).to(torch.int64)


def save(name, tensors):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".safetensors")
    save_file({k: f32(v) for k, v in sorted(tensors.items())}, path)
    print(f"wrote {os.path.relpath(path)} ({len(tensors)} tensors)")


def module_case(module, names, inputs, forward, upstream_seed):
    """Runs `forward(module, **inputs)` in float64 with L = Σ y · upstream; returns the fixture dict.
    `names` maps PyTorch parameter names to the Swift names (identity when absent)."""
    module = module.double()
    xs = {k: leaf(v) for k, v in inputs.items()}
    y = forward(module, **xs)
    g = torch.Generator().manual_seed(upstream_seed)
    dy = torch.randn(y.shape, generator=g, dtype=torch.float32)
    (y * dy.double()).sum().backward()
    out = {"output.y": y, "upstream.y": dy}
    for k, v in xs.items():
        out["input." + k] = inputs[k]
        out["dinput." + k] = v.grad
    for n, p in module.named_parameters():
        swift = names.get(n, n)
        out["param." + swift] = p
        out["grad." + swift] = p.grad if p.grad is not None else torch.zeros_like(p)
    return out


# ---------------------------------------------------------------- Linear, Embedding, LayerNorm


def linear():
    torch.manual_seed(1)
    layer = randomise(nn.Linear(12, 7))
    x = torch.randn(B, T, 12)
    save("linear", module_case(layer, {}, {"x": x}, lambda m, x: m(x), 101))


def embedding():
    torch.manual_seed(2)
    table = randomise(nn.Embedding(10, 6))
    ids = torch.tensor([[1, 3, 3, 0, 9], [4, 1, 1, 1, 2], [9, 8, 7, 3, 3]])
    m = table.double()
    y = m(ids)
    dy = torch.randn(y.shape, generator=torch.Generator().manual_seed(102))
    (y * dy.double()).sum().backward()
    save("embedding", {"param.weight": m.weight, "input.ids": ids, "upstream.y": dy, "output.y": y, "grad.weight": m.weight.grad})


def layer_norm():
    torch.manual_seed(3)
    norm = randomise(nn.LayerNorm(D, eps=1e-5))
    x = 2 * torch.randn(B, T, D) + 0.5
    save("layer_norm", module_case(norm, {}, {"x": x}, lambda m, x: m(x), 103))
    torch.manual_seed(4)
    norm = randomise(nn.LayerNorm(D, eps=1e-12))
    x = torch.randn(B, T, D)
    save("layer_norm_bert", module_case(norm, {}, {"x": x}, lambda m, x: m(x), 104))


# ---------------------------------------------------------------- activations, softmax


def activations():
    torch.manual_seed(5)
    x = 2 * torch.randn(B, T, 8)
    out = {"input.x": x}
    for i, (name, f) in enumerate(
        [("gelu", lambda v: F.gelu(v)), ("gelu_tanh", lambda v: F.gelu(v, approximate="tanh")), ("relu", F.relu)]
    ):
        xs = leaf(x)
        y = f(xs)
        dy = torch.randn(y.shape, generator=torch.Generator().manual_seed(105 + i))
        (y * dy.double()).sum().backward()
        out[f"upstream.{name}"] = dy
        out[f"output.{name}"] = y
        out[f"dinput.{name}"] = xs.grad
    save("activation", out)


def softmax():
    torch.manual_seed(6)
    x = 3 * torch.randn(B, H, T, T)
    xs = leaf(x)
    y = torch.softmax(xs, dim=-1)
    dy = torch.randn(y.shape, generator=torch.Generator().manual_seed(106))
    (y * dy.double()).sum().backward()
    save("softmax", {"input.x": x, "upstream.y": dy, "output.y": y, "dinput.x": xs.grad})


# ---------------------------------------------------------------- attention


def sdpa():
    """Scaled dot-product attention [B, H, T, Dh] with key padding (LENGTHS) as an additive bias."""
    torch.manual_seed(7)
    dh = 4
    q, k, v = (torch.randn(B, 2, T, dh) for _ in range(3))

    def forward(_, query, key, value):
        scores = query @ key.transpose(-1, -2) / math.sqrt(dh) + lengths_bias(LENGTHS, T)[:, None, None, :]
        return torch.softmax(scores, dim=-1) @ value

    out = module_case(nn.Module(), {}, {"query": q, "key": k, "value": v}, forward, 107)
    out["input.lengths"] = torch.tensor(LENGTHS)
    save("sdpa", out)


class HFAttention(nn.Module):
    """Multi-head self-attention with Hugging Face BERT's parameter names."""

    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.query, self.key, self.value, self.dense = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x, bias):
        b, t, d = x.shape
        dh = d // self.h

        def split(y):
            return y.view(b, t, self.h, dh).transpose(1, 2)  # [B, H, T, Dh]

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(dh) + bias[:, None, None, :]
        context = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
        return self.dense(context)


HF_ATTENTION_NAMES = {
    "query.weight": "self.query.weight", "query.bias": "self.query.bias",
    "key.weight": "self.key.weight", "key.bias": "self.key.bias",
    "value.weight": "self.value.weight", "value.bias": "self.value.bias",
    "dense.weight": "output.dense.weight", "dense.bias": "output.dense.bias",
}


def mha():
    torch.manual_seed(8)
    attention = randomise(HFAttention(D, H))
    x = torch.randn(B, T, D)
    bias = lengths_bias(LENGTHS, T)
    out = module_case(attention, HF_ATTENTION_NAMES, {"x": x}, lambda m, x: m(x, bias), 108)
    out["input.lengths"] = torch.tensor(LENGTHS)
    save("mha", out)


# ---------------------------------------------------------------- feed-forward, blocks, encoder


class HFFeedForward(nn.Module):
    def __init__(self, d, f):
        super().__init__()
        self.intermediate, self.output = nn.Linear(d, f), nn.Linear(f, d)

    def forward(self, x):
        return self.output(F.gelu(self.intermediate(x)))


def feed_forward():
    torch.manual_seed(9)
    ff = randomise(HFFeedForward(D, FF))
    x = torch.randn(B, T, D)
    names = {f"{a}.{p}": f"{a}.dense.{p}" for a in ["intermediate", "output"] for p in ["weight", "bias"]}
    save("feed_forward", module_case(ff, names, {"x": x}, lambda m, x: m(x), 109))


def block_names():
    """nn.TransformerEncoderLayer names -> Swift EncoderBlock (Hugging Face BERT) names. The packed
    in_proj is split by `split_in_proj`; here only the one-to-one names."""
    table = {
        "self_attn.out_proj.weight": "attention.output.dense.weight", "self_attn.out_proj.bias": "attention.output.dense.bias",
        "linear1.weight": "intermediate.dense.weight", "linear1.bias": "intermediate.dense.bias",
        "linear2.weight": "output.dense.weight", "linear2.bias": "output.dense.bias",
        "norm1.weight": "attention.output.LayerNorm.weight", "norm1.bias": "attention.output.LayerNorm.bias",
        "norm2.weight": "output.LayerNorm.weight", "norm2.bias": "output.LayerNorm.bias",
    }
    return table


def split_in_proj(out, torch_prefix, swift_prefix, d):
    """Replaces the param./grad. entries of the packed `<torch_prefix>self_attn.in_proj_*` [3D, D]
    by `<swift_prefix>attention.self.{query,key,value}.*` [D, D]."""
    for kind in ["param", "grad"]:
        w = out.pop(f"{kind}.{torch_prefix}self_attn.in_proj_weight")
        b = out.pop(f"{kind}.{torch_prefix}self_attn.in_proj_bias")
        for i, name in enumerate(["query", "key", "value"]):
            out[f"{kind}.{swift_prefix}attention.self.{name}.weight"] = w[i * d : (i + 1) * d]
            out[f"{kind}.{swift_prefix}attention.self.{name}.bias"] = b[i * d : (i + 1) * d]


def encoder_block(norm_first, name, seed):
    torch.manual_seed(seed)
    layer = randomise(
        nn.TransformerEncoderLayer(D, H, FF, dropout=0.0, activation="gelu", batch_first=True, norm_first=norm_first)
    )
    x = torch.randn(B, T, D)
    pad = torch.arange(T)[None, :] >= torch.tensor(LENGTHS)[:, None]
    out = module_case(layer, block_names(), {"x": x}, lambda m, x: m(x, src_key_padding_mask=pad), seed + 100)
    split_in_proj(out, "", "", D)
    out["input.lengths"] = torch.tensor(LENGTHS)
    save(name, out)


def encoder():
    """Two pre-norm blocks and a final LayerNorm (nn.TransformerEncoder(norm=...))."""
    torch.manual_seed(12)
    layer = nn.TransformerEncoderLayer(D, H, FF, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
    stack = randomise(nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(D), enable_nested_tensor=False))
    x = torch.randn(B, T, D)
    pad = torch.arange(T)[None, :] >= torch.tensor(LENGTHS)[:, None]
    names = {f"layers.{i}.{k}": f"layer.{i}.{v}" for i in range(2) for k, v in block_names().items()}
    out = module_case(stack, names, {"x": x}, lambda m, x: m(x, src_key_padding_mask=pad), 112)
    for i in range(2):
        split_in_proj(out, f"layers.{i}.", f"layer.{i}.", D)
    out["input.lengths"] = torch.tensor(LENGTHS)
    save("encoder", out)


# ---------------------------------------------------------------- BERT embeddings and model


def tiny_bert_config():
    from transformers import BertConfig

    return BertConfig(
        vocab_size=23, hidden_size=D, num_hidden_layers=2, num_attention_heads=H, intermediate_size=FF,
        hidden_act="gelu", max_position_embeddings=8, type_vocab_size=2, layer_norm_eps=1e-12,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, initializer_range=0.2,
        attn_implementation="eager",
    )


def bert_inputs():
    g = torch.Generator().manual_seed(13)
    ids = torch.randint(1, 23, (B, T), generator=g)
    mask = lengths_mask(LENGTHS, T)
    ids = ids * mask  # padding id 0
    types = torch.zeros(B, T, dtype=torch.int64)
    types[0, 3:] = 1
    types[2, 2:4] = 1
    return ids, types, mask


def bert_embeddings():
    from transformers.models.bert.modeling_bert import BertEmbeddings

    torch.manual_seed(14)
    emb = randomise(BertEmbeddings(tiny_bert_config())).double().eval()
    ids, types, _ = bert_inputs()
    y = emb(input_ids=ids, token_type_ids=types)
    dy = torch.randn(y.shape, generator=torch.Generator().manual_seed(114))
    (y * dy.double()).sum().backward()
    out = {"input.ids": ids, "input.type_ids": types, "upstream.y": dy, "output.y": y}
    for n, p in emb.named_parameters():
        out["param." + n] = p
        out["grad." + n] = p.grad
    save("bert_embeddings", out)


def bert_model():
    """transformers.BertModel, 2 layers, with pooler; L = Σ h·dH + Σ pooled·dP."""
    from transformers import BertModel

    torch.manual_seed(15)
    model = BertModel(tiny_bert_config(), add_pooling_layer=True)
    randomise(model)
    model = model.double().eval()
    ids, types, mask = bert_inputs()
    out = model(input_ids=ids, token_type_ids=types, attention_mask=mask)
    h, pooled = out.last_hidden_state, out.pooler_output
    dh = torch.randn(h.shape, generator=torch.Generator().manual_seed(115))
    dp = torch.randn(pooled.shape, generator=torch.Generator().manual_seed(116))
    ((h * dh.double()).sum() + (pooled * dp.double()).sum()).backward()
    fixture = {
        "input.ids": ids, "input.type_ids": types, "input.attention_mask": mask,
        "upstream.last_hidden_state": dh, "upstream.pooled": dp,
        "output.last_hidden_state": h, "output.pooled": pooled,
    }
    for n, p in model.named_parameters():
        fixture["param." + n] = p
        fixture["grad." + n] = p.grad if p.grad is not None else torch.zeros_like(p)
    save("bert_model", fixture)


# ---------------------------------------------------------------- pooling, losses


def pooling():
    """sentence-transformers' Pooling formulas over a padded batch with an attention mask."""
    torch.manual_seed(16)
    x = torch.randn(B, T, D)
    mask = lengths_mask(LENGTHS, T)
    m = mask.unsqueeze(-1).double()
    out = {"input.x": x, "input.attention_mask": mask}

    def mean(h):
        return (h * m).sum(1) / torch.clamp(m.sum(1), min=1e-9)

    def mean_sqrt(h):
        return (h * m).sum(1) / torch.sqrt(torch.clamp(m.sum(1), min=1e-9))

    def cls(h):
        return h[:, 0]

    def maximum(h):
        h = h.clone()
        h[m.expand_as(h) == 0] = -1e9
        return torch.max(h, 1)[0]

    for i, (name, f) in enumerate([("mean", mean), ("mean_sqrt_len", mean_sqrt), ("cls", cls), ("max", maximum)]):
        xs = leaf(x)
        y = f(xs)
        dy = torch.randn(y.shape, generator=torch.Generator().manual_seed(117 + i))
        (y * dy.double()).sum().backward()
        out[f"upstream.{name}"] = dy
        out[f"output.{name}"] = y
        out[f"dinput.{name}"] = xs.grad
    save("pooling", out)


def losses():
    torch.manual_seed(17)
    out = {}
    # Classification: [6, 5] logits.
    logits = 2 * torch.randn(6, 5)
    targets = torch.tensor([0, 4, 2, 2, 1, 3])
    z = leaf(logits)
    loss = F.cross_entropy(z, targets)
    loss.backward()
    out.update({"input.ce_logits": logits, "input.ce_targets": targets, "output.ce_loss": loss.reshape(1), "dinput.ce_logits": z.grad})
    # Masked language model: [2, 4, 7] logits, −100 on tokens that were not masked.
    logits = 2 * torch.randn(2, 4, 7)
    targets = torch.tensor([[-100, 3, -100, 6], [0, -100, -100, 2]])
    z = leaf(logits)
    loss = F.cross_entropy(z.reshape(-1, 7), targets.reshape(-1), ignore_index=-100)
    loss.backward()
    out.update({"input.mlm_logits": logits, "input.mlm_targets": targets, "output.mlm_loss": loss.reshape(1), "dinput.mlm_logits": z.grad})
    # Mean-squared error.
    p, t = torch.randn(3, 4), torch.randn(3, 4)
    ps = leaf(p)
    loss = F.mse_loss(ps, t.double())
    loss.backward()
    out.update({"input.mse_prediction": p, "input.mse_target": t, "output.mse_loss": loss.reshape(1), "dinput.mse_prediction": ps.grad})
    # Cosine embedding (distillation) loss against a fixed teacher.
    s, t = torch.randn(3, 8), torch.randn(3, 8)
    ss = leaf(s)
    loss = nn.CosineEmbeddingLoss()(ss, t.double(), torch.ones(3, dtype=torch.float64))
    assert torch.allclose(loss, (1 - F.cosine_similarity(ss, t.double())).mean())
    loss.backward()
    out.update({"input.cos_student": s, "input.cos_teacher": t, "output.cos_loss": loss.reshape(1), "dinput.cos_student": ss.grad})
    save("losses", out)


# ---------------------------------------------------------------- AdamW


def adamw():
    """torch.optim.AdamW, float32 as in training, step by step:
    - `constant`: lr 1e-2, default betas/eps/weight decay, 5 steps;
    - `schedule`: lr 3e-2 under get_linear_schedule_with_warmup(2 warm-up, 5 total), weight decay
      0.1, and parameter `c` without a gradient at step 2 (its state must not advance)."""
    from transformers import get_linear_schedule_with_warmup

    out = {}
    for case in ["constant", "schedule"]:
        torch.manual_seed(18)
        params = {"a": torch.randn(4, 3), "b": torch.randn(5), "c": torch.randn(2, 2)}
        tensors = {k: nn.Parameter(v.clone()) for k, v in params.items()}
        for k, v in params.items():
            out[f"{case}.param.{k}"] = v
        if case == "constant":
            opt = torch.optim.AdamW(tensors.values(), lr=1e-2)
            sched = None
        else:
            opt = torch.optim.AdamW(tensors.values(), lr=3e-2, weight_decay=0.1)
            sched = get_linear_schedule_with_warmup(opt, num_warmup_steps=2, num_training_steps=5)
        lrs = []
        for step in range(5):
            lrs.append(opt.param_groups[0]["lr"])
            for k, p in tensors.items():
                if case == "schedule" and k == "c" and step == 2:
                    p.grad = None
                    continue
                g = torch.randn(p.shape)
                out[f"{case}.step{step}.grad.{k}"] = g
                p.grad = g.clone()
            opt.step()
            if sched is not None:
                sched.step()
            for k, p in tensors.items():
                out[f"{case}.step{step}.param.{k}"] = p.detach().clone()
        for k, p in tensors.items():
            st = opt.state[p]
            out[f"{case}.state.{k}.exp_avg"] = st["exp_avg"]
            out[f"{case}.state.{k}.exp_avg_sq"] = st["exp_avg_sq"]
            out[f"{case}.state.{k}.step"] = st["step"].reshape(1)
        out[f"{case}.lr"] = torch.tensor(lrs, dtype=torch.float64)
    save("adamw", out)


if __name__ == "__main__":
    linear()
    embedding()
    layer_norm()
    activations()
    softmax()
    sdpa()
    mha()
    feed_forward()
    encoder_block(False, "encoder_block_post", 10)
    encoder_block(True, "encoder_block_pre", 11)
    encoder()
    bert_embeddings()
    bert_model()
    pooling()
    losses()
    adamw()
