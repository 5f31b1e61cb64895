#!/usr/bin/env python3
"""Checks that a model folder written by TinyEncoder (SentenceEncoder.save / `tiny-encoder train`)
loads in Hugging Face transformers and in sentence-transformers, and that both agree with the
Swift implementation.

Usage: check_hf_load.py DIR [--binary PATH] [--atol 1e-4]

1. transformers.BertModel.from_pretrained(DIR) + AutoTokenizer: the last hidden state of a few
   sentences, compared with `tiny-encoder embed --tokens --model DIR` (same word pieces too).
2. sentence_transformers.SentenceTransformer(DIR): the sentence embeddings, compared with
   `tiny-encoder embed --model DIR`.
Weights stored as F16 are loaded as float32 on both sides (the Swift loader converts them), so
the comparison is of the same numbers. Exits 1 when a difference exceeds --atol.
Needs: torch, transformers, sentence-transformers (scripts/requirements.txt); the Swift binary
(default .build/release/tiny-encoder; build it with `swift build -c release --product tiny-encoder`).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from transformers import AutoTokenizer, BertModel

SENTENCES = [
    "A man is playing a guitar.",
    "Library for parsing and writing JSON files",
    "Command-line tool to convert images between formats, with batch processing support.",
    "This package contains the documentation.",
    "Fast, multi-threaded compression utility",
    "ünïcödé text and CJK 漢字 characters",
]


def swift(binary, directory, tokens):
    command = [binary, "embed", "--model", directory, "--format", "jsonl", "--quiet"] + (["--tokens"] if tokens else [])
    out = subprocess.run(command + SENTENCES, capture_output=True, text=True, env={**os.environ})
    if out.returncode != 0:
        sys.exit(f"check_hf_load: {' '.join(command[:4])} failed: {out.stderr.strip()}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--binary", default=os.environ.get("TINY_ENCODER_BIN", ".build/release/tiny-encoder"))
    parser.add_argument("--atol", type=float, default=1e-4)
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    worst = {}

    # 1. transformers: last hidden state, token by token.
    tokenizer = AutoTokenizer.from_pretrained(args.directory)
    model = BertModel.from_pretrained(args.directory, dtype=torch.float32).eval()
    max_length = json.load(open(os.path.join(args.directory, "sentence_bert_config.json"))).get("max_seq_length", 512)
    per_token = swift(args.binary, args.directory, tokens=True)
    worst["transformers last_hidden_state"] = 0.0
    for sentence, record in zip(SENTENCES, per_token):
        batch = tokenizer(sentence, return_tensors="pt", truncation=True, max_length=max_length)
        pieces = tokenizer.convert_ids_to_tokens(batch["input_ids"][0])
        if pieces != record["tokens"]:
            sys.exit(f"check_hf_load: word pieces differ for {sentence!r}:\n  HF    {pieces}\n  Swift {record['tokens']}")
        hidden = model(**batch).last_hidden_state[0].numpy()
        difference = np.abs(hidden - np.array(record["embeddings"], dtype=np.float32)).max()
        worst["transformers last_hidden_state"] = max(worst["transformers last_hidden_state"], float(difference))

    # 2. sentence-transformers: pooled (and normalised) sentence embeddings.
    st = SentenceTransformer(args.directory, device="cpu", model_kwargs={"dtype": torch.float32})
    expected = st.encode(SENTENCES, convert_to_numpy=True)
    actual = np.array([r["embedding"] for r in swift(args.binary, args.directory, tokens=False)], dtype=np.float32)
    worst["sentence-transformers embeddings"] = float(np.abs(expected - actual).max())

    failed = False
    for what, difference in worst.items():
        ok = difference <= args.atol
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}: max |difference| {difference:.2e} (atol {args.atol:g}, {len(SENTENCES)} sentences)")
    print(f"modules: {[type(m).__name__ for m in st]}; dimension {actual.shape[1]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
