// Attention of one head over a paged KV cache: the three inner loops attention.c drives
// page by page (scores of the query against a page of keys, the softmax rounded to
// halves, the weighted sum of a page of values), with the arithmetic of llama.cpp's
// default path (see attention.c).
//
// The scores keep the query in registers, so heads wider than 256 (or not a multiple of
// 8) go to the scalar reference; values are accumulated eight dimensions at a time for
// any multiple of 8. The fallbacks call the reference itself, compiled without FMA, so
// they give its results bit for bit.
//
// Part of the x86 kernels: included by x86_template.h, compiled once per CK_LEVEL.

FN void attention_scores(const float *query, const uint16_t *keys, int64_t stride, int64_t head_dim,
                         int64_t count, float scale, float *scores) {
    if (head_dim % 8 != 0 || head_dim > 256) {
        ck_scalar_attention_scores(query, keys, stride, head_dim, count, scale, scores);
        return;
    }
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
        scores[p] = hsum8(sum) * scale;
    }
}

// The exponentials are summed in float here (in double in the reference): the
// weights then differ from the reference's by at most a rounding of their half.
FN void attention_softmax(float *scores, int64_t count) {
    float max = -INFINITY;
    for (int64_t p = 0; p < count; p++) max = scores[p] > max ? scores[p] : max;
    float sum = 0;
    for (int64_t p = 0; p < count; p++) {
        scores[p] = ck_fast_exp(scores[p] - max);
        sum += scores[p];
    }
    const __m256 inverse = _mm256_set1_ps(1.0f / sum);
    int64_t p = 0;
    for (; p + 8 <= count; p += 8) {
        const __m256 w = _mm256_mul_ps(_mm256_loadu_ps(scores + p), inverse);
        _mm256_storeu_ps(scores + p, _mm256_cvtph_ps(_mm256_cvtps_ph(w, _MM_FROUND_TO_NEAREST_INT)));
    }
    const float *half = ck_fp16_lookup_table();
    for (; p < count; p++) scores[p] = half[ck_fp32_to_fp16(scores[p] * (1.0f / sum))];
}

FN void attention_accumulate(const float *weights, const uint16_t *values, int64_t stride, int64_t head_dim,
                             int64_t count, float *out) {
    if (head_dim % 8 != 0) {
        ck_scalar_attention_accumulate(weights, values, stride, head_dim, count, out);
        return;
    }
    for (int64_t i = 0; i < head_dim; i += 8) {
        __m256 sum = _mm256_loadu_ps(out + i);
        for (int64_t p = 0; p < count; p++) {
            const __m256 value = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(values + p * stride + i)));
            sum = _mm256_fmadd_ps(_mm256_set1_ps(weights[p]), value, sum);
        }
        _mm256_storeu_ps(out + i, sum);
    }
}
