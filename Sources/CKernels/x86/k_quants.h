// K-quant kernels: Q4_K, Q5_K and Q6_K weights against Q8_K activations (used as they are).
//
// Part of the x86 kernels: included by x86_template.h, compiled once per CK_LEVEL.

// The eight 6-bit scales (bytes 0-7) and mins (bytes 8-15) of a Q4_K/Q5_K block.
INL __m128i k4_scales_mins(const uint8_t *scales) {
    uint32_t u[4];
    memcpy(u, scales, 12);
    const uint32_t kmask1 = 0x3f3f3f3f, kmask2 = 0x0f0f0f0f, kmask3 = 0x03030303;
    u[3] = ((u[2] >> 4) & kmask2) | (((u[1] >> 6) & kmask3) << 4);
    const uint32_t mins_low = u[1] & kmask1;
    u[1] = (u[2] & kmask2) | (((u[0] >> 6) & kmask3) << 4);
    u[2] = mins_low;
    u[0] &= kmask1;
    return _mm_setr_epi32((int)u[0], (int)u[1], (int)u[2], (int)u[3]);
}

// int16 lane j of an 8-lane group, broadcast over a 256-bit vector.
INL __m256i broadcast_i16(__m256i v, int j) {
    return _mm256_shuffle_epi8(v, _mm256_set1_epi16((short)(((2 * j + 1) << 8) | (2 * j))));
}

#if CK_VNNI
// int16 lanes of `v` (16 of them), each repeated `run` times over a zmm, from lane `first`.
INL __m512i spread_i16(__m256i v, int first, int run) {
    _Alignas(64) int16_t index[32];
    for (int i = 0; i < 32; i++) index[i] = (int16_t)(first + i / run);
    return _mm512_permutexvar_epi16(_mm512_load_si512(index), _mm512_castsi256_si512(v));
}
#endif

INL void kernel_q45_K(const int TYPE, const int NT, const uint8_t *w, const uint8_t *x, int64_t xstride, int64_t nb,
                      float *out) {
    const int BS = TYPE == CK_Q4_K ? (int)sizeof(block_q4_K) : (int)sizeof(block_q5_K);
    __m256 acc[MAX_NT];
    UNROLL(8) for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *b = w + i * BS;
        const float d = h2f(load_u16(b)), dmin = h2f(load_u16(b + 2));
        const __m128i sm = k4_scales_mins(b + 4);
        // Mins doubled, m0 m0 m1 m1 …, against the bsum pairs.
        const __m256i mins = _mm256_cvtepu8_epi16(
            _mm_shuffle_epi8(sm, _mm_setr_epi8(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15)));
        const uint8_t *qs = b + (TYPE == CK_Q4_K ? 16 : 48);
#if CK_VNNI
        const __m256i scales16 = _mm256_cvtepu8_epi16(sm);  // s0…s7 m0…m7
        const __m512i low4 = _mm512_set1_epi8(0x0F);
        __m512i hbits = _mm512_setzero_si512();
        if (TYPE == CK_Q5_K) hbits = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(b + 16)));
        __m512i sums[MAX_NT];
        UNROLL(8) for (int t = 0; t < NT; t++) sums[t] = _mm512_setzero_si512();
        UNROLL(4) for (int k = 0; k < 4; k++) {
            // Sub-blocks 2k (low nibbles) and 2k + 1 (high nibbles): 64 quants, as the activations run.
            const __m256i raw = _mm256_loadu_si256((const __m256i *)(qs + 32 * k));
            __m512i q = _mm512_and_si512(_mm512_inserti64x4(_mm512_castsi256_si512(raw), _mm256_srli_epi16(raw, 4), 1),
                                         low4);
            if (TYPE == CK_Q5_K) {
                const __m512i bit = _mm512_inserti64x4(_mm512_set1_epi8((char)(1 << (2 * k))),
                                                       _mm256_set1_epi8((char)(2 << (2 * k))), 1);
                q = _mm512_mask_add_epi8(q, _mm512_test_epi8_mask(hbits, bit), q, _mm512_set1_epi8(16));
            }
            const __m512i sc = spread_i16(scales16, 2 * k, 16);
            UNROLL(8) for (int t = 0; t < NT; t++) {
                const uint8_t *a = x + t * xstride + i * sizeof(block_q8_K) + 4 + 64 * k;
                sums[t] = _mm512_dpwssd_epi32(sums[t], _mm512_maddubs_epi16(q, _mm512_loadu_si512(a)), sc);
            }
        }
        UNROLL(8) for (int t = 0; t < NT; t++) {
            const block_q8_K *a = (const block_q8_K *)(x + t * xstride) + i;
            const __m256i m = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)a->bsums), mins);
            const __m256i s = _mm256_add_epi32(_mm512_castsi512_si256(sums[t]), _mm512_extracti64x4_epi64(sums[t], 1));
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(a->d * d), acc[t]);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(m), _mm256_set1_ps(-(a->d * dmin)), acc[t]);
        }
