// Dequantization of whole rows: the reference the dot products must agree with,
// and how embeddings are looked up.
#include <string.h>
#include "blocks.h"
#include "ckernels.h"

#define H(x) ck_fp16_to_fp32(x)

static void dequantize_q4_0(const block_q4_0 *x, float *y, int64_t blocks) {
    for (int64_t i = 0; i < blocks; i++, y += QK4_0) {
        const float d = H(x[i].d);
        for (int j = 0; j < QK4_0 / 2; j++) {
            y[j] = ((x[i].qs[j] & 0x0F) - 8) * d;
            y[j + QK4_0 / 2] = ((x[i].qs[j] >> 4) - 8) * d;
        }
    }
}

static void dequantize_q4_1(const block_q4_1 *x, float *y, int64_t blocks) {
    for (int64_t i = 0; i < blocks; i++, y += QK4_1) {
        const float d = H(x[i].d), m = H(x[i].m);
        for (int j = 0; j < QK4_1 / 2; j++) {
            y[j] = (x[i].qs[j] & 0x0F) * d + m;
            y[j + QK4_1 / 2] = (x[i].qs[j] >> 4) * d + m;
        }
    }
}

static void dequantize_q5_0(const block_q5_0 *x, float *y, int64_t blocks) {
    for (int64_t i = 0; i < blocks; i++, y += QK5_0) {
        const float d = H(x[i].d);
        uint32_t qh;
        memcpy(&qh, x[i].qh, sizeof qh);
        for (int j = 0; j < QK5_0 / 2; j++) {
            const int high0 = ((qh >> j) << 4) & 0x10;
            const int high1 = (qh >> (j + 12)) & 0x10;
            y[j] = (((x[i].qs[j] & 0x0F) | high0) - 16) * d;
            y[j + QK5_0 / 2] = (((x[i].qs[j] >> 4) | high1) - 16) * d;
        }
    }
}

static void dequantize_q5_1(const block_q5_1 *x, float *y, int64_t blocks) {
    for (int64_t i = 0; i < blocks; i++, y += QK5_1) {
        const float d = H(x[i].d), m = H(x[i].m);
        uint32_t qh;
        memcpy(&qh, x[i].qh, sizeof qh);
        for (int j = 0; j < QK5_1 / 2; j++) {
            const int high0 = ((qh >> j) << 4) & 0x10;
            const int high1 = (qh >> (j + 12)) & 0x10;
            y[j] = ((x[i].qs[j] & 0x0F) | high0) * d + m;
            y[j + QK5_1 / 2] = ((x[i].qs[j] >> 4) | high1) * d + m;
        }
    }
}

static void dequantize_q8_0(const block_q8_0 *x, float *y, int64_t blocks) {
    for (int64_t i = 0; i < blocks; i++, y += QK8_0) {
        const float d = H(x[i].d);
        for (int j = 0; j < QK8_0; j++) y[j] = x[i].qs[j] * d;
    }
}

static void dequantize_q4_K(const block_q4_K *x, float *y, int64_t blocks) {
    for (int64_t i = 0; i < blocks; i++) {
        const float d = H(x[i].d), dmin = H(x[i].dmin);
        const uint8_t *q = x[i].qs;
        for (int j = 0, sub = 0; j < QK_K; j += 64, sub += 2, q += 32, y += 64) {
            uint8_t scale, min;
            ck_scale_min_k4(sub, x[i].scales, &scale, &min);
            const float d1 = d * scale, m1 = dmin * min;
            ck_scale_min_k4(sub + 1, x[i].scales, &scale, &min);
            const float d2 = d * scale, m2 = dmin * min;
            for (int l = 0; l < 32; l++) y[l] = d1 * (q[l] & 0xF) - m1;
            for (int l = 0; l < 32; l++) y[l + 32] = d2 * (q[l] >> 4) - m2;
        }
    }
}

