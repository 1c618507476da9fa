#pragma once
// core/util: TRUSTLAB_AVX2_CLONE builds a hot loop twice, for AVX2 and for baseline x86-64, and
// picks one at load time (GCC's target_clones), so the package runs on any x86-64 and fast on most.
// GCC only: clang does not clone function templates (its builds, e.g. the fuzzers', get one copy).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TRUSTLAB_AVX2_CLONE __attribute__((target_clones("avx2", "default")))
#else
#define TRUSTLAB_AVX2_CLONE
#endif
