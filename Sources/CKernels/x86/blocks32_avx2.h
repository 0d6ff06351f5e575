// 32-element block kernels (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) for AVX2: two blocks at a time.
//
// The quants of a pair of blocks decode into lo = elements 0-15 of both, hi = 16-31
// (as the repacked activations are laid out), so maddubs, an int16 add and one madd
// leave block A in 32-bit lanes 0-3 and B in 4-7: one convert and one FMA a pair.
// Q8_0 (signed weights, sign trick, int16 pair sums too large to add) goes a block
// at a time.
//
// Part of the x86 kernels: included by x86_template.h, compiled once per CK_LEVEL.

// dw[j] (and mw[j] for types with a min) for blocks [0, count) of `w`; zeros up to `padded`.
INL void load_scales(const int TYPE, const uint8_t *w, int64_t count, int64_t padded, float *dw, float *mw) {
    const int BS = block_bytes(TYPE);
    const __m256i low = _mm256_set1_epi32(0xFFFF);
    for (int64_t j = 0; j < padded; j += 8) {
        __m256i g;
        if (count - j >= 8) {
            const uint8_t *b = w + j * BS;
            __m128i lo = _mm_cvtsi32_si128((int)load_u32(b));
            lo = _mm_insert_epi32(lo, (int)load_u32(b + BS), 1);
            lo = _mm_insert_epi32(lo, (int)load_u32(b + 2 * BS), 2);
            lo = _mm_insert_epi32(lo, (int)load_u32(b + 3 * BS), 3);
            __m128i hi = _mm_cvtsi32_si128((int)load_u32(b + 4 * BS));
            hi = _mm_insert_epi32(hi, (int)load_u32(b + 5 * BS), 1);
            hi = _mm_insert_epi32(hi, (int)load_u32(b + 6 * BS), 2);
            hi = _mm_insert_epi32(hi, (int)load_u32(b + 7 * BS), 3);
            g = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
        } else {
            _Alignas(32) uint32_t tmp[8] = {0};
            for (int64_t k = 0; k < count - j; k++) tmp[k] = load_u32(w + (j + k) * BS);
            g = _mm256_load_si256((const __m256i *)tmp);
        }
        // 32-bit lanes → 16-bit halves: the low (d) and high (m) words.
        const __m256i dpart = _mm256_and_si256(g, low);
        _mm256_store_ps(dw + j, _mm256_cvtph_ps(_mm_packus_epi32(_mm256_castsi256_si128(dpart),
                                                                 _mm256_extracti128_si256(dpart, 1))));
        if (has_min(TYPE)) {
            const __m256i mpart = _mm256_srli_epi32(g, 16);
            _mm256_store_ps(mw + j, _mm256_cvtph_ps(_mm_packus_epi32(_mm256_castsi256_si128(mpart),
                                                                     _mm256_extracti128_si256(mpart, 1))));
        }
    }
}

// The 4- or 5-bit quants of blocks A and B (B may be absent) as lo = [A0:16 B0:16],
// hi = [A16:32 B16:32].
INL void decode_pair(const int TYPE, const uint8_t *a, const uint8_t *b, __m256i *lo, __m256i *hi) {
    const int Q = quants_at(TYPE);
    const __m128i qa = _mm_loadu_si128((const __m128i *)(a + Q));
    const __m128i qb = b ? _mm_loadu_si128((const __m128i *)(b + Q)) : _mm_setzero_si128();
    const __m256i t = _mm256_inserti128_si256(_mm256_castsi128_si256(qa), qb, 1);
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    __m256i l = _mm256_and_si256(t, low4), h = _mm256_and_si256(_mm256_srli_epi16(t, 4), low4);
    if (TYPE == CK_Q5_0 || TYPE == CK_Q5_1) {
        const int H = TYPE == CK_Q5_0 ? 2 : 4;
        const uint32_t ha = load_u32(a + H), hb = b ? load_u32(b + H) : 0;
        l = _mm256_or_si256(l, high_bits32((ha & 0xFFFF) | (hb << 16)));
        h = _mm256_or_si256(h, high_bits32((ha >> 16) | (hb & 0xFFFF0000u)));
    }
    *lo = l;
    *hi = h;
}

