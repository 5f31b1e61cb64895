#!/usr/bin/env bash
# Runs one libFuzzer target for a while and reports what it did.
#
#   scripts/fuzz.sh TARGET [SECONDS] [extra libFuzzer flags…]
#
# TARGET is one of: safetensors config vocabulary tokenizer input (the executable targets
# fuzz-TARGET, sources in Fuzz/<Name>/main.swift). The target is built (incrementally) with
# libFuzzer and AddressSanitizer into its own scratch path, then run on a working corpus seeded
# from the committed Fuzz/corpus/TARGET. New inputs go to the working corpus, never into git;
# crashes, leaks and timeouts are written to the artifacts folder and make the script fail.
#
# Environment: FUZZ_WORK (default /tmp/tiny-encoder-fuzz) holds the working corpora, artifacts
# and logs; FUZZ_SCRATCH (default /tmp/build-fuzz) is the build folder.
set -euo pipefail

target="${1:?usage: scripts/fuzz.sh TARGET [SECONDS] [libFuzzer flags…]  (safetensors config vocabulary tokenizer input)}"
seconds="${2:-60}"
shift $(($# >= 2 ? 2 : 1))
case "$target" in
    safetensors | config | vocabulary | tokenizer | input) ;;
    *) echo "unknown fuzz target '$target' (safetensors config vocabulary tokenizer input)" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${FUZZ_SCRATCH:-/tmp/build-fuzz}"
work="${FUZZ_WORK:-/tmp/tiny-encoder-fuzz}/$target"
mkdir -p "$work/corpus" "$work/artifacts"

# -sanitize=fuzzer,address instruments every Swift module (Model, Layers and the target) for
# coverage and memory errors; --sanitize=fuzzer makes SwiftPM link libFuzzer's main.
(cd "$root" && swift build -c release --scratch-path "$scratch" \
    --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --product "fuzz-$target" 2>&1 |
    grep -v '^\[' | grep -v 'Cannot export local symbol' || true)
binary="$scratch/release/fuzz-$target"
[[ -x "$binary" ]] || { echo "build of fuzz-$target failed" >&2; exit 1; }

log="$work/last-run.log"
echo "fuzz-$target: ${seconds}s, corpus $work/corpus (seeds $root/Fuzz/corpus/$target)"
set +e
# Run from the work folder: libFuzzer writes crash-*/leak-*/timeout-* into -artifact_prefix.
# Fuzz/lsan.supp holds the one leak suppressed, Foundation's (see the comment there).
(cd "$work" && ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
    LSAN_OPTIONS="suppressions=$root/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" "$binary" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$root/Fuzz/corpus/$target") >"$log" 2>&1
status=$?
set -e

stats=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
echo "fuzz-$target: ${execs:-?} executions (${rate:-?}/s), peak RSS ${peak:-?} MB"
echo "fuzz-$target: last status: ${stats:-none}"
if [[ $status -ne 0 ]] || ls "$work/artifacts" | grep -qE '^(crash|leak|timeout|oom|slow-unit)-'; then
    echo "fuzz-$target: FAILED (exit $status); log $log, artifacts:" >&2
    ls "$work/artifacts" >&2
    grep -E 'ERROR|SUMMARY|Fatal error|Precondition failed|==[0-9]+==' "$log" | head -20 >&2 || true
    exit 1
fi
echo "fuzz-$target: no crash, leak or timeout"
