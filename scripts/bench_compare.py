#!/usr/bin/env python3
"""Times PyTorch, ONNX Runtime, sentence-transformers and the Swift encoder on the same inputs.

For the issue "Fast: ahead of PyTorch and ONNX Runtime". In one run of this script:

1. PyTorch: transformers `AutoModel` forward (eval, `torch.no_grad`, float32) on each case of
   bench/inputs.json, padded to the case's `paddedLength` with an attention mask;
2. ONNX Runtime: the same model exported with `torch.onnx.export` (cached under --onnx-cache),
   CPU provider, same padded inputs;
3. the corpus (bench/sentences.txt): sentence-transformers `encode(batch_size=32)` (PyTorch), and
   the same pipeline on ONNX Runtime (HF tokenizer, length-sorted batches of 32, mean pooling,
   L2 normalisation);
4. the Swift encoder: `tiny-encoder bench --model DIR --runs N --json` (packed and padded);

then prints the medians and the ratios Swift/PyTorch and Swift/ORT (below 1: Swift is faster).
Every engine gets the same thread count (--threads, default 2): `torch.set_num_threads`, ORT
`intra_op_num_threads`, OpenBLAS's `OPENBLAS_NUM_THREADS`.

Usage (from the repository root, after `swift build -c release`):
    /work/venv/bin/python scripts/bench_compare.py [--runs 5] [--small-runs 20] [--markdown]
    ... --skip-swift                 only the Python engines
    ... --swift-json report.json     use a saved `tiny-encoder bench --json` report
    ... --json-out all.json          also write every figure as JSON
Needs: torch, transformers, sentence-transformers, onnxruntime, onnx (scripts/requirements.txt).
"""

import argparse
import gc
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def summarize(samples: list[float]) -> dict:
    """The same statistics as Swift's `TimingSummary` (NumPy's linear percentiles)."""
    a = np.asarray(samples, dtype=np.float64)
    return {
        "runs": len(samples), "median": float(np.median(a)), "min": float(a.min()), "max": float(a.max()),
        "mean": float(a.mean()), "p90": float(np.percentile(a, 90)), "samples": [float(x) for x in samples],
    }


def measure(body, warmup: int, runs: int) -> dict:
    for _ in range(warmup):
        body()
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        body()
        samples.append((time.perf_counter_ns() - start) * 1e-9)
    return summarize(samples)


def runs_for(case: dict, args) -> tuple[int, int]:
    """(warm-up, runs) as the Swift side chooses them: small cases at least --small-runs."""
    real = sum(len(row) for row in case["ids"])
    return (5, max(args.runs, args.small_runs)) if real <= 64 else (1, args.runs)


