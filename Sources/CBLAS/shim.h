// OpenBLAS's CBLAS interface plus its openblas_* extensions (core name, config, threads).
#include <cblas.h>

// Two LAPACK routines OpenBLAS implements natively in C (interface/lapack/potrf.c, potri.c), so
// no hidden Fortran string-length arguments: Cholesky factorisation and inverse from the factor.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info);
