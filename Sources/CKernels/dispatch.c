// Run-time selection of the kernel implementations.
//
// The first call into a dispatched kernel picks the best path the CPU supports
// (x86-64: AVX-512 VNNI, then AVX2+FMA+F16C, then scalar; elsewhere scalar). The
// environment variable PONDER_KERNELS=scalar|avx2|avx512 forces a path; a value that
// is unknown or unsupported here falls back to the best available one.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "ckernels.h"
#include "kernels.h"

const ck_kernel_table ck_scalar_kernel_table = {
    .name = "scalar",
    .vec_dot = ck_scalar_vec_dot,
    .matmul_rows = ck_scalar_matmul_rows,
    .quantize_q8_0 = ck_scalar_quantize_q8_0,
    .quantize_q8_1 = ck_scalar_quantize_q8_1,
    .quantize_q8_K = ck_scalar_quantize_q8_K,
    .fp16_to_fp32_row = ck_scalar_fp16_to_fp32_row,
    .fp32_to_fp16_row = ck_scalar_fp32_to_fp16_row,
    .fp32_to_bf16_row = ck_scalar_fp32_to_bf16_row,
    .attention_scores = ck_scalar_attention_scores,
    .attention_softmax = ck_scalar_attention_softmax,
    .attention_accumulate = ck_scalar_attention_accumulate,
};

// The table for a path name, or NULL when this build or CPU cannot run it.
static const ck_kernel_table *table_named(const char *name) {
    if (name == NULL) return NULL;
    if (strcmp(name, "scalar") == 0) return &ck_scalar_kernel_table;
#if defined(__x86_64__)
    __builtin_cpu_init();
    const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    if (strcmp(name, "avx2") == 0) return avx2 ? ck_avx2_kernels() : NULL;
    if (strcmp(name, "avx512") == 0) {
        const int avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
            && __builtin_cpu_supports("avx512vnni");
        return avx512 ? ck_avx512_kernels() : NULL;
    }
#endif
    return NULL;
}

static const ck_kernel_table *best_table(void) {
    const ck_kernel_table *table = table_named("avx512");
    if (table == NULL) table = table_named("avx2");
    return table ? table : &ck_scalar_kernel_table;
}

static const ck_kernel_table *active_table;  // accessed atomically
static pthread_once_t active_once = PTHREAD_ONCE_INIT;

static void select_table(void) {
    const ck_kernel_table *table = table_named(getenv("PONDER_KERNELS"));
    if (table == NULL) table = best_table();
    // Not a plain store: ck_force_kernel_path may already have chosen one.
    const ck_kernel_table *expected = NULL;
    __atomic_compare_exchange_n(&active_table, &expected, table, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

const ck_kernel_table *ck_active_kernels(void) {
    const ck_kernel_table *table = __atomic_load_n(&active_table, __ATOMIC_ACQUIRE);
    if (__builtin_expect(table != NULL, 1)) return table;
    pthread_once(&active_once, select_table);
    return __atomic_load_n(&active_table, __ATOMIC_ACQUIRE);
}

const char *ck_kernel_path(void) { return ck_active_kernels()->name; }

int ck_kernel_path_supported(const char *name) { return table_named(name) != NULL; }

int ck_force_kernel_path(const char *name) {
    const ck_kernel_table *table = (name == NULL || strcmp(name, "auto") == 0) ? best_table() : table_named(name);
    if (table == NULL) return 0;
    ck_active_kernels();  // settle the one-time selection first, so it cannot override this choice
    __atomic_store_n(&active_table, table, __ATOMIC_RELEASE);
    return 1;
}

// MARK: - Dispatched entry points

float ck_vec_dot(int weight_type, const void *weight_row, const void *activation_row, int64_t n) {
    return ck_active_kernels()->vec_dot(weight_type, weight_row, activation_row, n);
}

void ck_matmul_rows(int weight_type, const void *weights, int64_t n, int64_t row_begin, int64_t row_end,
                    const void *activations, int64_t tokens, float *y, int64_t y_stride) {
    if (row_begin >= row_end || tokens <= 0) return;
    ck_active_kernels()->matmul_rows(weight_type, weights, n, row_begin, row_end, activations, tokens, y, y_stride);
}

void ck_fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n) {
    ck_active_kernels()->fp16_to_fp32_row(src, dst, n);
}

void ck_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n) {
    ck_active_kernels()->fp32_to_fp16_row(src, dst, n);
}
