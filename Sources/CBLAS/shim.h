// OpenBLAS's CBLAS interface plus its openblas_* extensions (core name, config, threads).
#include <cblas.h>

// LAPACK routines OpenBLAS implements natively in C (interface/lapack/potrf.c, potri.c, trtri.c),
// so no hidden Fortran string-length arguments: Cholesky factorisation, inverse from the factor,
// and the inverse of a triangular matrix.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dtrtri_(const char *uplo, const char *diag, const int *n, double *a, const int *lda, int *info);
