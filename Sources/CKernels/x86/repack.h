// Repacked activations for the 32-element block types, and those types' block layouts.
//
// Per token, `nbp` = blocks rounded up to a multiple of 16, all 64-byte aligned:
//   int8  qs[nbp * 32]      the quants, interleaved by halves as the weights decode:
//                           AVX2 pairs of blocks, A[0:16] B[0:16] A[16:32] B[16:32]
//                           (Q8_0: block after block); AVX-512 quads,
//                           A[0:16] B[0:16] C[0:16] D[0:16] A[16:32] ….
//   float d[nbp]            the block scales
//   float s[nbp]            Q8_1: the block sums d · Σq (else unused)
//   int32 init[nbp * 4]     when the weight quants carry an offset o (Q4_0: 8,
//                           Q5_0: 16, Q8_0 with VNNI: 128): -o · (sum of the quants
//                           feeding each 32-bit lane, four lanes a block), the start
//                           of each block's integer accumulator, so Σ (q - o) · x
//                           comes out exact.
// Padding blocks are zero.
//
// Part of the x86 kernels: included by x86_template.h, compiled once per CK_LEVEL.

INL int weight_offset(int type) {
    switch (type) {
    case CK_Q4_0: return 8;
    case CK_Q5_0: return 16;
    case CK_Q8_0: return CK_VNNI ? 128 : 0;
    default: return 0;
    }
}

// Types whose whole groups of sixteen blocks are packed as strips (AVX-512):
// qs[g0 * 32 + 64 k + 4 j …] = quant dword k of block g0 + j, and init[g0 * 4 + j] the
// offset term of block g0 + j's whole sum. A last partial group stays in quads.
INL int strip_type(int type) { return CK_VNNI && (type == CK_Q4_0 || type == CK_Q4_1); }

INL int64_t pad16(int64_t nb) { return (nb + 15) & ~(int64_t)15; }

INL int64_t packed32_bytes(int type, int64_t nb) {
    return pad16(nb) * (weight_offset(type) ? 56 : 40);
}

FN void pack32_row(int type, const uint8_t *x, int64_t nb, uint8_t *dst) {
    const int64_t nbp = pad16(nb);
    const int q8_1 = type == CK_Q4_1 || type == CK_Q5_1;
    const int stride = q8_1 ? 36 : 34, quants = q8_1 ? 4 : 2;
    const int offset = weight_offset(type);
    int8_t *qs = (int8_t *)dst;
    float *d = (float *)(dst + nbp * 32), *s = d + nbp;
    int32_t *init = (int32_t *)(dst + nbp * 40);
    for (int64_t b = 0; b < nb; b++) {
        d[b] = h2f(load_u16(x + b * stride));
        s[b] = q8_1 ? h2f(load_u16(x + b * stride + 2)) : 0.0f;
    }
    for (int64_t b = nb; b < nbp; b++) d[b] = s[b] = 0;
#if CK_VNNI
    // Quads of blocks: [A0:16 B0:16 C0:16 D0:16] [A16:32 B16:32 C16:32 D16:32]; init per
    // quad: 16 lanes, block j in lanes 4j…4j+3.
    const __m512i ones8 = _mm512_set1_epi8(1), factor = _mm512_set1_epi32(-offset);
    for (int64_t b = 0; b < nbp; b += 4) {
        __m256i q[4];
        for (int j = 0; j < 4; j++) {
            q[j] = b + j < nb ? _mm256_loadu_si256((const __m256i *)(x + (b + j) * stride + quants))
                              : _mm256_setzero_si256();
        }
        const __m512i ab = _mm512_inserti64x4(_mm512_castsi256_si512(q[0]), q[1], 1);
        const __m512i cd = _mm512_inserti64x4(_mm512_castsi256_si512(q[2]), q[3], 1);
        const __m512i lo = _mm512_shuffle_i64x2(ab, cd, _MM_SHUFFLE(2, 0, 2, 0));
        const __m512i hi = _mm512_shuffle_i64x2(ab, cd, _MM_SHUFFLE(3, 1, 3, 1));
        _mm512_store_si512(qs + b * 32, lo);
        _mm512_store_si512(qs + b * 32 + 64, hi);
        if (offset) {
            const __m512i sums = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), ones8, lo), ones8, hi);
            _mm512_store_si512(init + b * 4, _mm512_mullo_epi32(sums, factor));
        }
    }
    if (strip_type(type)) {
        for (int64_t g0 = 0; g0 + 16 <= nb; g0 += 16) {
            uint32_t *strips = (uint32_t *)(qs + g0 * 32);
            for (int k = 0; k < 8; k++) {
                for (int j = 0; j < 16; j++) strips[16 * k + j] = load_u32(x + (g0 + j) * stride + quants + 4 * k);
            }
            if (offset) {
                __m512i sums = _mm512_setzero_si512();
                for (int k = 0; k < 8; k++) sums = _mm512_dpbusd_epi32(sums, ones8, _mm512_load_si512(strips + 16 * k));
                _mm512_store_si512(init + g0 * 4, _mm512_mullo_epi32(sums, factor));
            }
        }
    }
#else
    // Pairs of blocks: [A0:16 B0:16] [A16:32 B16:32]; init per pair: 8 lanes, A in 0-3.
    // (Q8_0, taken a block at a time with the sign trick: block after block.)
    const __m256i ones8 = _mm256_set1_epi8(1), factor = _mm256_set1_epi32(-offset);
    for (int64_t b = 0; b < nbp; b += 2) {
        const __m256i qa = b < nb ? _mm256_loadu_si256((const __m256i *)(x + b * stride + quants)) : _mm256_setzero_si256();
        const __m256i qb = b + 1 < nb ? _mm256_loadu_si256((const __m256i *)(x + (b + 1) * stride + quants))
                                      : _mm256_setzero_si256();
        const int paired = type != CK_Q8_0;
        const __m256i lo = paired ? _mm256_permute2x128_si256(qa, qb, 0x20) : qa;
        const __m256i hi = paired ? _mm256_permute2x128_si256(qa, qb, 0x31) : qb;
        _mm256_store_si256((__m256i *)(qs + b * 32), lo);
        _mm256_store_si256((__m256i *)(qs + b * 32 + 32), hi);
        if (offset) {
            const __m256i sums = _mm256_add_epi32(dot_u8s8(_mm256_setzero_si256(), ones8, lo),
                                                  dot_u8s8(_mm256_setzero_si256(), ones8, hi));
            _mm256_store_si256((__m256i *)(init + b * 4), _mm256_mullo_epi32(sums, factor));
        }
    }
#endif
}

INL int block_bytes(int type) {
    switch (type) {
    case CK_Q4_0: return 18;
    case CK_Q4_1: return 20;
    case CK_Q5_0: return 22;
    case CK_Q5_1: return 24;
    default: return 34;  // Q8_0
    }
}

INL int has_min(int type) { return type == CK_Q4_1 || type == CK_Q5_1; }

// Where the quants of a 32-element block start (after d, m and the Q5 high bits).
INL int quants_at(int type) {
    switch (type) {
    case CK_Q4_0: return 2;
    case CK_Q4_1: return 4;
    case CK_Q5_0: return 6;
    case CK_Q5_1: return 8;
    default: return 2;
    }
}
