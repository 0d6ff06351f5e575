// The AVX2 path (AVX2, FMA and F16C: Haswell, Zen 1 and later). See x86_template.h.
#include "kernels.h"
#include "x86_packed_products.h"

#if defined(__x86_64__)
#define CK_LEVEL 2
#include <pthread.h>
#include "x86_template.h"

static const ck_kernel_table avx2_table = {
    .name = "avx2",
    .vec_dot = vec_dot,
    .matmul_rows = matmul_rows,
    .quantize_q8_0 = quantize_q8_0,
    .quantize_q8_1 = quantize_q8_1,
    .quantize_q8_K = quantize_q8_K,
    .fp16_to_fp32_row = fp16_to_fp32_row,
    .fp32_to_fp16_row = fp32_to_fp16_row,
    .fp32_to_bf16_row = fp32_to_bf16_row,
    .attention_scores = attention_scores,
    .attention_softmax = attention_softmax,
    .attention_accumulate = attention_accumulate,
};

static pthread_once_t avx2_once = PTHREAD_ONCE_INIT;

const ck_kernel_table *ck_avx2_kernels(void) {
    pthread_once(&avx2_once, init_path);
    return &avx2_table;
}

static const ck_packed_products avx2_packed = {
    .packed_bytes = packed_activation_bytes,
    .pack = pack_activations,
    .matmul_packed = matmul_packed,
};

const ck_packed_products *ck_avx2_packed_products(void) {
    pthread_once(&avx2_once, init_path);
    return &avx2_packed;
}
#endif
