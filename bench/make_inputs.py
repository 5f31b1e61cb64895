#!/usr/bin/env python3
"""Writes the fixed benchmark inputs, the same for every engine (Swift, PyTorch, ONNX Runtime).

    /work/venv/bin/python bench/make_inputs.py [--model weights/all-MiniLM-L6-v2]

Outputs, both committed (run once; rerunning with the same seed and tokenizer gives the same bytes):

* bench/sentences.txt -- 1,000 English sentences of mixed length, one a line, made by a seeded
  generator over a small grammar written in this file (no network, no /usr/share/dict, no apt
  metadata: the same on every machine). Case 4, corpus throughput.
* bench/inputs.json -- token id lists for the model-forward cases, made with the model's own
  Hugging Face tokenizer so the Swift side and the Python side run identical ids:
    1. single-16  one text of exactly 16 tokens ([CLS] and [SEP] included);
    2. mixed-32   32 texts whose real lengths run from 8 to 128 tokens, padded to 128 by engines
                  that pad (PyTorch, ONNX Runtime);
    3. long-256   8 texts of 256 real tokens each (no padding).
  Every id list is `[CLS] pieces... [SEP]`; token type ids are all 0; the attention mask is 1 for
  the first `len(ids)` positions and 0 for padding up to `paddedLength`.
"""

import argparse
import json
import random
from pathlib import Path

SEED = 20250406
SENTENCE_COUNT = 1000
ROOT = Path(__file__).resolve().parent.parent

# A small English grammar. Enough variety that WordPiece sees common words, rare words split
# into pieces, numbers and punctuation, as in real text.
DETERMINERS = ["the", "a", "every", "this", "that", "one", "some", "no", "each", "another"]
ADJECTIVES = [
    "quick", "lazy", "small", "enormous", "quiet", "noisy", "ancient", "modern", "careful", "reckless",
    "bright", "dim", "cheerful", "gloomy", "wooden", "metallic", "patient", "restless", "famous",
    "obscure", "hungry", "tired", "curious", "generous", "stubborn", "fragile", "sturdy", "electric",
    "underground", "international", "experimental", "unexpected", "transparent", "colourful",
]
NOUNS = [
    "fox", "dog", "engineer", "teacher", "river", "mountain", "city", "library", "computer", "garden",
    "musician", "committee", "village", "train", "bicycle", "kitchen", "student", "scientist", "storm",
    "market", "bridge", "window", "painter", "doctor", "farmer", "ship", "airport", "museum", "robot",
    "orchestra", "newspaper", "algorithm", "telescope", "volcano", "hospital", "umbrella", "festival",
    "cathedral", "submarine", "photograph", "spreadsheet", "encyclopedia", "thermostat", "microscope",
]
VERBS = [
    "watched", "followed", "repaired", "visited", "described", "ignored", "discovered", "painted",
    "carried", "measured", "questioned", "celebrated", "replaced", "photographed", "borrowed",
    "examined", "translated", "rebuilt", "recommended", "misunderstood", "catalogued", "overheard",
]
INTRANSITIVE = [
    "slept", "laughed", "waited", "disappeared", "arrived", "collapsed", "sang", "hesitated",
    "wandered off", "stayed home", "kept working", "complained loudly", "fell silent",
]
PREPOSITIONS = ["near", "behind", "under", "beside", "across", "inside", "beyond", "without", "around"]
ADVERBS = [
    "slowly", "suddenly", "quietly", "eventually", "carefully", "happily", "reluctantly", "yesterday",
    "this morning", "after lunch", "at midnight", "once again", "for the first time",
]
CONNECTIVES = ["and", "but", "so", "while", "because", "although", "after", "before", "until", "when"]
OPENERS = ["", "", "", "In the end, ", "Meanwhile, ", "According to the report, ", "Surprisingly, ",
           "Last year, ", "On Tuesday, ", "As expected, "]
UNITS = ["kilometres", "minutes", "euros", "pages", "people", "degrees", "kilograms", "years"]


def noun_phrase(rng: random.Random) -> str:
    words = [rng.choice(DETERMINERS)]
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        words.append(rng.choice(ADJECTIVES))
    words.append(rng.choice(NOUNS))
    if rng.random() < 0.25:
        words += [rng.choice(PREPOSITIONS), rng.choice(DETERMINERS), rng.choice(NOUNS)]
    return " ".join(words)


def clause(rng: random.Random) -> str:
    subject = noun_phrase(rng)
    r = rng.random()
    if r < 0.55:
        body = f"{subject} {rng.choice(VERBS)} {noun_phrase(rng)}"
    elif r < 0.8:
        body = f"{subject} {rng.choice(INTRANSITIVE)}"
    else:
        body = f"{subject} {rng.choice(VERBS)} {rng.randint(2, 2000)} {rng.choice(UNITS)}"
    if rng.random() < 0.4:
        body += " " + rng.choice(ADVERBS)
    return body


