// Internal: the table of kernel implementations chosen at run time (see dispatch.c).
//
// Every instruction-set path fills one `ck_kernel_table`. The scalar path (dot.c,
// activations.c, half.c, attention.c) is the reference; the x86 paths (x86_avx2.c,
// x86_avx512.c, both generated from x86_template.h and the parts in x86/) must
// reproduce its integer arithmetic exactly and its float results up to summation
// order (attention weights: up to the rounding of a weight to a half).
#ifndef CKERNELS_INTERNAL_H
#define CKERNELS_INTERNAL_H

#include <math.h>
#include <stdint.h>

/// Head widths up to this keep the attention query on the stack; wider heads (which
/// models may have: the width comes from the file) use the heap.
#define CK_STACK_HEAD_DIM 512

/// Marks a result the kernels could not compute (a failed allocation): NaN, which the
/// engine reports as an error instead of handing on uninitialised memory.
static inline void ck_fill_nan(float *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = NAN;
}

typedef struct ck_kernel_table {
    const char *name;
    float (*vec_dot)(int weight_type, const void *w, const void *x, int64_t n);
    void (*matmul_rows)(int weight_type, const void *weights, int64_t n, int64_t row_begin, int64_t row_end,
                        const void *activations, int64_t tokens, float *y, int64_t y_stride);
    void (*quantize_q8_0)(const float *x, void *y, int64_t n);
    void (*quantize_q8_1)(const float *x, void *y, int64_t n);
    void (*quantize_q8_K)(const float *x, void *y, int64_t n);
    void (*fp16_to_fp32_row)(const uint16_t *src, float *dst, int64_t n);
    void (*fp32_to_fp16_row)(const float *src, uint16_t *dst, int64_t n);
    void (*fp32_to_bf16_row)(const float *src, uint16_t *dst, int64_t n);
    // The inner loops of ck_attention_head_paged (attention.c), over one page of `count`
    // positions whose rows are `stride` halves apart: scores = scale · query·K, the
    // softmax of all the scores with each weight rounded to a half, out += weights · V.
    void (*attention_scores)(const float *query, const uint16_t *keys, int64_t stride, int64_t head_dim,
                             int64_t count, float scale, float *scores);
    void (*attention_softmax)(float *scores, int64_t count);
    void (*attention_accumulate)(const float *weights, const uint16_t *values, int64_t stride, int64_t head_dim,
                                 int64_t count, float *out);
} ck_kernel_table;

/// The active table (selected once, on first use; see dispatch.c).
const ck_kernel_table *ck_active_kernels(void);

// The scalar reference implementations.
float ck_scalar_vec_dot(int weight_type, const void *w, const void *x, int64_t n);
void ck_scalar_matmul_rows(int weight_type, const void *weights, int64_t n, int64_t row_begin, int64_t row_end,
                           const void *activations, int64_t tokens, float *y, int64_t y_stride);
void ck_scalar_quantize_q8_0(const float *x, void *y, int64_t n);
void ck_scalar_quantize_q8_1(const float *x, void *y, int64_t n);
void ck_scalar_quantize_q8_K(const float *x, void *y, int64_t n);
void ck_scalar_fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n);
void ck_scalar_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n);
void ck_scalar_fp32_to_bf16_row(const float *src, uint16_t *dst, int64_t n);
void ck_scalar_attention_scores(const float *query, const uint16_t *keys, int64_t stride, int64_t head_dim,
                                int64_t count, float scale, float *scores);
void ck_scalar_attention_softmax(float *scores, int64_t count);
void ck_scalar_attention_accumulate(const float *weights, const uint16_t *values, int64_t stride, int64_t head_dim,
                                    int64_t count, float *out);

#if defined(__x86_64__)
// NULL when the build cannot produce them; callers also check the CPU first.
const ck_kernel_table *ck_avx2_kernels(void);
const ck_kernel_table *ck_avx512_kernels(void);
#endif

#endif
