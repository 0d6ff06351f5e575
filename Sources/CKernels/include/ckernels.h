// CKernels: the hot loops of Ponder's inference engine.
//
// Weights stay in their GGML block formats (see ggml-common.h for the layouts).
// A matrix-vector product quantizes the activations to the format the weight type
// is paired with (Q8_0, Q8_1 or Q8_K, as llama.cpp does) and takes integer dot
// products block by block; F32/F16/BF16 weights use float dots.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// GGML type codes the kernels compute with.
enum {
    CK_F32 = 0, CK_F16 = 1, CK_Q4_0 = 2, CK_Q4_1 = 3, CK_Q5_0 = 6, CK_Q5_1 = 7,
    CK_Q8_0 = 8, CK_Q4_K = 12, CK_Q5_K = 13, CK_Q6_K = 14, CK_BF16 = 30,
};

/// 1 when the kernels can compute with weights of this GGML type.
int ck_type_supported(int type);

/// Elements per block and bytes per block of a supported type (0 otherwise).
int64_t ck_block_size(int type);
int64_t ck_type_size(int type);

/// Dequantizes `n` elements (a multiple of the block size) to float.
void ck_dequantize_row(int type, const void *src, float *dst, int64_t n);

/// Bytes one activation row of `n` elements takes once prepared for weights of `weight_type`.
int64_t ck_activation_row_bytes(int weight_type, int64_t n);

/// Prepares an activation row for dot products with weights of `weight_type`:
/// quantizes to Q8_0 / Q8_1 / Q8_K, converts to F16 / BF16, or copies F32.
void ck_prepare_activation_row(int weight_type, const float *x, void *dst, int64_t n);

/// Dot product of one weight row with one prepared activation row.
float ck_vec_dot(int weight_type, const void *weight_row, const void *activation_row, int64_t n);

/// y[t * y_stride + r] = dot(weight row r, activation row t) for rows [row_begin, row_end)
/// and tokens [0, tokens). Rows are `n` elements; weight rows are contiguous.
void ck_matmul_rows(int weight_type, const void *weights, int64_t n, int64_t row_begin, int64_t row_end,
                    const void *activations, int64_t tokens, float *y, int64_t y_stride);

/// Half-precision conversions (IEEE binary16, round to nearest even).
float ck_fp16_to_fp32(uint16_t h);
uint16_t ck_fp32_to_fp16(float f);
void ck_fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n);
void ck_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n);

/// The float value of every half, indexed by its bits (built on first use, thread-safe).
const float *ck_fp16_lookup_table(void);

/// Attention of one query head over `positions` cached keys and values stored as
/// halves in pages: out = softmax(scale · q·K) · V. Page i holds positions
/// [i·page_size, (i+1)·page_size), its rows `stride` halves apart (one page of at
/// least `positions` rows is a contiguous cache). `scores` has room for `positions`
/// floats and ends holding the attention weights. Any `head_dim` is computed in full;
/// if scratch memory for a wide head cannot be had, `out` is NaN. The query meets
/// the keys, and the weights meet the values, as halves (llama.cpp's default path).
void ck_attention_head_paged(const float *q, const uint16_t *const *key_pages, const uint16_t *const *value_pages,
                             int64_t page_size, int64_t stride, int64_t head_dim, int64_t positions, float scale,
                             float *scores, float *out);

/// bfloat16 conversions (round to nearest even).
float ck_bf16_to_fp32(uint16_t h);
uint16_t ck_fp32_to_bf16(float f);

/// Kernel paths. The dot products, matrix products, activation quantizers, half
/// conversions of rows and attention run on the best instruction set the CPU has,
/// chosen once at first use: "avx512" (AVX-512 with VNNI), "avx2" (AVX2, FMA, F16C)
/// or "scalar" (the portable reference; the only path off x86-64). The environment
/// variable PONDER_KERNELS=scalar|avx2|avx512 forces a path; unknown or unsupported
/// values fall back to the best available. Every path gives the scalar results up to
/// float summation order (quantized activations and half conversions are identical).
const char *ck_kernel_path(void);
/// 1 when `name` ("scalar", "avx2", "avx512") can run in this build on this CPU.
int ck_kernel_path_supported(const char *name);
/// Switches every kernel to path `name` ("auto" or NULL: the best available).
/// Returns 0, changing nothing, when the path is unknown or unsupported. For tests
/// and benchmarks: not meant to be called while other threads run kernels.
int ck_force_kernel_path(const char *name);

#ifdef __cplusplus
}
#endif

#include "ck_pool.h"

#endif
