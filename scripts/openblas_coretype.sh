#!/usr/bin/env bash
# Prints the OpenBLAS kernel family for this CPU: SkylakeX where /proc/cpuinfo shows avx512f,
# Haswell where it shows avx2, nothing otherwise. Debian's OpenBLAS 0.3.21 does not recognise
# recent CPUs and falls back to its SSE3 "Prescott" kernels, about 4.7x slower for sgemm.
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
    echo SkylakeX
elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
    echo Haswell
fi
