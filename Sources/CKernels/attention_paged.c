// Attention of one head over a paged KV cache: keys and values are stored as halves
// in pages of `page_size` positions (rows `stride` halves apart within a page).
// Like llama.cpp's default path, the query meets the keys as halves and the
// attention weights meet the values as halves; everything else is float.
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ckernels.h"
#include "ck_pool.h"
#include "fast_math.h"
#include "kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif


/// Softmax of `scores` in place, each weight rounded to a half (as llama.cpp's
/// default path hands them to the half-precision values).
static void softmax_to_halves_scalar(float *scores, int64_t n) {
    const float *half = ck_fp16_lookup_table();
    float max = -INFINITY;
    for (int64_t p = 0; p < n; p++) max = scores[p] > max ? scores[p] : max;
    double sum = 0;
    for (int64_t p = 0; p < n; p++) {
        scores[p] = ck_fast_exp(scores[p] - max);
        sum += scores[p];
    }
    const float inverse = (float)(1.0 / sum);
    for (int64_t p = 0; p < n; p++) scores[p] = half[ck_fp32_to_fp16(scores[p] * inverse)];
}

typedef void (*scores_fn)(const float *query, const uint16_t *keys, int64_t stride, int64_t head_dim,
                          int64_t count, float scale, float *scores);
typedef void (*accumulate_fn)(const float *weights, const uint16_t *values, int64_t stride, int64_t head_dim,
                              int64_t count, float *out);

static void scores_scalar(const float *query, const uint16_t *keys, int64_t stride, int64_t head_dim,
                          int64_t count, float scale, float *scores) {
    const float *half = ck_fp16_lookup_table();
    for (int64_t p = 0; p < count; p++) {
        const uint16_t *k = keys + p * stride;
        float dot = 0;
        for (int64_t i = 0; i < head_dim; i++) dot += query[i] * half[k[i]];
        scores[p] = dot * scale;
    }
}

static void accumulate_scalar(const float *weights, const uint16_t *values, int64_t stride, int64_t head_dim,
                              int64_t count, float *out) {
    const float *half = ck_fp16_lookup_table();
    for (int64_t p = 0; p < count; p++) {
        const uint16_t *v = values + p * stride;
        for (int64_t i = 0; i < head_dim; i++) out[i] += weights[p] * half[v[i]];
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma,f16c")))
static inline float horizontal_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma,f16c")))
static void scores_avx2(const float *query, const uint16_t *keys, int64_t stride, int64_t head_dim,
                        int64_t count, float scale, float *scores) {
    if (head_dim % 8 != 0 || head_dim > 256) { scores_scalar(query, keys, stride, head_dim, count, scale, scores); return; }
    __m256 q[32];
    for (int64_t i = 0; i < head_dim; i += 8) q[i / 8] = _mm256_loadu_ps(query + i);
    int64_t p = 0;
    // Four keys at a time: four independent accumulators, one combined reduction.
    for (; p + 4 <= count; p += 4) {
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        const uint16_t *k = keys + p * stride;
        for (int64_t i = 0; i < head_dim; i += 8) {
            const __m256 qi = q[i / 8];
            a0 = _mm256_fmadd_ps(qi, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + i))), a0);
            a1 = _mm256_fmadd_ps(qi, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + stride + i))), a1);
            a2 = _mm256_fmadd_ps(qi, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + 2 * stride + i))), a2);
            a3 = _mm256_fmadd_ps(qi, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + 3 * stride + i))), a3);
        }
        const __m256 h01 = _mm256_hadd_ps(a0, a1), h23 = _mm256_hadd_ps(a2, a3);
        const __m256 h = _mm256_hadd_ps(h01, h23);
        const __m128 sums = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
        _mm_storeu_ps(scores + p, _mm_mul_ps(sums, _mm_set1_ps(scale)));
    }
    for (; p < count; p++) {
        const uint16_t *k = keys + p * stride;
        __m256 sum = _mm256_setzero_ps();
        for (int64_t i = 0; i < head_dim; i += 8) {
            sum = _mm256_fmadd_ps(q[i / 8], _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + i))), sum);
        }
        scores[p] = horizontal_sum(sum) * scale;
    }
}

__attribute__((target("avx2,fma,f16c")))
static void softmax_to_halves_avx2(float *scores, int64_t n) {
    float max = -INFINITY;
    for (int64_t p = 0; p < n; p++) max = scores[p] > max ? scores[p] : max;
    float sum = 0;
    for (int64_t p = 0; p < n; p++) {
        scores[p] = ck_fast_exp(scores[p] - max);
        sum += scores[p];
    }
    const __m256 inverse = _mm256_set1_ps(1.0f / sum);
    int64_t p = 0;
    for (; p + 8 <= n; p += 8) {
        const __m256 w = _mm256_mul_ps(_mm256_loadu_ps(scores + p), inverse);
        _mm256_storeu_ps(scores + p, _mm256_cvtph_ps(_mm256_cvtps_ph(w, _MM_FROUND_TO_NEAREST_INT)));
    }
    const float *half = ck_fp16_lookup_table();
    for (; p < n; p++) scores[p] = half[ck_fp32_to_fp16(scores[p] * (1.0f / sum))];
}

__attribute__((target("avx2,fma,f16c")))
static void accumulate_avx2(const float *weights, const uint16_t *values, int64_t stride, int64_t head_dim,
                            int64_t count, float *out) {
    if (head_dim % 8 != 0) { accumulate_scalar(weights, values, stride, head_dim, count, out); return; }
    for (int64_t i = 0; i < head_dim; i += 8) {
        __m256 sum = _mm256_loadu_ps(out + i);
        for (int64_t p = 0; p < count; p++) {
            const __m256 vv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(values + p * stride + i)));
            sum = _mm256_fmadd_ps(_mm256_set1_ps(weights[p]), vv, sum);
        }
        _mm256_storeu_ps(out + i, sum);
    }
}
#endif

// Follows the active kernel path, so forcing "scalar" (tests, PONDER_KERNELS)
// covers attention too.
static int use_simd(void) {
#if defined(__x86_64__)
    static int cpu = -1;
    if (cpu < 0) cpu = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    return cpu && strcmp(ck_kernel_path(), "scalar") != 0;
#else
    return 0;
#endif
}

void ck_attention_head_paged(const float *q, const uint16_t *const *key_pages, const uint16_t *const *value_pages,
                             int64_t page_size, int64_t stride, int64_t head_dim, int64_t positions, float scale,
                             float *scores, float *out) {
#if defined(__x86_64__)
    const int simd = use_simd();
    const scores_fn scores_kernel = simd ? scores_avx2 : scores_scalar;
    const accumulate_fn accumulate_kernel = simd ? accumulate_avx2 : accumulate_scalar;
#else
    const scores_fn scores_kernel = scores_scalar;
    const accumulate_fn accumulate_kernel = accumulate_scalar;
#endif
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
        scores_kernel(query, key_pages[page], stride, head_dim, count, scale, scores + start);
    }
#if defined(__x86_64__)
    if (simd) softmax_to_halves_avx2(scores, positions); else softmax_to_halves_scalar(scores, positions);
#else
    softmax_to_halves_scalar(scores, positions);
#endif
    memset(out, 0, (size_t)head_dim * sizeof(float));
    for (int64_t start = 0, page = 0; start < positions; start += page_size, page++) {
        const int64_t count = positions - start < page_size ? positions - start : page_size;
        accumulate_kernel(scores + start, value_pages[page], stride, head_dim, count, out);
    }
    if (query != stack_query) free(query);
}