#else
        const __m256i scales = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(sm));  // s0…s7 in both halves
        const __m256i low4 = _mm256_set1_epi8(0x0F);
        __m256i hbits = _mm256_setzero_si256();
        if (TYPE == CK_Q5_K) hbits = _mm256_loadu_si256((const __m256i *)(b + 16));
        __m256i sums[MAX_NT];
        UNROLL(8) for (int t = 0; t < NT; t++) sums[t] = _mm256_setzero_si256();
        UNROLL(4) for (int k = 0; k < 4; k++) {
            const __m256i raw = _mm256_loadu_si256((const __m256i *)(qs + 32 * k));
            __m256i lo = _mm256_and_si256(raw, low4);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), low4);
            if (TYPE == CK_Q5_K) {
                const __m256i one = _mm256_set1_epi8(1);
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * k), one), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * k + 1), one), 4));
            }
            const __m256i s_lo = broadcast_i16(scales, 2 * k), s_hi = broadcast_i16(scales, 2 * k + 1);
            UNROLL(8) for (int t = 0; t < NT; t++) {
                const uint8_t *a = x + t * xstride + i * sizeof(block_q8_K) + 4 + 64 * k;
                const __m256i p_lo = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)a));
                const __m256i p_hi = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(a + 32)));
                sums[t] = dot_i16(dot_i16(sums[t], p_lo, s_lo), p_hi, s_hi);
            }
        }
        UNROLL(8) for (int t = 0; t < NT; t++) {
            const block_q8_K *a = (const block_q8_K *)(x + t * xstride) + i;
            const __m256i m = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)a->bsums), mins);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[t]), _mm256_set1_ps(a->d * d), acc[t]);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(m), _mm256_set1_ps(-(a->d * dmin)), acc[t]);
        }
#endif
    }
    UNROLL(8) for (int t = 0; t < NT; t++) out[t] = hsum8(acc[t]);
}

INL void kernel_q6_K(const int NT, const uint8_t *w, const uint8_t *x, int64_t xstride, int64_t nb, float *out) {
    __m256 acc[MAX_NT];
    UNROLL(8) for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const block_q6_K *b = (const block_q6_K *)(w + i * sizeof(block_q6_K));
        const float d = h2f(load_u16(&b->d));
        // The sixteen scales as int16 (s0…s7 | s8…s15).
        const __m256i scales = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)b->scales));