static void dequantize_q5_K(const block_q5_K *x, float *y, int64_t blocks) {
    for (int64_t i = 0; i < blocks; i++) {
        const float d = H(x[i].d), dmin = H(x[i].dmin);
        const uint8_t *ql = x[i].qs, *qh = x[i].qh;
        uint8_t u1 = 1, u2 = 2;
        for (int j = 0, sub = 0; j < QK_K; j += 64, sub += 2, ql += 32, y += 64, u1 <<= 2, u2 <<= 2) {
            uint8_t scale, min;
            ck_scale_min_k4(sub, x[i].scales, &scale, &min);
            const float d1 = d * scale, m1 = dmin * min;
            ck_scale_min_k4(sub + 1, x[i].scales, &scale, &min);
            const float d2 = d * scale, m2 = dmin * min;
            for (int l = 0; l < 32; l++) y[l] = d1 * ((ql[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
            for (int l = 0; l < 32; l++) y[l + 32] = d2 * ((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
        }
    }
}

static void dequantize_q6_K(const block_q6_K *x, float *y, int64_t blocks) {
    for (int64_t i = 0; i < blocks; i++) {
        const float d = H(x[i].d);
        const uint8_t *ql = x[i].ql, *qh = x[i].qh;
        const int8_t *sc = x[i].scales;
        for (int n = 0; n < QK_K; n += 128, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; l++) {
                const int is = l / 16;
                const int q1 = (int8_t)((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = (int8_t)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = (int8_t)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = (int8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * sc[is] * q1;
                y[l + 32] = d * sc[is + 2] * q2;
                y[l + 64] = d * sc[is + 4] * q3;
                y[l + 96] = d * sc[is + 6] * q4;
            }
        }
    }
}

int ck_type_supported(int type) { return ck_block_size(type) != 0; }

int64_t ck_block_size(int type) {
    switch (type) {
    case CK_F32: case CK_F16: case CK_BF16: return 1;
    case CK_Q4_0: case CK_Q4_1: case CK_Q5_0: case CK_Q5_1: case CK_Q8_0: return 32;
    case CK_Q4_K: case CK_Q5_K: case CK_Q6_K: return QK_K;
    default: return 0;
    }
}

int64_t ck_type_size(int type) {
    switch (type) {
    case CK_F32: return 4;
    case CK_F16: case CK_BF16: return 2;
    case CK_Q4_0: return sizeof(block_q4_0);
    case CK_Q4_1: return sizeof(block_q4_1);
    case CK_Q5_0: return sizeof(block_q5_0);
    case CK_Q5_1: return sizeof(block_q5_1);
    case CK_Q8_0: return sizeof(block_q8_0);
    case CK_Q4_K: return sizeof(block_q4_K);
    case CK_Q5_K: return sizeof(block_q5_K);
    case CK_Q6_K: return sizeof(block_q6_K);
    default: return 0;
    }
}

void ck_dequantize_row(int type, const void *src, float *dst, int64_t n) {
    const int64_t blocks = n / (ck_block_size(type) ? ck_block_size(type) : 1);
    switch (type) {
    case CK_F32: memcpy(dst, src, (size_t)n * sizeof(float)); break;
    case CK_F16: ck_fp16_to_fp32_row(src, dst, n); break;
    case CK_BF16: for (int64_t i = 0; i < n; i++) dst[i] = ck_bf16_to_fp32(((const uint16_t *)src)[i]); break;
    case CK_Q4_0: dequantize_q4_0(src, dst, blocks); break;
    case CK_Q4_1: dequantize_q4_1(src, dst, blocks); break;
    case CK_Q5_0: dequantize_q5_0(src, dst, blocks); break;
    case CK_Q5_1: dequantize_q5_1(src, dst, blocks); break;
    case CK_Q8_0: dequantize_q8_0(src, dst, blocks); break;
    case CK_Q4_K: dequantize_q4_K(src, dst, blocks); break;
    case CK_Q5_K: dequantize_q5_K(src, dst, blocks); break;
    case CK_Q6_K: dequantize_q6_K(src, dst, blocks); break;
    default: memset(dst, 0, (size_t)n * sizeof(float)); break;
    }
}
