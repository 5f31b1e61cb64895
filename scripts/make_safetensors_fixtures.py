#!/usr/bin/env python3
"""Writes the small safetensors fixtures used by Tests/ModelTests/SafeTensors*.swift.

Every file is written by the reference Python `safetensors` library (safetensors.torch.save_file),
so the Swift reader is tested against real output, and `expected.json` records what each tensor
holds as exact float32 bit patterns (or integers), so the tests compare bit for bit.

The `writer_*` files hold the same source tensors (`writer_source` in expected.json) written
as F32, F16 and BF16 by Python; the Swift writer must reproduce them byte for byte.

Run from the repository root with the project venv:
    /work/venv/bin/python scripts/make_safetensors_fixtures.py
"""

import json
import struct
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

OUT = Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "safetensors"


def f32_bits(t: torch.Tensor) -> list[int]:
    """The elements as float32 bit patterns.

    F16 widens through NumPy, which keeps NaN payloads bit-exactly (torch turns an F16 NaN into
    0x7FFFFFFF); BF16 widens exactly in torch (a 16-bit shift); F64 rounds to nearest like Swift's
    Float(Double).
    """
    if t.dtype == torch.float16:
        a = t.numpy().astype(np.float32)
    elif t.dtype == torch.bfloat16:
        a = t.to(torch.float32).numpy()
    else:
        a = t.numpy().astype(np.float32)
    return [int(x) for x in a.reshape(-1).view(np.uint32)]


def describe(tensors: dict[str, torch.Tensor]) -> dict:
    out = {}
    for name, t in tensors.items():
        entry = {"dtype": {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
                           torch.float64: "F64", torch.int64: "I64"}[t.dtype],
                 "shape": list(t.shape)}
        if t.dtype == torch.int64:
            entry["int_values"] = [int(x) for x in t.reshape(-1).tolist()]
        else:
            entry["f32_bits"] = f32_bits(t)
        out[name] = entry
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    expected: dict = {"files": {}}

    def save(file: str, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None) -> None:
        save_file(tensors, str(OUT / file), metadata=metadata)
        expected["files"][file] = {"metadata": metadata or {}, "tensors": describe(tensors)}

    # F32 with a 0-dim scalar, an empty tensor and awkward values (−0, subnormal, max).
    save("python_f32.safetensors", {
        "encoder.weight": torch.tensor([[1.5, -0.0, 1e-40], [3.4028235e38, -2.25, 0.1]], dtype=torch.float32),
        "encoder.bias": torch.tensor([0.5, -1.0, 3.0], dtype=torch.float32),
        "scale": torch.tensor(2.5, dtype=torch.float32),
        "empty": torch.zeros((0, 3), dtype=torch.float32),
    }, {"format": "pt"})

    # Mixed dtypes as found in checkpoints: F16 (incl. subnormal and max), BF16, F64, I64 position ids.
    save("python_mixed.safetensors", {
        "half": torch.tensor([[1.0, -2.5, 65504.0], [5.960464477539063e-08, -0.0, 0.333251953125]], dtype=torch.float16),
        "brain": torch.tensor([1.0, -3.140625, 1e30, 9.183549615799121e-41], dtype=torch.bfloat16),
        "double": torch.tensor([0.1, -1e-3], dtype=torch.float64),
        "embeddings.position_ids": torch.arange(5, dtype=torch.int64).reshape(1, 5),
    }, {"format": "pt", "note": "caf\u00e9 \"quoted\"\n"})

    # NaN and infinities, for nonFiniteCount / requireFinite.
    save("python_nonfinite.safetensors", {
        "f32": torch.tensor([float("nan"), float("inf"), -float("inf"), 1.0, 0.0], dtype=torch.float32),
        "f16": torch.tensor([float("inf"), float("nan"), 1.0], dtype=torch.float16),
        "bf16": torch.tensor([float("nan"), 2.0], dtype=torch.bfloat16),
        "ok": torch.tensor([1.0, 2.0], dtype=torch.float32),
    }, None)

    # Writer parity: values chosen to exercise F16/BF16 rounding (ties to even, subnormals, overflow).
    source = {
        "alpha": torch.tensor([
            1.0, 65504.0, 65519.99609375, 65520.0,          # max, just below the inf threshold, the threshold
            1e-8, 2.9802322387695312e-08, 3e-08, 8.940696716308594e-08,  # < 2^-25, = 2^-25 (tie→0), > 2^-25, 1.5·2^-24 (tie→2)
            1.00048828125, 1.00146484375, -0.0, 6.103515625e-05,  # 1+2^-11 (tie→1), 1+3·2^-11 (tie→even up), -0, min normal
            6.097555160522461e-05, 3.1415927, -0.0025, 100000.0,   # max subnormal, pi, small negative, overflow → inf
        ], dtype=torch.float32).reshape(4, 4),
        "beta": torch.tensor([1.00390625, 1.01171875, -1.7e38], dtype=torch.float32),  # BF16 ties and a large value
        "gamma.scalar": torch.tensor(-7.0, dtype=torch.float32),
        "delta.empty": torch.zeros((0, 2), dtype=torch.float32),
    }
    expected["writer_source"] = describe(source)
    expected["writer_metadata"] = {"format": "pt"}
    for file, dtype in [("writer_f32.safetensors", torch.float32), ("writer_f16.safetensors", torch.float16),
                        ("writer_bf16.safetensors", torch.bfloat16)]:
        save_file({k: v.to(dtype) for k, v in source.items()}, str(OUT / file), metadata={"format": "pt"})

    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
