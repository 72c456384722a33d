// Gathered matrix-vector products (see include/CKernels.h): the scores of a
// log-linear policy over its batch's candidate sets, read in place from the
// table of all candidate features instead of from a gathered copy.
//
// A batch's blocks sit at random places in a table much larger than the
// caches, and one block read at a time ran at a third of the bandwidth of
// eight read together (Scripts/bench/train/bandwidth.c, docs/design.md
// "Training throughput"), so both kernels walk groups of PK_GROUP blocks in
// step. Each example's own arithmetic is the same in a full group and in the
// remainder, so a score never depends on where its prompt sits in the batch.

#include "CKernels.h"
#include "kernels_common.h"

#define PK_GROUP 8
// Touching every 16th line of the next group's blocks ahead of use starts their
// page walks and the hardware prefetcher early: about 20 % faster in the
// benchmark than no hint, and than a hint for every line.
#define PK_HINT_STRIDE 1024

static inline __attribute__((always_inline)) void pk_hint(const void *p, int64_t bytes) {
  for (int64_t o = 0; o < bytes; o += PK_HINT_STRIDE) __builtin_prefetch((const char *)p + o);
}

typedef float pk_v16f __attribute__((vector_size(64), aligned(4)));
typedef double pk_v8d __attribute__((vector_size(64), aligned(8)));

// T: scalar; V: 64-byte vector of T; L: lanes; S: suffix.
#define PK_GATHER_MATVEC(T, V, L, S)                                                  \
  static inline __attribute__((always_inline)) void pk_gmv_fwd_##S(                   \
      const T *const *blk, int g, int64_t rows, int64_t d, const T *w, T *out) {      \
    for (int64_t r = 0; r < rows; r++) {                                              \
      V acc[PK_GROUP];                                                                \
      for (int e = 0; e < g; e++) acc[e] = (V){0};                                    \
      int64_t j = 0;                                                                  \
      for (; j + L <= d; j += L) {                                                    \
        V wv = *(const V *)(w + j);                                                   \
        for (int e = 0; e < g; e++) acc[e] += *(const V *)(blk[e] + r * d + j) * wv;  \
      }                                                                               \
      for (int e = 0; e < g; e++) {                                                   \
        T s = 0;                                                                      \
        for (int l = 0; l < L; l++) s += acc[e][l];                                   \
        for (int64_t k = j; k < d; k++) s += blk[e][r * d + k] * w[k];                \
        out[e * rows + r] = s;                                                        \
      }                                                                               \
    }                                                                                 \
  }                                                                                   \
                                                                                      \
  static inline __attribute__((always_inline)) void pk_gmv_bwd_##S(                   \
      const T *const *blk, int g, int64_t rows, int64_t d, const T *gout, T *gw) {    \
    for (int64_t r = 0; r < rows; r++) {                                              \
      T c[PK_GROUP];                                                                  \
      for (int e = 0; e < g; e++) c[e] = gout[e * rows + r];                          \
      int64_t j = 0;                                                                  \
      for (; j + L <= d; j += L) {                                                    \
        V s = c[0] * *(const V *)(blk[0] + r * d + j);                                \
        for (int e = 1; e < g; e++) s += c[e] * *(const V *)(blk[e] + r * d + j);     \
        *(V *)(gw + j) += s;                                                          \
      }                                                                               \
      for (; j < d; j++) {                                                            \
        T s = c[0] * blk[0][r * d + j];                                               \
        for (int e = 1; e < g; e++) s += c[e] * blk[e][r * d + j];                    \
        gw[j] += s;                                                                   \
      }                                                                               \
    }                                                                                 \
  }                                                                                   \
                                                                                      \
  PK_CLONES                                                                           \
  void pk_gather_matvec_##S(const T *table, const int32_t *idx, int64_t n,            \
                            int64_t rows, int64_t d, const T *w, T *out) {            \
    const T *blk[PK_GROUP];                                                           \
    int64_t i = 0;                                                                    \
    for (; i + PK_GROUP <= n; i += PK_GROUP) {                                        \
      for (int e = 0; e < PK_GROUP; e++) blk[e] = table + (int64_t)idx[i + e] * rows * d; \
      for (int e = 0; e < PK_GROUP && i + PK_GROUP + e < n; e++)                      \
        pk_hint(table + (int64_t)idx[i + PK_GROUP + e] * rows * d, rows * d * (int64_t)sizeof(T)); \
      pk_gmv_fwd_##S(blk, PK_GROUP, rows, d, w, out + i * rows);                      \
    }                                                                                 \
    for (; i < n; i++) {                                                              \
      blk[0] = table + (int64_t)idx[i] * rows * d;                                    \
      pk_gmv_fwd_##S(blk, 1, rows, d, w, out + i * rows);                             \
    }                                                                                 \
  }                                                                                   \
                                                                                      \
  /* Last group first: the blocks the forward pass read last are the likeliest */     \
  /* to be still in cache. */                                                         \
  PK_CLONES                                                                           \
  void pk_gather_matvec_grad_##S(const T *table, const int32_t *idx, int64_t n,       \
                                 int64_t rows, int64_t d, const T *gout, T *gw) {     \
    const T *blk[PK_GROUP];                                                           \
    int64_t full = n - n % PK_GROUP;                                                  \
    for (int64_t i = n - 1; i >= full; i--) {                                         \
      blk[0] = table + (int64_t)idx[i] * rows * d;                                    \
      pk_gmv_bwd_##S(blk, 1, rows, d, gout + i * rows, gw);                           \
    }                                                                                 \
    for (int64_t i = full - PK_GROUP; i >= 0; i -= PK_GROUP) {                        \
      for (int e = 0; e < PK_GROUP; e++) blk[e] = table + (int64_t)idx[i + e] * rows * d; \
      pk_gmv_bwd_##S(blk, PK_GROUP, rows, d, gout + i * rows, gw);                    \
    }                                                                                 \
  }

PK_GATHER_MATVEC(float, pk_v16f, 16, f32)
PK_GATHER_MATVEC(double, pk_v8d, 8, f64)
