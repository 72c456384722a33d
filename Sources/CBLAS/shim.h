// OpenBLAS's CBLAS interface plus its openblas_* extensions (core name, config, threads).
#include <cblas.h>