def padded_arrays(case: dict, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`[B, T]` int64 ids, attention mask and token type ids."""
    t = case["paddedLength"]
    ids = np.full((len(case["ids"]), t), pad_id, dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, row in enumerate(case["ids"]):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask, np.zeros_like(ids)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def export_onnx(model, model_dir: Path, cache: Path) -> Path:
    """Exports `model` (last_hidden_state only, dynamic batch and length) once per weights file."""
    import torch

    weights = model_dir / "model.safetensors"
    stamp = hashlib.sha256(f"{weights.resolve()}:{weights.stat().st_size}:{weights.stat().st_mtime_ns}:{torch.__version__}".encode()).hexdigest()[:16]
    path = cache / f"{model_dir.name}-{stamp}.onnx"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    log(f"exporting ONNX to {path}")

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    example = tuple(torch.ones((2, 8), dtype=torch.int64) for _ in range(3))
    axes = {0: "batch", 1: "tokens"}
    tmp = path.with_suffix(".tmp.onnx")
    torch.onnx.export(
        LastHiddenState(model).eval(), example, str(tmp),
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes},
        opset_version=17, dynamo=False)
    tmp.replace(path)
    return path


def run_python(args, inputs: dict, sentences: list[str]) -> dict:
    import onnxruntime as ort
    import sentence_transformers
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(args.threads)
    model_dir = Path(args.model)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir, dtype=torch.float32).eval()
    results = {"versions": {
        "python": platform.python_version(), "torch": torch.__version__, "transformers": transformers.__version__,
        "sentence-transformers": sentence_transformers.__version__, "onnxruntime": ort.__version__, "numpy": np.__version__,
    }, "threads": args.threads, "torchThreads": torch.get_num_threads(), "cases": {}, "corpus": {}}

    # The sgemm rate PyTorch's own BLAS reaches, beside OpenBLAS's from the Swift report.
    n = 2048
    a, b = torch.rand(n, n) - 0.5, torch.rand(n, n) - 0.5
    timing = measure(lambda: torch.mm(a, b), 2, 10)
    results["torchSGEMM"] = {"size": n, "timing": timing, "gflops": 2 * n**3 / timing["median"] / 1e9}
    log(f"torch.mm {n}: {results['torchSGEMM']['gflops']:.1f} GFLOP/s")

    onnx_path = export_onnx(model, model_dir, Path(args.onnx_cache))
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    for case in inputs["cases"]:
        name = case["name"]
        warmup, runs = runs_for(case, args)
        ids, mask, types = padded_arrays(case, tokenizer.pad_token_id)
        t_ids, t_mask, t_types = (torch.from_numpy(x) for x in (ids, mask, types))
        entry = {"sequences": len(case["ids"]), "realTokens": int(mask.sum()), "paddedTokens": int(mask.size)}

        log(f"{name}: PyTorch, {runs} runs")
        with torch.no_grad():
            torch_out = model(input_ids=t_ids, attention_mask=t_mask, token_type_ids=t_types).last_hidden_state.numpy()
            entry["pytorch"] = measure(lambda: model(input_ids=t_ids, attention_mask=t_mask, token_type_ids=t_types), warmup, runs)

        log(f"{name}: ONNX Runtime, {runs} runs")
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        ort_out = session.run(None, feed)[0]
        real = mask.astype(bool)
        entry["ortMaxAbsDiffFromPyTorch"] = float(np.abs(ort_out[real] - torch_out[real]).max())
        entry["onnxruntime"] = measure(lambda: session.run(None, feed), warmup, runs)
        results["cases"][name] = entry

    corpus_tokens = sum(len(x) for x in tokenizer(sentences)["input_ids"])
    results["corpus"] = {"sentences": len(sentences), "realTokens": corpus_tokens}

    log(f"corpus: sentence-transformers encode(batch_size=32), {args.runs} runs")
    st = SentenceTransformer(str(model_dir), device="cpu")
    st_vectors = st.encode(sentences, batch_size=32, show_progress_bar=False)
    results["corpus"]["sentenceTransformers"] = measure(
        lambda: st.encode(sentences, batch_size=32, show_progress_bar=False), 1, args.runs)

    log(f"corpus: ONNX Runtime pipeline, {args.runs} runs")
    max_length = st.max_seq_length

    def ort_encode() -> np.ndarray:
        encoded = tokenizer(sentences, truncation=True, max_length=max_length)["input_ids"]
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
        out = np.empty((len(encoded), model.config.hidden_size), dtype=np.float32)
        for start in range(0, len(order), 32):
            batch = order[start : start + 32]
            t = max(len(encoded[i]) for i in batch)
            ids, mask, types = padded_arrays({"paddedLength": t, "ids": [encoded[i] for i in batch]}, tokenizer.pad_token_id)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
            out[batch] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out

    ort_vectors = ort_encode()
    results["corpus"]["ortMaxAbsDiffFromSentenceTransformers"] = float(np.abs(ort_vectors - st_vectors).max())
    results["corpus"]["onnxruntime"] = measure(ort_encode, 1, args.runs)

    del session, st, model
    gc.collect()
    return results


def run_swift(args) -> dict | None:
    if args.swift_json:
        return json.loads(Path(args.swift_json).read_text())
    if args.skip_swift:
        return None
    binary = Path(args.swift_binary)
    if not binary.exists():
        log(f"{binary} not found: build it with `swift build -c release` (Swift side skipped)")
        return None
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = str(args.threads)
    if "OPENBLAS_CORETYPE" not in env:
        detected = subprocess.run([str(ROOT / "scripts/openblas_coretype.sh")], capture_output=True, text=True).stdout.strip()
        if detected:
            env["OPENBLAS_CORETYPE"] = detected
    time.sleep(1)  # let the Python engines' worker threads go idle
    command = [str(binary), "bench", "--model", args.model, "--runs", str(args.runs), "--json"]
    log(f"Swift: {' '.join(command)} (OPENBLAS_CORETYPE={env.get('OPENBLAS_CORETYPE', '<default>')})")
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        log(f"the Swift benchmark failed with exit code {done.returncode} (Swift side skipped)")
        return None
    return json.loads(done.stdout)


def ms(summary: dict | None) -> str:
    return "—" if summary is None else f"{summary['median'] * 1000:.2f}"


def ratio(swift: dict | None, other: dict | None) -> str:
    return "—" if swift is None or other is None else f"{swift['median'] / other['median']:.2f}"


def table_rows(py: dict, swift: dict | None, inputs: dict) -> list[list[str]]:
    by_mode = {}
    for c in (swift or {}).get("cases", []):
        by_mode[(c["name"], c["mode"])] = c["timing"]
    rows = []
    for case in inputs["cases"]:
        name = case["name"]
        entry = py["cases"][name]
        packed, padded = by_mode.get((name, "packed")), by_mode.get((name, "padded"))
        rows.append([
            name, str(entry["sequences"]), str(entry["realTokens"]), str(entry["paddedTokens"]),
            ms(entry["pytorch"]), ms(entry["onnxruntime"]), ms(packed), ms(padded),
            ratio(packed, entry["pytorch"]), ratio(packed, entry["onnxruntime"]),
        ])
    corpus = py["corpus"]
    swift_corpus = next((t for (n, m), t in by_mode.items() if m == "embed"), None)
    rows.append([
        f"corpus-{corpus['sentences']}", str(corpus["sentences"]), str(corpus["realTokens"]), "per batch",
        ms(corpus["sentenceTransformers"]), ms(corpus["onnxruntime"]), ms(swift_corpus), "—",
        ratio(swift_corpus, corpus["sentenceTransformers"]), ratio(swift_corpus, corpus["onnxruntime"]),
    ])
    return rows


HEADER = ["case", "seqs", "real tok", "padded tok", "PyTorch ms", "ORT ms", "Swift ms (packed)",
          "Swift ms (padded)", "Swift/PyTorch", "Swift/ORT"]


def render(rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(["---"] + ["---:"] * (len(HEADER) - 1)) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [HEADER] + rows) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)) for r in [HEADER] + rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="weights/all-MiniLM-L6-v2")
    parser.add_argument("--inputs", default=str(ROOT / "bench/inputs.json"))
    parser.add_argument("--sentences", default=str(ROOT / "bench/sentences.txt"))
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the large cases and the corpus")
    parser.add_argument("--small-runs", type=int, default=20, help="timed runs of cases of at most 64 tokens")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--swift-binary", default=str(ROOT / ".build/release/tiny-encoder"))
    parser.add_argument("--swift-json", help="a saved `tiny-encoder bench --json` report instead of running it")
    parser.add_argument("--skip-swift", action="store_true")
    parser.add_argument("--onnx-cache", default="/tmp/tiny-encoder-bench")
    parser.add_argument("--markdown", action="store_true", help="print the table for BENCHMARKS.md")
    parser.add_argument("--json-out", help="write every figure to this file")
    args = parser.parse_args()
    model = Path(args.model)
    if not model.is_absolute() and not model.exists():
        model = ROOT / model  # relative to the repository when not to the working directory
    args.model = str(model.resolve())

    inputs = json.loads(Path(args.inputs).read_text())
    sentences = [s for s in Path(args.sentences).read_text(encoding="utf-8").splitlines() if s.strip()]
    py = run_python(args, inputs, sentences)
    swift = run_swift(args)

    print(f"CPU {cpu_model()}, {os.cpu_count()} logical CPUs, {args.threads} threads per engine")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in py["versions"].items()))
    if swift:
        m = swift["machine"]
        print(f"Swift: OpenBLAS {m['openBLASCore']} ({m['openBLASConfig']}), {m['openBLASThreads']} threads, Swift {m['swiftCompiler']}")
    print()
    print(render(table_rows(py, swift, inputs), args.markdown))
    print()
    print(f"sgemm {py['torchSGEMM']['size']}: PyTorch {py['torchSGEMM']['gflops']:.1f} GFLOP/s", end="")
    if swift:
        for peak in swift["sgemm"]:
            print(f"; OpenBLAS {peak['coreName']} {peak['threads']} thread(s) {peak['gflops']:.1f} GFLOP/s", end="")
        print()
        for e in swift["gemm"]:
            print(f"  {e['name']}: {e['gflop']:.2f} GFLOP, Swift forward at {e['forwardFractionOfPeak'] * 100:.0f}% of peak, "
                  f"GEMMs alone at {e['gemmPhaseFractionOfPeak'] * 100:.0f}%, GEMM share of forward {e['gemmShareOfForward'] * 100:.0f}%")
    else:
        print()
    for name, entry in py["cases"].items():
        print(f"  check {name}: ORT vs PyTorch max |diff| {entry['ortMaxAbsDiffFromPyTorch']:.2e}")
    print(f"  check corpus: ORT pipeline vs sentence-transformers max |diff| {py['corpus']['ortMaxAbsDiffFromSentenceTransformers']:.2e}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"python": py, "swift": swift}, indent=1) + "\n")


if __name__ == "__main__":
    main()