INL void kernel32(const int TYPE, const int NT, const uint8_t *w, const uint8_t *x, int64_t xstride, int64_t nb,
                  float *out) {
    const int BS = block_bytes(TYPE);
    const int HAS_M = has_min(TYPE);
    const int OFFSET = weight_offset(TYPE);
    const int64_t nbp = pad16(nb);
    __m256 acc[MAX_NT];
    UNROLL(4) for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    _Alignas(64) float dw[SEG], mw[SEG], sc[MAX_NT][SEG];
    const __m256i ones16 = _mm256_set1_epi16(1);

    for (int64_t s0 = 0; s0 < nbp; s0 += SEG) {
        const int64_t sn = nbp - s0 < SEG ? nbp - s0 : SEG;
        const int64_t valid = nb - s0 < sn ? nb - s0 : sn;
        const uint8_t *ws = w + s0 * BS;
        load_scales(TYPE, ws, valid, sn, dw, mw);
        UNROLL(4) for (int t = 0; t < NT; t++) {
            const float *xd = (const float *)(x + t * xstride + nbp * 32) + s0;
            const float *xs = xd + nbp;
            for (int64_t j = 0; j < sn; j += 8) {
                _mm256_store_ps(sc[t] + j, _mm256_mul_ps(_mm256_load_ps(dw + j), _mm256_load_ps(xd + j)));
                if (HAS_M) acc[t] = _mm256_fmadd_ps(_mm256_load_ps(mw + j), _mm256_load_ps(xs + j), acc[t]);
            }
        }
        if (TYPE == CK_Q8_0) {
            // A block at a time: |w| · (x signed like w); int16 pair sums up to 2 · 128 · 127.
            for (int64_t i = 0; i < valid; i++) {
                const __m256i q = _mm256_loadu_si256((const __m256i *)(ws + i * BS + 2));
                const __m256i aq = _mm256_sign_epi8(q, q);
                UNROLL(4) for (int t = 0; t < NT; t++) {
                    const __m256i xq = _mm256_load_si256((const __m256i *)(x + t * xstride + (s0 + i) * 32));
                    const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(aq, _mm256_sign_epi8(xq, q)), ones16);
                    acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(sc[t][i]), acc[t]);
                }
            }
            continue;
        }
        for (int64_t i = 0; i < valid; i += 2) {
            const uint8_t *b = ws + i * BS;
            __m256i lo, hi;
            decode_pair(TYPE, b, i + 1 < valid ? b + BS : NULL, &lo, &hi);
            UNROLL(4) for (int t = 0; t < NT; t++) {
                const uint8_t *xt = x + t * xstride;
                const __m256i x0 = _mm256_load_si256((const __m256i *)(xt + (s0 + i) * 32));
                const __m256i x1 = _mm256_load_si256((const __m256i *)(xt + (s0 + i) * 32 + 32));
                // Quants up to 31: the two int16 pair sums add up to at most 4 · 31 · 127.
                const __m256i p16 = _mm256_add_epi16(_mm256_maddubs_epi16(lo, x0), _mm256_maddubs_epi16(hi, x1));
                __m256i p = _mm256_madd_epi16(p16, ones16);
                if (OFFSET) p = _mm256_add_epi32(p, _mm256_load_si256((const __m256i *)(xt + nbp * 40 + (s0 + i) * 16)));
                const __m256 scale = _mm256_blend_ps(_mm256_set1_ps(sc[t][i]), _mm256_set1_ps(sc[t][i + 1]), 0xF0);
                acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), scale, acc[t]);
            }
        }
    }
    UNROLL(4) for (int t = 0; t < NT; t++) out[t] = hsum8(acc[t]);
}
