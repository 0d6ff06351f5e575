// Preparing activation rows for dot products, as llama.cpp pairs them:
// Q4_0/Q5_0/Q8_0 weights with Q8_0 activations, Q4_1/Q5_1 with Q8_1, k-quants with
// Q8_K, F16/BF16 with F16/BF16, F32 with F32. Rounding follows ggml's reference
// quantizers, so integer dot products reproduce llama.cpp's arithmetic.
#include <math.h>
#include <string.h>
#include "blocks.h"
#include "ckernels.h"
#include "kernels.h"

// Round half to even, as ggml's nearest_int does.
static inline int nearest_int(float value) {
    const float shifted = value + 12582912.f;
    int i;
    memcpy(&i, &shifted, sizeof i);
    return (i & 0x007fffff) - 0x00400000;
}

void ck_scalar_quantize_q8_0(const float *x, void *out, int64_t n) {
    block_q8_0 *y = out;
    for (int64_t i = 0; i < n / QK8_0; i++, x += QK8_0) {
        float amax = 0;
        for (int j = 0; j < QK8_0; j++) amax = fmaxf(amax, fabsf(x[j]));
        const float d = amax / 127, id = amax != 0 ? 127.f / amax : 0.0f;
        y[i].d = ck_fp32_to_fp16(d);
        for (int j = 0; j < QK8_0; j++) y[i].qs[j] = (int8_t)nearest_int(x[j] * id);
    }
}

void ck_scalar_quantize_q8_1(const float *x, void *out, int64_t n) {
    block_q8_1 *y = out;
    for (int64_t i = 0; i < n / QK8_1; i++, x += QK8_1) {
        float amax = 0;
        for (int j = 0; j < QK8_1; j++) amax = fmaxf(amax, fabsf(x[j]));
        const float d = amax / 127, id = amax != 0 ? 127.f / amax : 0.0f;
        y[i].d = ck_fp32_to_fp16(d);
        int sum = 0;
        for (int j = 0; j < QK8_1; j++) {
            y[i].qs[j] = (int8_t)nearest_int(x[j] * id);
            sum += y[i].qs[j];
        }
        y[i].s = ck_fp32_to_fp16(sum * d);
    }
}

void ck_scalar_quantize_q8_K(const float *x, void *out, int64_t n) {
    block_q8_K *y = out;
    for (int64_t i = 0; i < n / QK_K; i++, x += QK_K) {
        float max = 0, amax = 0;
        for (int j = 0; j < QK_K; j++) {
            const float ax = fabsf(x[j]);
            if (ax > amax) { amax = ax; max = x[j]; }
        }
        if (amax == 0) {
            memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        const float iscale = -127.f / max;
        for (int j = 0; j < QK_K; j++) {
            const int v = nearest_int(iscale * x[j]);
            y[i].qs[j] = (int8_t)(v < 127 ? v : 127);
        }
        for (int j = 0; j < QK_K / 16; j++) {
            int sum = 0;
            for (int l = 0; l < 16; l++) sum += y[i].qs[j * 16 + l];
            y[i].bsums[j] = (int16_t)sum;
        }
        y[i].d = 1 / iscale;
    }
}

int64_t ck_activation_row_bytes(int weight_type, int64_t n) {
    switch (weight_type) {
    case CK_F32: return n * 4;
    case CK_F16: case CK_BF16: return n * 2;
    case CK_Q4_0: case CK_Q5_0: case CK_Q8_0: return n / QK8_0 * (int64_t)sizeof(block_q8_0);
    case CK_Q4_1: case CK_Q5_1: return n / QK8_1 * (int64_t)sizeof(block_q8_1);
    case CK_Q4_K: case CK_Q5_K: case CK_Q6_K: return n / QK_K * (int64_t)sizeof(block_q8_K);
    default: return 0;
    }
}

void ck_scalar_fp32_to_bf16_row(const float *src, uint16_t *dst, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] = ck_fp32_to_bf16(src[i]);
}

void ck_prepare_activation_row(int weight_type, const float *x, void *dst, int64_t n) {
    const ck_kernel_table *kernels = ck_active_kernels();
    switch (weight_type) {
    case CK_F32: memcpy(dst, x, (size_t)n * sizeof(float)); break;
    case CK_F16: kernels->fp32_to_fp16_row(x, dst, n); break;
    case CK_BF16: kernels->fp32_to_bf16_row(x, dst, n); break;
    case CK_Q4_0: case CK_Q5_0: case CK_Q8_0: kernels->quantize_q8_0(x, dst, n); break;
    case CK_Q4_1: case CK_Q5_1: kernels->quantize_q8_1(x, dst, n); break;
    case CK_Q4_K: case CK_Q5_K: case CK_Q6_K: kernels->quantize_q8_K(x, dst, n); break;
    default: break;
    }
}
