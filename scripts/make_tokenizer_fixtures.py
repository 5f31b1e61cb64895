#!/usr/bin/env python3
"""Writes the parity fixtures for the Swift BERT WordPiece tokenizer.

Reference: the tokenizer that sentence-transformers uses for all-MiniLM-L6-v2,
i.e. `transformers.AutoTokenizer.from_pretrained(<model folder>)`, which in
transformers 5 is the Rust `tokenizers` backend. The padding and truncation at
128 baked into the model's tokenizer.json are switched off; truncated cases ask
for truncation explicitly, as sentence-transformers does
(`truncation="longest_first", max_length=...`).

Every case is also run through transformers' pure-Python `BertTokenizerLegacy`;
where it disagrees with the Rust tokenizer the case records the legacy ids too
(`legacy_ids`) and the script prints a summary. The Swift code follows the Rust
tokenizer.

Outputs, under Tests/Fixtures/tokenizer/:
  vocab.txt             a copy of the model's vocabulary
  parity.json           cases: text, optional pair, optional max_length, and
                        the expected ids, tokens, type ids and truncated count
  unicode_classes.json  how the Rust tokenizer classifies every code point
                        (dropped as control, whitespace, punctuation, CJK) and
                        how it strips accents and lower-cases each one

Usage (deterministic, seeded):
  /work/venv/bin/python scripts/make_tokenizer_fixtures.py \
      [--model weights/all-MiniLM-L6-v2] [--out Tests/Fixtures/tokenizer]
"""

import argparse
import json
import os
import random
import shutil
import sys

SEED = 20240611


# ---------------------------------------------------------------- texts


