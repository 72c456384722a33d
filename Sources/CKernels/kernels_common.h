// Private to CKernels: dispatch and loop macros shared by all kernel files.

#ifndef PREF_CKERNELS_COMMON_H
#define PREF_CKERNELS_COMMON_H

// Runtime ISA dispatch: one clone per ISA level, chosen by an ifunc resolver
// at load time.  Feature names, not "arch=": arch= dispatches on the CPU
// model and silently picks the baseline on CPUs it does not know
// (notes/core-performance.md, section 6 item 11).  Compile with
// -DPK_NO_CLONES (and e.g. -mavx2 -mfma) to build a single ISA for testing.
#if defined(__x86_64__) && defined(__ELF__) && !defined(PK_NO_CLONES)
#define PK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define PK_CLONES
#endif

// x and y may be the same array: there is never a dependence between
// iterations, so tell the vectoriser rather than letting it emit a runtime
// overlap check (which would send x == y to the scalar loop).
#if defined(__clang__)
#define PK_LOOP _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define PK_LOOP _Pragma("GCC ivdep")
#else
#define PK_LOOP
#endif

#endif  // PREF_CKERNELS_COMMON_H
