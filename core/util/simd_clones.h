#pragma once
// core/util: TRUSTLAB_SIMD_CLONES builds a hot loop three times, for AVX-512 (x86-64-v4), AVX2 and
// baseline x86-64, and picks one at load time (GCC's target_clones), so the package runs on any
// x86-64 and fast on most. AVX-512 matters for the 64-bit lanes of secure noise: it converts
// int64 to double and gathers 8 doubles in one instruction each (measured 1.45× faster secure draws).
// GCC only: clang does not clone function templates (its builds, e.g. the fuzzers', get one copy).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TRUSTLAB_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define TRUSTLAB_SIMD_CLONES
#endif