def hand_written_texts():
    """Strings aimed at one rule each; comments say which."""
    long_word = "pneumonoultramicroscopicsilicovolcanoconiosis" * 3  # 135 chars
    return [
        # empty and whitespace only
        "", " ", "   ", "\t", "\n", "\r\n", " \t\n\r ", "\u00a0", "\u3000", "\u2028\u2029",
        # plain English
        "Hello, world!", "The quick brown fox jumps over the lazy dog.",
        "unaffable", "UNAFFABLE", "Unaffable running runner runs",
        "I can't believe it's not butter!", "e-mail co-operate state-of-the-art",
        # accents and combining marks
        "Café naïve résumé façade jalapeño", "CAFÉ", "Ångström", "Crème brûlée",
        "e\u0301", "cafe\u0301", "\u0301", "\u0301\u0301\u0301", "a\u0301\u0316\u0327b",
        " \u0301 ", "x \u0308", "\u0345", "o\u0338", "\u1e9b\u0323",
        "Nguyễn Tấn Dũng", "Dvořák", "Łódź Kraków", "São Paulo", "Øresund",
        # Turkish, German, Greek, Cyrillic, ligatures
        "İstanbul", "İ", "ı", "DİYARBAKIR", "I\u0307", "Straße", "STRASSE", "ẞ",
        "ΟΔΟΣ", "ὈΔΥΣΣΕΎΣ", "Σ", "σς", "ΣΑΣ ΣΑΣ.", "Ἀθῆναι", "Москва Россия", "Ёлка",
        "ﬁ ﬂ ﬀ", "ǅ ǈ ǋ", "K Å", "Ω",
        # fullwidth and compatibility forms
        "ＡＢＣ　ｄｅｆ！", "１２３", "ｈｅｌｌｏ，ｗｏｒｌｄ", "①②③", "㎏ ㎞", "½ ¾ ²",
        # CJK, Japanese, Korean
        "中文", "我爱北京天安门。", "日本語のテキスト", "ひらがな カタカナ", "ﾊﾝｶｸ",
        "한국어 텍스트", "안녕하세요, 세계!", "각", "中a文b", "abc中def",
        "\u3400\u4dbf", "\U00020000\U0002a6df", "\U0002b740", "\U0002b820\U0002b91f",
        "x\U0002b820y", "x\U0002b920y", "\uf900\ufaff", "\U0002f800", "x\u9fffy",
        "\u2e80\u2f00", "〇〆々",
        # other scripts
        "สวัสดีครับ", "ภาษาไทย", "مرحبا بالعالم", "שָׁלוֹם", "नमस्ते दुनिया", "ক্ষ",
        "გამარჯობა", "Բարեւ", "ሰላም", "ᚠᚢᚦ", "ꙮ",
        # emoji and sequences
        "😀", "I ❤️ NY", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇸🇫🇷", "1️⃣", "a😀b",
        "\U0001f970", "\U0001fae8", "☺ ☹ ♥", "🤖🤖🤖",
        # punctuation runs and symbols
        "!!!???...", "...", "--", "—", "–", "“quoted” ‘single’", "«guillemets»", "¿Qué? ¡Sí!",
        "a.b,c;d:e", "(a)[b]{c}<d>", "$100 & 50% off #1 @home ^_^ `code` ~tilde~ |pipe|",
        "\\back\\slash/", "§ ¶ † ‡ • ‰", "a_b_c", "x^2+y^2=z^2", "™ © ®", "°C ±5",
        "\u166d", "\U000111c9", "\u2e52", "\U00011938", "\u1885\u1886", "\ua9bd",
        "x\u1734y", "x\U0001171ey", "\u037e", "\u0387", "\u1fef",
        # URLs, emails, numbers
        "https://www.example.com/path?query=1&x=y#frag", "user.name+tag@example.co.uk",
        "3.14159", "1,000,000", "2024-06-11T12:34:56Z", "+1 (555) 123-4567", "0x1F600",
        "v1.2.3-beta", "10e-5", "42nd 1st 2nd", "C++ C# F# .NET",
        # control characters, NUL, U+FFFD, format characters
        "a\x00b", "\x00", "a\ufffdb", "\ufffd", "a\x07b\x1bc", "x\x0by\x0cz", "x\x85y",
        "x\x1cy\x1dz\x1ew\x1fv", "\x7f", "soft\u00adhyphen", "zero\u200bwidth", "zw\u200cnj\u200dj",
        "\ufeffbom", "rtl\u200fmark\u202e", "word\u2060joiner", "\U000e0001\U000e0041",
        "x\u180ey", "a\ue000b", "\U000f0000", "\U0010fffd", "a\u0378b", "\U000e01ef", "x\ufe0fy",
        # tabs and newlines
        "line one\nline two", "col1\tcol2\tcol3", "para one.\n\npara two.", "a\r\nb\rc",
        # special tokens inside text (matched on the raw text, before cleaning)
        "[CLS]", "[SEP]", "a[SEP]b", "hello [MASK] world", "[PAD][UNK]", "[cls] [Sep]",
        "[CLS ]", "[[SEP]]", "x[SEP]\u0301", "[SE\x00P]", "[UNK]", "[MASK][MASK]",
        # word length limits
        "a" * 100, "a" * 101, "é" * 100, "é" * 101, "e\u0301" * 60, long_word,
        long_word + " short", "x" * 99 + "!", "x" * 150 + "." + "y" * 5,
        "中" * 150,
        # assorted
        "don't stop believin'", "rock'n'roll", "O'Neill's", "naïve\u00a0café",
        "hello\u3000world", "tab\u00a0nbsp\u2009thin\u202fnarrow", "mixed CASE WoRdS",
    ]