def sentence(rng: random.Random, clauses: int) -> str:
    text = clause(rng)
    for _ in range(clauses - 1):
        comma = "," if rng.random() < 0.3 else ""
        text += f"{comma} {rng.choice(CONNECTIVES)} {clause(rng)}"
    text = rng.choice(OPENERS) + text
    text = text[0].upper() + text[1:]
    return text + rng.choice([".", ".", ".", "!", "?"])


def clause_count(rng: random.Random) -> int:
    """Mostly short sentences, a long tail: 1-2 clauses are common, up to 12 (about 130 tokens)."""
    return min(12, max(1, int(rng.lognormvariate(0.6, 0.7))))


def make_sentences(rng: random.Random) -> list[str]:
    return [sentence(rng, clause_count(rng)) for _ in range(SENTENCE_COUNT)]


def exact_length_ids(tokenizer, rng: random.Random, length: int) -> list[int]:
    """`[CLS] + (length - 2) word pieces of generated text + [SEP]`: exactly `length` ids."""
    pieces: list[int] = []
    while len(pieces) < length - 2:
        pieces += tokenizer(sentence(rng, 3), add_special_tokens=False)["input_ids"]
    return [tokenizer.cls_token_id] + pieces[: length - 2] + [tokenizer.sep_token_id]


def single_text_of_length(tokenizer, rng: random.Random, length: int) -> tuple[str, list[int]]:
    """A whole generated sentence (not a cut) that tokenizes to exactly `length` ids."""
    for _ in range(100_000):
        text = sentence(rng, 1 + rng.randint(0, 1))
        ids = tokenizer(text)["input_ids"]
        if len(ids) == length:
            return text, ids
    raise RuntimeError(f"no generated sentence of exactly {length} tokens")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "weights/all-MiniLM-L6-v2"))
    parser.add_argument("--out", default=str(ROOT / "bench"))
    args = parser.parse_args()

    import tokenizers
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    out = Path(args.out)

    sentences = make_sentences(random.Random(SEED))
    (out / "sentences.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")

    rng = random.Random(SEED + 1)
    text16, ids16 = single_text_of_length(tokenizer, rng, 16)

    # Case 2: 32 lengths spread over [8, 128], both ends included, in a shuffled (not sorted) order.
    lengths = [8, 128] + [rng.randint(8, 128) for _ in range(30)]
    rng.shuffle(lengths)
    mixed = [exact_length_ids(tokenizer, rng, n) for n in lengths]

    long = [exact_length_ids(tokenizer, rng, 256) for _ in range(8)]

    inputs = {
        "format": 1,
        "seed": SEED,
        "tokenizer": f"{Path(args.model).name} via transformers AutoTokenizer (tokenizers {tokenizers.__version__})",
        "cases": [
            {"name": "single-16", "description": "one text of 16 tokens", "text": text16,
             "paddedLength": 16, "ids": [ids16]},
            {"name": "mixed-32", "description": "32 texts of 8-128 tokens, padded to 128",
             "paddedLength": 128, "ids": mixed},
            {"name": "long-256", "description": "8 texts of 256 tokens", "paddedLength": 256, "ids": long},
        ],
    }
    # One id list per line keeps the file small and its diffs readable.
    (out / "inputs.json").write_text(_dump(inputs) + "\n", encoding="utf-8")

    total = sum(len(tokenizer(s)["input_ids"]) for s in sentences)
    lens = sorted(len(tokenizer(s)["input_ids"]) for s in sentences)
    print(f"sentences.txt: {len(sentences)} sentences, {total} tokens, "
          f"lengths {lens[0]}..{lens[-1]} (median {lens[len(lens) // 2]})")
    print(f"inputs.json: single-16 {len(ids16)}, mixed-32 {sum(lengths)} real tokens "
          f"({min(lengths)}..{max(lengths)}), long-256 {sum(map(len, long))}")


def _dump(inputs: dict) -> str:
    """JSON with one id list per line."""
    cases = []
    for case in inputs["cases"]:
        fields = [f'   {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}' for k, v in case.items() if k != "ids"]
        ids = ",\n".join(f"    {json.dumps(row, separators=(',', ':'))}" for row in case["ids"])
        fields.append(f'   "ids": [\n{ids}\n   ]')
        cases.append("  {\n" + ",\n".join(fields) + "\n  }")
    head = ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in inputs.items() if k != "cases")
    return "{\n" + head + ',\n "cases": [\n' + ",\n".join(cases) + "\n ]\n}"


if __name__ == "__main__":
    main()
