// Attention of one head over the KV cache (keys and values stored as halves).
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ckernels.h"
#include "kernels.h"

void ck_scalar_attention_head(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                              int64_t head_dim, int64_t positions, float scale, float *scores, float *out) {
    const float *half = ck_fp16_lookup_table();
    // Like llama.cpp, the query meets the half-precision keys as halves too. The
    // rounded query lives on the stack up to CK_STACK_HEAD_DIM, on the heap beyond.
    float stack_query[CK_STACK_HEAD_DIM];
    float *query = head_dim <= CK_STACK_HEAD_DIM ? stack_query : malloc((size_t)head_dim * sizeof(float));
    if (!query) {
        ck_fill_nan(out, head_dim);
        return;
    }
    for (int64_t i = 0; i < head_dim; i++) query[i] = half[ck_fp32_to_fp16(q[i])];
    float max = -INFINITY;
    for (int64_t p = 0; p < positions; p++) {
        const uint16_t *k = keys + p * stride;
        float dot = 0;
        for (int64_t i = 0; i < head_dim; i++) dot += query[i] * half[k[i]];
        scores[p] = dot * scale;
        if (scores[p] > max) max = scores[p];
    }
    double sum = 0;
    for (int64_t p = 0; p < positions; p++) {
        scores[p] = expf(scores[p] - max);
        sum += scores[p];
    }
    const float inverse = (float)(1.0 / sum);
    memset(out, 0, (size_t)head_dim * sizeof(float));
    for (int64_t p = 0; p < positions; p++) {
        const uint16_t *v = values + p * stride;
        // ... and so do the attention weights meeting the values.
        const float weight = half[ck_fp32_to_fp16(scores[p] * inverse)];
        for (int64_t i = 0; i < head_dim; i++) out[i] += weight * half[v[i]];
    }
    if (query != stack_query) free(query);
}
