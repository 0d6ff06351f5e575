// Shared parts of the CKernels check and benchmark harness (tools/kernel-harness/run):
// the paths and weight types, random data shaped like a model's, guarded buffers,
// and the checks (check.c) and benchmarks (bench.c) that main (check.c) runs.
#ifndef KERNEL_HARNESS_H
#define KERNEL_HARNESS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "ckernels.h"
#include "ck_pool.h"

/// The kernel paths, scalar first (the reference), and which of them this CPU runs.
extern const char *const paths[];
enum { PATHS = 3 };
extern int path_available[PATHS];

/// The weight types the kernels compute with, and their names.
typedef struct { int type; const char *name; } weight_type_name;
extern const weight_type_name types[];
enum { TYPES = 11 };

/// Failed checks so far; FAIL prints the first 40.
extern int failures;
#define FAIL(...) do { failures++; if (failures < 40) { printf("FAIL: "); printf(__VA_ARGS__); printf("\n"); } } while (0)

// Random data (data.c): a fixed seed, so every run checks the same cases.
uint64_t next_u64(void);
double uniform(void);
float gaussian(void);
void random_bytes(void *p, size_t n);
void random_activations(float *x, int64_t n);
uint16_t random_scale(float range);
void random_weights(int type, void *dst, int64_t n, int64_t rows);

void *xmalloc(size_t n);
// `size` bytes that end right before an unreadable page, so any read past the end faults.
typedef struct { void *map; size_t length; } guarded;
void *guarded_alloc(size_t size, guarded *g);
void guarded_free(guarded *g);

// The cache pages of a contiguous buffer: page i starts at row i·page_size.
const uint16_t **pages_of(const uint16_t *rows, int64_t stride, int64_t page_size, int64_t positions);
// Monotonic seconds.
double now(void);

// The checks (check.c) and benchmarks (bench.c).
void check_dispatch(void);
void check_quantizers(void);
void check_dots(void);
void check_matmul(void);
void check_halves(int full);
void check_attention(void);
void bench(void);
void bench_model(int threads);

#endif
