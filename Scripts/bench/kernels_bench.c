// Throughput of the CKernels float32 kernels against memcpy on 1M elements
// (4 MB per operand: beyond L2, in L3).  GB/s counts bytes read + written
// (8 MB per call for forward kernels, 16 MB for gradient kernels).
// Variants are measured interleaved: every round takes one sample of each,
// each sample repeats the call until >= 10 ms have passed; the median over
// rounds is reported, with the fraction of the same rounds' memcpy.
//
// Build and run from the package root (clang from the Swift toolchain, same
// -O2 as Package.swift):
//   clang -O2 -ISources/CKernels/include Sources/CKernels/*.c \
//       Scripts/bench/kernels_bench.c -lm -o /tmp/kernels_bench
//   /tmp/kernels_bench [rounds]
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CKernels.h"

enum { N = 1 << 20, MAXV = 16 };

static float *x, *y, *gy, *gx;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void run_memcpy(void) { memcpy(y, x, (size_t)N * sizeof(float)); }
#define FWD(name) static void run_##name(void) { pk_##name##_f32(x, y, N); }
#define GRAD(name) static void run_##name##_grad(void) { pk_##name##_grad_f32(x, y, gy, gx, N); }
FWD(exp) FWD(log) FWD(log1p) FWD(sigmoid) FWD(log_sigmoid) FWD(softplus) FWD(tanh)
GRAD(exp) GRAD(log_sigmoid) GRAD(softplus) GRAD(sigmoid) GRAD(tanh)

struct variant {
    const char *name;
    void (*fn)(void);
    double bytes;
    double samples[256];
};

static int cmp(const void *a, const void *b) {
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 15;
    if (rounds < 1) rounds = 1;
    if (rounds > 256) rounds = 256;
    x = malloc(N * sizeof(float));
    y = malloc(N * sizeof(float));
    gy = malloc(N * sizeof(float));
    gx = malloc(N * sizeof(float));
    srand(1);
    for (int i = 0; i < N; i++) {
        // log needs x > 0; the others see the same spread of magnitudes.
        x[i] = 0.01f + 20.0f * (float)rand() / (float)RAND_MAX;
        if (i & 1) x[i] = -x[i] + 0.02f;
        gy[i] = 1.0f;
        gx[i] = 0.0f;
    }
    // log gets |x| so it measures the main path, not the NaN path.
    static float xpos[N];
    for (int i = 0; i < N; i++) xpos[i] = fabsf(x[i]) + 1e-3f;

    struct variant v[] = {
        {"memcpy", run_memcpy, 8.0 * N, {0}},
        {"exp", run_exp, 8.0 * N, {0}},
        {"log_sigmoid", run_log_sigmoid, 8.0 * N, {0}},
        {"sigmoid", run_sigmoid, 8.0 * N, {0}},
        {"softplus", run_softplus, 8.0 * N, {0}},
        {"tanh", run_tanh, 8.0 * N, {0}},
        {"log", run_log, 8.0 * N, {0}},
        {"log1p", run_log1p, 8.0 * N, {0}},
        {"exp_grad", run_exp_grad, 16.0 * N, {0}},
        {"sigmoid_grad", run_sigmoid_grad, 16.0 * N, {0}},
        {"tanh_grad", run_tanh_grad, 16.0 * N, {0}},
        {"log_sigmoid_grad", run_log_sigmoid_grad, 16.0 * N, {0}},
        {"softplus_grad", run_softplus_grad, 16.0 * N, {0}},
    };
    int nv = (int)(sizeof v / sizeof v[0]);
    double ratio[MAXV][256];

    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < nv; k++) {
            float *save = x;
            if (v[k].fn == run_log || v[k].fn == run_log1p) x = xpos;
            v[k].fn();  // warm
            int reps = 0;
            double t0 = now(), t;
            do {
                v[k].fn();
                reps++;
                t = now();
            } while (t - t0 < 0.010);
            x = save;
            v[k].samples[r] = v[k].bytes * reps / (t - t0) / 1e9;
        }
        for (int k = 0; k < nv; k++) ratio[k][r] = v[k].samples[r] / v[0].samples[r];
    }
    printf("%-18s %8s %8s %8s %8s\n", "kernel", "GB/s", "min", "max", "frac");
    for (int k = 0; k < nv; k++) {
        double s[256];
        memcpy(s, v[k].samples, sizeof(double) * (size_t)rounds);
        qsort(s, (size_t)rounds, sizeof(double), cmp);
        qsort(ratio[k], (size_t)rounds, sizeof(double), cmp);
        printf("%-18s %8.2f %8.2f %8.2f %8.2f\n", v[k].name, s[rounds / 2], s[0], s[rounds - 1],
               ratio[k][rounds / 2]);
    }
    free(x);
    free(y);
    free(gy);
    free(gx);
    return 0;
}
