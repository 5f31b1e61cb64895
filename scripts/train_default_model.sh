#!/usr/bin/env bash
# Rebuilds weights/default end to end: corpus -> teacher embeddings -> training -> evaluation -> files.
#
#   scripts/train_default_model.sh [OUT_DIR]      (default weights/default)
#
# Needs the teacher in weights/all-MiniLM-L6-v2 (scripts/fetch_model.py or 'make model') and
# Debian package lists ('apt-get update'; the corpus is built from 'apt-cache dumpavail').
# Work files (corpus, teacher-embedding cache, checkpoints) go to $WORK (default /tmp/tiny-encoder-default).
# Interrupted? Run it again with RESUME=1 to continue from the last checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-weights/default}"
WORK="${WORK:-/tmp/tiny-encoder-default}"
TEACHER="${TEACHER:-weights/all-MiniLM-L6-v2}"
SCRATCH="${SCRATCH:-.build}"
mkdir -p "$WORK"

echo "== corpus ($WORK/corpus)" >&2
python3 scripts/build_corpus.py "$WORK/corpus" --train 40000 --eval 1000 --seed 0

echo "== build" >&2
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-$(bash scripts/openblas_coretype.sh 2>/dev/null || echo)}"
swift build -c release --product tiny-encoder --scratch-path "$SCRATCH" >&2
BIN="$SCRATCH/release/tiny-encoder"

echo "== teacher embeddings, training, held-out evaluation" >&2
start=$(date +%s)
"$BIN" train distill --teacher "$TEACHER" --corpus "$WORK/corpus/train.txt" --eval "$WORK/corpus/eval.txt" \
    --output "$WORK/model" --checkpoint-dir "$WORK/checkpoint" \
    --layers 4 --width 256 --heads 4 --ff 1024 --max-length 64 --vocab 5000 \
    --steps 1300 --batch-size 64 --lr 1.5e-3 --dropout 0 --seed 0 --checkpoint-every 250 \
    --dtype f16 --loss-svg "$WORK/loss.svg" ${RESUME:+--resume} | tee "$WORK/evaluation.txt"
echo "training took $(( $(date +%s) - start )) s (wall, teacher embeddings included)" | tee -a "$WORK/evaluation.txt" >&2

echo "== files -> $OUT" >&2
mkdir -p "$OUT"
cp -r "$WORK/model/." "$OUT/"
cp "$WORK/loss.svg" "$OUT/loss.svg"
du -sh "$OUT" >&2
