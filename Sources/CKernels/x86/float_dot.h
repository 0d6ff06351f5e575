// Float kernels: F32, F16 and BF16 weights (F32 activations as given; F16/BF16
// activations repacked to F32 by the driver).
//
// Part of the x86 kernels: included by x86_template.h, compiled once per CK_LEVEL.

INL __m256 load_weights8(const int TYPE, const uint8_t *w, int64_t i) {
    if (TYPE == CK_F32) return _mm256_loadu_ps((const float *)w + i);
    const __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)w + i));
    if (TYPE == CK_F16) return _mm256_cvtph_ps(h);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

INL float load_weight1(const int TYPE, const uint8_t *w, int64_t i) {
    if (TYPE == CK_F32) return ((const float *)w)[i];
    const uint16_t h = load_u16(w + 2 * i);
    return TYPE == CK_F16 ? ck_fp16_to_fp32(h) : ck_bf16_to_fp32(h);
}

INL void kernel_float(const int TYPE, const int NT, const uint8_t *w, const uint8_t *x, int64_t xstride, int64_t n,
                      float *out) {
    __m256 acc0[MAX_NT], acc1[MAX_NT];
    float tail[MAX_NT];
    UNROLL(8) for (int t = 0; t < NT; t++) {
        acc0[t] = _mm256_setzero_ps();
        acc1[t] = _mm256_setzero_ps();
        tail[t] = 0;
    }
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 w0 = load_weights8(TYPE, w, i), w1 = load_weights8(TYPE, w, i + 8);
        UNROLL(8) for (int t = 0; t < NT; t++) {
            const float *xt = (const float *)(x + t * xstride);
            acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xt + i), acc0[t]);
            acc1[t] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xt + i + 8), acc1[t]);
        }
    }
    if (i + 8 <= n) {
        const __m256 w0 = load_weights8(TYPE, w, i);
        UNROLL(8) for (int t = 0; t < NT; t++) {
            acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps((const float *)(x + t * xstride) + i), acc0[t]);
        }
        i += 8;
    }
    for (; i < n; i++) {
        const float wi = load_weight1(TYPE, w, i);
        UNROLL(8) for (int t = 0; t < NT; t++) tail[t] += wi * ((const float *)(x + t * xstride))[i];
    }
    UNROLL(8) for (int t = 0; t < NT; t++) out[t] = hsum8(_mm256_add_ps(acc0[t], acc1[t])) + tail[t];
}
