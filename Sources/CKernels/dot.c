// Dot products of one weight row with one prepared activation row, block by block
// in integers where both sides are quantized (the arithmetic of ggml's reference
// vec_dot functions), and the matrix product built on them.
#include <string.h>
#include "blocks.h"
#include "ckernels.h"
#include "kernels.h"

#define H(x) ck_fp16_to_fp32(x)

static float dot_f32(const float *w, const float *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n; i++) sum += w[i] * x[i];
    return sum;
}

static float dot_f16(const uint16_t *w, const uint16_t *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n; i++) sum += H(w[i]) * H(x[i]);
    return sum;
}

static float dot_bf16(const uint16_t *w, const uint16_t *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n; i++) sum += ck_bf16_to_fp32(w[i]) * ck_bf16_to_fp32(x[i]);
    return sum;
}

static float dot_q4_0(const block_q4_0 *w, const block_q8_0 *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n / QK8_0; i++) {
        int total = 0;
        for (int j = 0; j < QK8_0 / 2; j++) {
            total += ((w[i].qs[j] & 0x0F) - 8) * x[i].qs[j] + ((w[i].qs[j] >> 4) - 8) * x[i].qs[j + QK8_0 / 2];
        }
        sum += total * H(w[i].d) * H(x[i].d);
    }
    return sum;
}

static float dot_q4_1(const block_q4_1 *w, const block_q8_1 *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n / QK8_1; i++) {
        int total = 0;
        for (int j = 0; j < QK8_1 / 2; j++) {
            total += (w[i].qs[j] & 0x0F) * x[i].qs[j] + (w[i].qs[j] >> 4) * x[i].qs[j + QK8_1 / 2];
        }
        sum += total * H(w[i].d) * H(x[i].d) + H(w[i].m) * H(x[i].s);
    }
    return sum;
}

static float dot_q5_0(const block_q5_0 *w, const block_q8_0 *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n / QK8_0; i++) {
        uint32_t qh;
        memcpy(&qh, w[i].qh, sizeof qh);
        int total = 0;
        for (int j = 0; j < QK8_0 / 2; j++) {
            const int high0 = ((qh >> j) << 4) & 0x10;
            const int high1 = (qh >> (j + 12)) & 0x10;
            total += (((w[i].qs[j] & 0x0F) | high0) - 16) * x[i].qs[j]
                   + (((w[i].qs[j] >> 4) | high1) - 16) * x[i].qs[j + QK8_0 / 2];
        }
        sum += total * H(w[i].d) * H(x[i].d);
    }
    return sum;
}

static float dot_q5_1(const block_q5_1 *w, const block_q8_1 *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n / QK8_1; i++) {
        uint32_t qh;
        memcpy(&qh, w[i].qh, sizeof qh);
        int total = 0;
        for (int j = 0; j < QK8_1 / 2; j++) {
            const int high0 = ((qh >> j) << 4) & 0x10;
            const int high1 = (qh >> (j + 12)) & 0x10;
            total += ((w[i].qs[j] & 0x0F) | high0) * x[i].qs[j] + ((w[i].qs[j] >> 4) | high1) * x[i].qs[j + QK8_1 / 2];
        }
        sum += total * H(w[i].d) * H(x[i].d) + H(w[i].m) * H(x[i].s);
    }
    return sum;
}

static float dot_q8_0(const block_q8_0 *w, const block_q8_0 *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n / QK8_0; i++) {
        int total = 0;
        for (int j = 0; j < QK8_0; j++) total += w[i].qs[j] * x[i].qs[j];
        sum += total * H(w[i].d) * H(x[i].d);
    }
    return sum;
}

// Q4_K and Q5_K: eight sub-blocks of 32 with 6-bit scales and mins. The mins are
// applied through the activation block sums (bsums), as in ggml.
static float dot_q4_K(const block_q4_K *w, const block_q8_K *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n / QK_K; i++) {
        const uint8_t *q = w[i].qs;
        const int8_t *a = x[i].qs;
        int scaled = 0, mins = 0;
        for (int sub = 0; sub < 8; sub += 2, q += 32, a += 64) {
            uint8_t s0, m0, s1, m1;
            ck_scale_min_k4(sub, w[i].scales, &s0, &m0);
            ck_scale_min_k4(sub + 1, w[i].scales, &s1, &m1);
            int low = 0, high = 0;
            for (int l = 0; l < 32; l++) {
                low += (q[l] & 0xF) * a[l];
                high += (q[l] >> 4) * a[l + 32];
            }
            scaled += s0 * low + s1 * high;
            mins += m0 * (x[i].bsums[2 * sub] + x[i].bsums[2 * sub + 1])
                  + m1 * (x[i].bsums[2 * sub + 2] + x[i].bsums[2 * sub + 3]);
        }
        sum += x[i].d * (H(w[i].d) * scaled - H(w[i].dmin) * mins);
    }
    return sum;
}

