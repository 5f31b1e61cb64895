#!/usr/bin/env python3
"""Builds the distillation corpus offline from Debian package descriptions (`apt-cache dumpavail`).

Usage: build_corpus.py OUT_DIR [--train N] [--eval N] [--seed S]
Writes OUT_DIR/train.txt and OUT_DIR/eval.txt (held out: no sentence in both), one text per line.
Texts: each package's one-line summary and the sentences of its long description
(4 to 40 words, letters mostly), de-duplicated case-insensitively, shuffled with a fixed seed.
"""
import argparse
import random
import re
import subprocess
import sys
from pathlib import Path


def descriptions(dump: str):
    """(summary, long text) of every package stanza."""
    summary, body, inside = None, [], False
    for line in dump.splitlines():
        if line.startswith("Description:") or line.startswith("Description-en:"):
            if summary is not None:
                yield summary, " ".join(body)
            summary, body, inside = line.split(":", 1)[1].strip(), [], True
        elif inside and line.startswith(" "):
            text = line.strip()
            if text != ".":
                body.append(text)
        else:
            inside = False
    if summary is not None:
        yield summary, " ".join(body)


def good(text: str) -> bool:
    words = text.split()
    if not 4 <= len(words) <= 40:
        return False
    letters = sum(c.isalpha() for c in text)
    return letters >= 0.6 * len(text) and "http" not in text and "<" not in text


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--train", type=int, default=40000)
    parser.add_argument("--eval", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    dump = subprocess.run(["apt-cache", "dumpavail"], capture_output=True, text=True, check=True).stdout
    seen, texts = set(), []
    for summary, body in descriptions(dump):
        candidates = [summary[0].upper() + summary[1:] if summary else summary]
        candidates += re.split(r"(?<=[.!?])\s+(?=[A-Z])", body)
        for text in candidates:
            text = " ".join(text.split())
            key = text.lower().rstrip(".")
            if text and good(text) and key not in seen:
                seen.add(key)
                texts.append(text)
    random.Random(args.seed).shuffle(texts)
    if len(texts) < args.train + args.eval:
        print(f"build_corpus: only {len(texts)} texts (run 'apt-get update' first?)", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "eval.txt").write_text("\n".join(texts[: args.eval]) + "\n")
    (out / "train.txt").write_text("\n".join(texts[args.eval : args.eval + args.train]) + "\n")
    print(f"build_corpus: {len(texts)} distinct texts; {args.train} for training, {args.eval} held out", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
