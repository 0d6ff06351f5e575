// Attention of one head over a paged KV cache: keys and values are stored as halves
// in pages of `page_size` positions (rows `stride` halves apart within a page).
// Like llama.cpp's default path, the query meets the keys as halves and the
// attention weights meet the values as halves; everything else is float.
//
// ck_attention_head_paged is written once, here: it rounds the query and walks the
// pages, and its three inner loops (scores, softmax, weighted sum of values) come
// from the active kernel path (dispatch.c). This file also holds the scalar
// reference of those loops; the x86 paths are in x86/attention.h.
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ckernels.h"
#include "fast_math.h"
#include "kernels.h"

void ck_scalar_attention_scores(const float *query, const uint16_t *keys, int64_t stride, int64_t head_dim,
                                int64_t count, float scale, float *scores) {
    const float *half = ck_fp16_lookup_table();
    for (int64_t p = 0; p < count; p++) {
        const uint16_t *k = keys + p * stride;
        float dot = 0;
        for (int64_t i = 0; i < head_dim; i++) dot += query[i] * half[k[i]];
        scores[p] = dot * scale;
    }
}

// Softmax of `scores` in place, each weight rounded to a half (as llama.cpp's
// default path hands them to the half-precision values).
void ck_scalar_attention_softmax(float *scores, int64_t count) {
    const float *half = ck_fp16_lookup_table();
    float max = -INFINITY;
    for (int64_t p = 0; p < count; p++) max = scores[p] > max ? scores[p] : max;
    double sum = 0;
    for (int64_t p = 0; p < count; p++) {
        scores[p] = ck_fast_exp(scores[p] - max);
        sum += scores[p];
    }
    const float inverse = (float)(1.0 / sum);
    for (int64_t p = 0; p < count; p++) scores[p] = half[ck_fp32_to_fp16(scores[p] * inverse)];
}

void ck_scalar_attention_accumulate(const float *weights, const uint16_t *values, int64_t stride, int64_t head_dim,
                                    int64_t count, float *out) {
    const float *half = ck_fp16_lookup_table();
    for (int64_t p = 0; p < count; p++) {
        const uint16_t *v = values + p * stride;
        for (int64_t i = 0; i < head_dim; i++) out[i] += weights[p] * half[v[i]];
    }
}

void ck_attention_head_paged(const float *q, const uint16_t *const *key_pages, const uint16_t *const *value_pages,
                             int64_t page_size, int64_t stride, int64_t head_dim, int64_t positions, float scale,
                             float *scores, float *out) {
    const ck_kernel_table *kernels = ck_active_kernels();
    const float *half = ck_fp16_lookup_table();
    // The rounded query: on the stack up to CK_STACK_HEAD_DIM, on the heap beyond.
    float stack_query[CK_STACK_HEAD_DIM];
    float *query = head_dim <= CK_STACK_HEAD_DIM ? stack_query : malloc((size_t)head_dim * sizeof(float));
    if (!query) {
        ck_fill_nan(out, head_dim);
        return;
    }
    for (int64_t i = 0; i < head_dim; i++) query[i] = half[ck_fp32_to_fp16(q[i])];

    for (int64_t start = 0, page = 0; start < positions; start += page_size, page++) {
        const int64_t count = positions - start < page_size ? positions - start : page_size;
        kernels->attention_scores(query, key_pages[page], stride, head_dim, count, scale, scores + start);
    }
    kernels->attention_softmax(scores, positions);
    memset(out, 0, (size_t)head_dim * sizeof(float));
    for (int64_t start = 0, page = 0; start < positions; start += page_size, page++) {
        const int64_t count = positions - start < page_size ? positions - start : page_size;
        kernels->attention_accumulate(scores + start, value_pages[page], stride, head_dim, count, out);
    }
    if (query != stack_query) free(query);
}