static float dot_q5_K(const block_q5_K *w, const block_q8_K *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n / QK_K; i++) {
        const uint8_t *q = w[i].qs, *qh = w[i].qh;
        const int8_t *a = x[i].qs;
        int scaled = 0, mins = 0;
        uint8_t u1 = 1, u2 = 2;
        for (int sub = 0; sub < 8; sub += 2, q += 32, a += 64, u1 <<= 2, u2 <<= 2) {
            uint8_t s0, m0, s1, m1;
            ck_scale_min_k4(sub, w[i].scales, &s0, &m0);
            ck_scale_min_k4(sub + 1, w[i].scales, &s1, &m1);
            int low = 0, high = 0;
            for (int l = 0; l < 32; l++) {
                low += ((q[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) * a[l];
                high += ((q[l] >> 4) + (qh[l] & u2 ? 16 : 0)) * a[l + 32];
            }
            scaled += s0 * low + s1 * high;
            mins += m0 * (x[i].bsums[2 * sub] + x[i].bsums[2 * sub + 1])
                  + m1 * (x[i].bsums[2 * sub + 2] + x[i].bsums[2 * sub + 3]);
        }
        sum += x[i].d * (H(w[i].d) * scaled - H(w[i].dmin) * mins);
    }
    return sum;
}

// Q6_K: sixteen sub-blocks of 16 with signed 8-bit scales; values are 6-bit minus 32.
static float dot_q6_K(const block_q6_K *w, const block_q8_K *x, int64_t n) {
    float sum = 0;
    for (int64_t i = 0; i < n / QK_K; i++) {
        const uint8_t *ql = w[i].ql, *qh = w[i].qh;
        const int8_t *sc = w[i].scales, *a = x[i].qs;
        int total = 0;
        for (int half = 0; half < 2; half++, ql += 64, qh += 32, sc += 8, a += 128) {
            int parts[8] = {0};
            for (int l = 0; l < 32; l++) {
                const int is = l / 16;
                parts[is + 0] += ((int8_t)((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32) * a[l];
                parts[is + 2] += ((int8_t)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32) * a[l + 32];
                parts[is + 4] += ((int8_t)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * a[l + 64];
                parts[is + 6] += ((int8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * a[l + 96];
            }
            for (int s = 0; s < 8; s++) total += sc[s] * parts[s];
        }
        sum += H(w[i].d) * x[i].d * total;
    }
    return sum;
}

float ck_scalar_vec_dot(int weight_type, const void *w, const void *x, int64_t n) {
    switch (weight_type) {
    case CK_F32: return dot_f32(w, x, n);
    case CK_F16: return dot_f16(w, x, n);
    case CK_BF16: return dot_bf16(w, x, n);
    case CK_Q4_0: return dot_q4_0(w, x, n);
    case CK_Q4_1: return dot_q4_1(w, x, n);
    case CK_Q5_0: return dot_q5_0(w, x, n);
    case CK_Q5_1: return dot_q5_1(w, x, n);
    case CK_Q8_0: return dot_q8_0(w, x, n);
    case CK_Q4_K: return dot_q4_K(w, x, n);
    case CK_Q5_K: return dot_q5_K(w, x, n);
    case CK_Q6_K: return dot_q6_K(w, x, n);
    default: return 0;
    }
}

void ck_scalar_matmul_rows(int weight_type, const void *weights, int64_t n, int64_t row_begin, int64_t row_end,
                           const void *activations, int64_t tokens, float *y, int64_t y_stride) {
    const int64_t row_bytes = n / ck_block_size(weight_type) * ck_type_size(weight_type);
    const int64_t activation_bytes = ck_activation_row_bytes(weight_type, n);
    for (int64_t r = row_begin; r < row_end; r++) {
        const char *row = (const char *)weights + r * row_bytes;
        for (int64_t t = 0; t < tokens; t++) {
            y[t * y_stride + r] = ck_scalar_vec_dot(weight_type, row, (const char *)activations + t * activation_bytes, n);
        }
    }
}