def random_texts(rng, vocab, count):
    """Seeded random strings mixing vocabulary words with awkward code points."""
    words = [w for w in vocab if w.isalpha() and not w.startswith("##") and len(w) > 1]
    pieces = [w for w in vocab if w.startswith("##")]
    pools = [
        (0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
        (0x590, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F), (0x1100, 0x11FF), (0x2000, 0x206F),
        (0x2070, 0x218F), (0x2190, 0x2BFF), (0x2E00, 0x2E7F), (0x3000, 0x30FF), (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xE000, 0xE0FF), (0xF900, 0xFAFF), (0xFE00, 0xFE6F),
        (0xFF00, 0xFFEF), (0xFFF0, 0xFFFF), (0x10000, 0x1047F), (0x11000, 0x1197F),
        (0x1F300, 0x1FAFF), (0x20000, 0x2FA1F), (0xE0000, 0xE01EF), (0x0, 0x1F),
    ]

    def random_char():
        lo, hi = rng.choice(pools)
        while True:
            c = rng.randint(lo, hi)
            if not 0xD800 <= c <= 0xDFFF:
                return chr(c)

    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            roll = rng.random()
            if roll < 0.45:
                w = rng.choice(words)
                w = w.upper() if rng.random() < 0.15 else (w.capitalize() if rng.random() < 0.2 else w)
                parts.append(w)
            elif roll < 0.6:
                parts.append(rng.choice(words) + rng.choice(pieces)[2:])
            elif roll < 0.9:
                parts.append("".join(random_char() for _ in range(rng.randint(1, 4))))
            else:
                parts.append(rng.choice(["!", "?", ",", ".", "...", "'", '"', "-", "(", ")", "中文", "😀", "\t", "\n"]))
        sep = rng.choice([" ", " ", " ", "", "\u00a0", "  "])
        out.append(sep.join(parts))
    return out


def long_texts(rng, vocab):
    """Texts that give well over 256 word pieces."""
    words = [w for w in vocab if w.isalpha() and not w.startswith("##")]
    out = []
    for n in (300, 400, 700):
        out.append(" ".join(rng.choice(words) for _ in range(n)) + ".")
    out.append("The quick brown fox jumps over the lazy dog. " * 40)
    out.append("中文字符" * 80)
    out.append(("x" * 101 + " ") * 300)
    return out


# ---------------------------------------------------------------- reference


def load_reference(model_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    backend = tokenizer.backend_tokenizer
    backend.no_truncation()
    backend.no_padding()
    return tokenizer


def with_normalizer(model_dir, lowercase, strip_accents, chinese):
    """The model's tokenizer with a different BertNormalizer configuration."""
    from tokenizers.normalizers import BertNormalizer

    tokenizer = load_reference(model_dir)
    tokenizer.backend_tokenizer.normalizer = BertNormalizer(
        clean_text=True, handle_chinese_chars=chinese, strip_accents=strip_accents, lowercase=lowercase
    )
    return tokenizer


def legacy_tokenizer(model_dir, lowercase, strip_accents, chinese):
    from transformers import BertTokenizerLegacy

    return BertTokenizerLegacy(
        os.path.join(model_dir, "vocab.txt"),
        do_lower_case=lowercase,
        strip_accents=strip_accents,
        tokenize_chinese_chars=chinese,
    )


def encode(tokenizer, text, pair, max_length):
    kwargs = {"add_special_tokens": True, "return_token_type_ids": True}
    if max_length is not None:
        kwargs.update(truncation="longest_first", max_length=max_length)
    else:
        kwargs.update(truncation=False)
    # Batched, as sentence-transformers calls it: the unbatched call drops an empty pair
    # ("" is falsy), while the batched call and the Rust tokenizer keep it.
    out = tokenizer([text], [pair], **kwargs) if pair is not None else tokenizer([text], **kwargs)
    return list(out["input_ids"][0]), list(out["token_type_ids"][0])


# ---------------------------------------------------------------- code point classes


def unicode_classes():
    """Probes the Rust normalizer and pre-tokenizer one code point at a time."""
    from tokenizers.normalizers import BertNormalizer
    from tokenizers.pre_tokenizers import BertPreTokenizer

    clean = BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    cjk = BertNormalizer(clean_text=False, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    strip = BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    lower = BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=True)
    pre = BertPreTokenizer()
    sets = {"dropped": [], "whitespace": [], "punctuation": [], "cjk": []}
    strip_map, lower_map = {}, {}
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        ch = chr(c)
        cleaned = clean.normalize_str(ch)
        if cleaned == "":
            sets["dropped"].append(c)
        elif cleaned == " " and c != 0x20:
            sets["whitespace"].append(c)
        elif cleaned != ch:
            raise SystemExit("unexpected clean_text result for U+%04X" % c)
        if cjk.normalize_str(ch) == " " + ch + " ":
            sets["cjk"].append(c)
        splits = [s for s, _ in pre.pre_tokenize_str("a" + ch + "a")]
        if splits == ["a", ch, "a"]:
            sets["punctuation"].append(c)
        stripped = strip.normalize_str(ch)
        # Hangul syllables decompose algorithmically; the Swift test checks them by rule.
        if stripped != ch and not 0xAC00 <= c <= 0xD7A3:
            strip_map["%X" % c] = [ord(x) for x in stripped]
        lowered = lower.normalize_str(ch)
        if lowered != ch:
            lower_map["%X" % c] = [ord(x) for x in lowered]

    def ranges(points):
        out = []
        for p in points:
            if out and out[-1][1] == p - 1:
                out[-1][1] = p
            else:
                out.append([p, p])
        return out

    return {
        "note": "Code point classes of the Rust BertNormalizer/BertPreTokenizer; ranges are inclusive. "
        "strip_accents omits Hangul syllables U+AC00..U+D7A3 (algorithmic NFD) and lists only changed code points.",
        **{name: ranges(points) for name, points in sets.items()},
        "strip_accents": strip_map,
        "lowercase": lower_map,
    }


# ---------------------------------------------------------------- main


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.path.join(root, "weights", "all-MiniLM-L6-v2"))
    parser.add_argument("--out", default=os.path.join(root, "Tests", "Fixtures", "tokenizer"))
    args = parser.parse_args()

    import tokenizers
    import transformers

    os.makedirs(args.out, exist_ok=True)
    shutil.copyfile(os.path.join(args.model, "vocab.txt"), os.path.join(args.out, "vocab.txt"))
    with open(os.path.join(args.model, "vocab.txt"), encoding="utf-8") as f:
        vocab = [line.rstrip("\n") for line in f]

    rng = random.Random(SEED)
    singles = hand_written_texts() + random_texts(rng, vocab, 170) + long_texts(rng, vocab)
    pair_texts = [
        ("How old are you?", "I am six years old."),
        ("", ""), ("", "only the second"), ("only the first", ""),
        ("Café crème", "ΟΔΟΣ İstanbul"), ("中文", "日本語"), ("a[SEP]b", "[CLS]"),
        ("😀 👍🏽", "\x00\ufffd"), ("x" * 120, "y" * 3),
    ]
    for _ in range(25):
        a, b = rng.sample(singles[:200], 2)
        pair_texts.append((a, b))
    long_a, long_b = long_texts(random.Random(SEED + 1), vocab)[:2]
    pair_texts += [(long_a, long_b), (long_a, "short one"), ("short one", long_b)]

    # (text, pair, max_length) for the default configuration
    cases = [(t, None, None) for t in singles]
    cases += [(a, b, None) for a, b in pair_texts]
    truncation_texts = [
        "one two three four five six seven eight nine ten",
        "The quick brown fox jumps over the lazy dog.",
        "unaffable pneumonoultramicroscopicsilicovolcanoconiosis",
        "short", "", "中文字符测试一下", long_a, long_b,
    ]
    for t in truncation_texts:
        for m in (0, 1, 2, 3, 4, 8, 256):
            cases.append((t, None, m))
    truncation_pairs = [
        ("one two three four five six seven eight nine ten", "alpha beta gamma delta epsilon zeta eta theta iota kappa"),
        ("one two", "alpha beta gamma delta epsilon zeta eta theta iota kappa"),
        ("one two three four five six seven eight nine ten", "alpha"),
        ("a b c d e f", "a b c d e f g"), ("", "a b c d e f g h i j"), ("a b c d e f g h i j", ""),
        (long_a, long_b), (long_a, "short one"), ("short one", long_b),
    ]
    for a, b in truncation_pairs:
        for m in (0, 2, 3, 4, 5, 8, 9, 256):
            cases.append((a, b, m))

    configs = {
        "default": {"do_lower_case": True, "strip_accents": None, "tokenize_chinese_chars": True},
        "cased": {"do_lower_case": False, "strip_accents": None, "tokenize_chinese_chars": True},
        "cased_strip_accents": {"do_lower_case": False, "strip_accents": True, "tokenize_chinese_chars": True},
        "lower_keep_accents": {"do_lower_case": True, "strip_accents": False, "tokenize_chinese_chars": True},
        "no_chinese_split": {"do_lower_case": True, "strip_accents": None, "tokenize_chinese_chars": False},
    }
    subset = [c for c in cases if c[2] is None][:140] + [c for c in cases if c[2] == 8][:6]
    plan = [("default", c) for c in cases]
    for name in ("cased", "cased_strip_accents", "lower_keep_accents"):
        plan += [(name, c) for c in subset]
    plan += [("no_chinese_split", c) for c in subset if any(0x3400 <= ord(ch) for ch in c[0] + (c[1] or ""))]

    fast = {"default": load_reference(args.model)}
    legacy = {}
    for name, cfg in configs.items():
        lower, strip, chinese = cfg["do_lower_case"], cfg["strip_accents"], cfg["tokenize_chinese_chars"]
        if name != "default":
            fast[name] = with_normalizer(args.model, lower, strip, chinese)
        legacy[name] = legacy_tokenizer(args.model, lower, strip, chinese)

    # The baked-in 128 truncation/padding must be off: a long text gives more than 128 ids.
    assert len(encode(fast["default"], long_a, None, None)[0]) > 256
    raw = fast["default"].backend_tokenizer

    out_cases = []
    disagreements = {}
    for name, (text, pair, max_length) in plan:
        tok = fast[name]
        ids, type_ids = encode(tok, text, pair, max_length)
        full_ids, _ = encode(tok, text, pair, None)
        if name == "default" and max_length is None:
            check = raw.encode(text, pair) if pair is not None else raw.encode(text)
            assert check.ids == ids, "tokenizers and transformers disagree on %r" % text
        case = {
            "config": name,
            "text": text,
            "text_scalars": len(text),
            "pair": pair,
            "pair_scalars": None if pair is None else len(pair),
            "max_length": max_length,
            "ids": ids,
            "tokens": tok.convert_ids_to_tokens(ids),
            "type_ids": type_ids,
            "truncated": len(full_ids) - len(ids),
        }
        legacy_ids, _ = encode(legacy[name], text, pair, max_length)
        if legacy_ids != ids:
            case["legacy_ids"] = legacy_ids
            disagreements.setdefault(name, []).append(case)
        out_cases.append(case)

    fixture = {
        "generator": "scripts/make_tokenizer_fixtures.py",
        "reference": "transformers %s AutoTokenizer (tokenizers %s), truncation='longest_first'"
        % (transformers.__version__, tokenizers.__version__),
        "seed": SEED,
        "vocabulary": "vocab.txt",
        "configs": configs,
        "cases": out_cases,
    }
    with open(os.path.join(args.out, "parity.json"), "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=True, indent=0)
        f.write("\n")
    with open(os.path.join(args.out, "unicode_classes.json"), "w", encoding="utf-8") as f:
        json.dump(unicode_classes(), f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")

    by_config = {}
    for c in out_cases:
        by_config[c["config"]] = by_config.get(c["config"], 0) + 1
    print("cases:", len(out_cases), by_config)
    print("distinct texts:", len({(c["text"], c["pair"]) for c in out_cases}))
    for name, items in disagreements.items():
        print("\n%s: %d cases where BertTokenizerLegacy disagrees with the Rust tokenizer" % (name, len(items)))
        for c in items[:40]:
            fast_tokens = c["tokens"]
            slow_tokens = legacy[name].convert_ids_to_tokens(c["legacy_ids"])
            print("  %r | %r | max_length=%s\n     rust:   %s\n     legacy: %s"
                  % (c["text"][:60], (c["pair"] or "")[:30], c["max_length"], fast_tokens[:16], slow_tokens[:16]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