#if CK_VNNI
        const __m512i low4 = _mm512_set1_epi8(0x0F), high2 = _mm512_set1_epi8(0x30);
        __m512i sums[MAX_NT];
        UNROLL(8) for (int t = 0; t < NT; t++) sums[t] = _mm512_setzero_si512();
        UNROLL(2) for (int h = 0; h < 2; h++) {
            // 128 quants: low nibbles give elements 0-63, high nibbles 64-127.
            const __m512i ql = _mm512_loadu_si512(b->ql + 64 * h);
            const __m256i qh = _mm256_loadu_si256((const __m256i *)(b->qh + 32 * h));
            const __m512i qh_lo = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_slli_epi16(qh, 4)),
                                                     _mm256_slli_epi16(qh, 2), 1);
            const __m512i qh_hi = _mm512_inserti64x4(_mm512_castsi256_si512(qh), _mm256_srli_epi16(qh, 2), 1);
            __m512i g[2];
            g[0] = _mm512_ternarylogic_epi32(_mm512_and_si512(ql, low4), qh_lo, high2, 0xF8);  // a | (b & c)
            g[1] = _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(ql, 4), low4), qh_hi, high2, 0xF8);
            UNROLL(2) for (int k = 0; k < 2; k++) {
                // Sixteen-element sub-blocks 8h + 4k … 8h + 4k + 3, one per 128-bit lane.
                const __m512i sc = spread_i16(scales, 8 * h + 4 * k, 8);
                UNROLL(8) for (int t = 0; t < NT; t++) {
                    const uint8_t *a = x + t * xstride + i * sizeof(block_q8_K) + 4 + 128 * h + 64 * k;
                    sums[t] = _mm512_dpwssd_epi32(sums[t], _mm512_maddubs_epi16(g[k], _mm512_loadu_si512(a)), sc);
                }
            }
        }
        UNROLL(8) for (int t = 0; t < NT; t++) {
            const block_q8_K *a = (const block_q8_K *)(x + t * xstride) + i;
            // The quants carry +32: subtract 32 · Σ scale · bsum.
            const __m256i correction = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)a->bsums), scales);
            const __m256i s = _mm256_add_epi32(_mm512_castsi512_si256(sums[t]), _mm512_extracti64x4_epi64(sums[t], 1));
            const __m256i exact = _mm256_sub_epi32(s, _mm256_slli_epi32(correction, 5));
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(exact), _mm256_set1_ps(d * a->d), acc[t]);
        }
#else
        const __m256i low4 = _mm256_set1_epi8(0x0F), two = _mm256_set1_epi8(3);
        __m256i sums[MAX_NT];
        UNROLL(8) for (int t = 0; t < NT; t++) sums[t] = _mm256_setzero_si256();
        UNROLL(2) for (int h = 0; h < 2; h++) {
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)(b->ql + 64 * h));
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(b->ql + 64 * h + 32));
            const __m256i qh = _mm256_loadu_si256((const __m256i *)(b->qh + 32 * h));
            // Scales of this half, 8 int16 in both 128-bit lanes.
            const __m256i half_scales = h ? _mm256_permute2x128_si256(scales, scales, 0x11)
                                          : _mm256_permute2x128_si256(scales, scales, 0x00);
            __m256i g[4];
            g[0] = _mm256_or_si256(_mm256_and_si256(l0, low4), _mm256_slli_epi16(_mm256_and_si256(qh, two), 4));
            g[1] = _mm256_or_si256(_mm256_and_si256(l1, low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), two), 4));
            g[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), two), 4));
            g[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), two), 4));
            UNROLL(4) for (int k = 0; k < 4; k++) {
                // Lanes 0-7 belong to sub-block 2k (scale 2k), lanes 8-15 to 2k + 1.
                const __m256i sc = _mm256_blend_epi32(broadcast_i16(half_scales, 2 * k),
                                                      broadcast_i16(half_scales, 2 * k + 1), 0xF0);
                UNROLL(8) for (int t = 0; t < NT; t++) {
                    const uint8_t *a = x + t * xstride + i * sizeof(block_q8_K) + 4 + 128 * h + 32 * k;
                    const __m256i p = _mm256_maddubs_epi16(g[k], _mm256_loadu_si256((const __m256i *)a));
                    sums[t] = dot_i16(sums[t], p, sc);
                }
            }
        }
        UNROLL(8) for (int t = 0; t < NT; t++) {
            const block_q8_K *a = (const block_q8_K *)(x + t * xstride) + i;
            // The quants carry +32: subtract 32 · Σ scale · bsum.
            const __m256i correction = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)a->bsums), scales);
            const __m256i exact = _mm256_sub_epi32(sums[t], _mm256_slli_epi32(correction, 5));
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(exact), _mm256_set1_ps(d * a->d), acc[t]);
        }
#endif
    }
    UNROLL(8) for (int t = 0; t < NT; t++) out[t] = hsum8(acc[t]);
}
