// Half and bfloat16 conversions of rows (bit-identical to half.c).
//
// Part of the x86 kernels: included by x86_template.h, compiled once per CK_LEVEL.

FN void fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    const __m128i exponent = _mm_set1_epi16(0x7C00);
    for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm_loadu_si128((const __m128i *)(src + i));
        // F16C quiets signalling NaNs; the reference keeps their bits, so leave
        // infinities and NaNs (rare) to the table.
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(h, exponent), exponent))) {
            ck_scalar_fp16_to_fp32_row(src + i, dst + i, 8);
            continue;
        }
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(h));
    }
    if (i < n) ck_scalar_fp16_to_fp32_row(src + i, dst + i, n - i);
}

FN void fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 f = _mm256_loadu_ps(src + i);
        // NaNs become the reference's canonical quiet NaN (F16C would keep payload bits).
        if (_mm256_movemask_ps(_mm256_cmp_ps(f, f, _CMP_UNORD_Q))) {
            ck_scalar_fp32_to_fp16_row(src + i, dst + i, 8);
            continue;
        }
        _mm_storeu_si128((__m128i *)(dst + i), _mm256_cvtps_ph(f, _MM_FROUND_TO_NEAREST_INT));
    }
    if (i < n) ck_scalar_fp32_to_fp16_row(src + i, dst + i, n - i);
}

FN void fp32_to_bf16_row(const float *src, uint16_t *dst, int64_t n) {
    int64_t i = 0;
    const __m256i magnitude = _mm256_set1_epi32(0x7FFFFFFF), infinity = _mm256_set1_epi32(0x7F800000);
    const __m256i one = _mm256_set1_epi32(1), bias = _mm256_set1_epi32(0x7FFF), quiet = _mm256_set1_epi32(64);
    for (; i + 16 <= n; i += 16) {
        __m256i r[2];
        for (int k = 0; k < 2; k++) {
            const __m256i x = _mm256_loadu_si256((const __m256i *)(src + i + 8 * k));
            const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(x, magnitude), infinity);
            const __m256i rounded = _mm256_srli_epi32(
                _mm256_add_epi32(x, _mm256_add_epi32(bias, _mm256_and_si256(_mm256_srli_epi32(x, 16), one))), 16);
            const __m256i quieted = _mm256_or_si256(_mm256_srli_epi32(x, 16), quiet);
            r[k] = _mm256_blendv_epi8(rounded, quieted, nan);
        }
        const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(r[0], r[1]), _MM_SHUFFLE(3, 1, 2, 0));
        _mm256_storeu_si256((__m256i *)(dst + i), packed);
    }
    for (; i < n; i++) dst[i] = ck_fp32_to_bf16(src[i]);
}
