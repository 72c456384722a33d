// Memory read bandwidth for the memory-bound limit of Scripts/bench/train/run: reads a buffer
// the size of the benchmark's ψ once in order ("stream"), and in blocks of one prompt's
// candidate features in a random order, eight blocks side by side as pref's gather kernel reads
// them ("random"; one block at a time was about a third slower still). Prints "random <GB/s>"
// and "stream <GB/s>", medians of several passes. Usage: bandwidth <total bytes> <block bytes>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { passes = 7, group = 8, lanes = 16 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// Sums g blocks of n floats side by side, with independent accumulators so the loop is bound by
// loads, not adds.
static float sum_blocks(const float *const *p, int g, size_t n) {
    float acc[lanes] = {0};
    for (size_t i = 0; i < n; i += lanes)
        for (int e = 0; e < g; e++)
            for (int j = 0; j < lanes; j++) acc[j] += p[e][i + j];
    float s = 0;
    for (int j = 0; j < lanes; j++) s += acc[j];
    return s;
}

int main(int argc, char **argv) {
    size_t total = argc > 1 ? strtoull(argv[1], 0, 10) : 163840000, block = argc > 2 ? strtoull(argv[2], 0, 10) : 8192;
    size_t blocks = total / block / group * group, floats = block / sizeof(float);
    float *x = malloc(blocks * block);
    uint32_t *order = malloc(blocks * sizeof(uint32_t));
    if (!x || !order || floats % lanes) return 1;
    for (size_t i = 0; i < blocks * floats; i++) x[i] = (float)(i & 1023) * 1e-3f;
    uint64_t s = 88172645463325252ull;
    for (size_t i = 0; i < blocks; i++) order[i] = (uint32_t)i;
    for (size_t i = blocks - 1; i > 0; i--) {  // Fisher–Yates with xorshift
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        size_t j = s % (i + 1);
        uint32_t t = order[i]; order[i] = order[j]; order[j] = t;
    }
    double rnd[passes], seq[passes];
    volatile float sink = 0;
    for (int p = 0; p < passes; p++) {
        const float *b[group];
        float a = 0;
        double t0 = now();
        for (size_t i = 0; i < blocks; i += group) {
            for (int e = 0; e < group; e++) b[e] = x + (size_t)order[i + e] * floats;
            a += sum_blocks(b, group, floats);
        }
        double t1 = now();
        for (size_t i = 0; i < blocks; i++) {
            b[0] = x + i * floats;
            a += sum_blocks(b, 1, floats);
        }
        double t2 = now();
        sink += a;
        rnd[p] = blocks * block / (t1 - t0) / 1e9;
        seq[p] = blocks * block / (t2 - t1) / 1e9;
    }
    qsort(rnd, passes, sizeof(double), cmp);
    qsort(seq, passes, sizeof(double), cmp);
    printf("random %.2f\nstream %.2f\n", rnd[passes / 2], seq[passes / 2]);
    return sink == 12345.0f;
}
