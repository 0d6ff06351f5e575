// x86 kernels, written once and compiled twice: x86_avx2.c includes this file with
// CK_LEVEL 2 (AVX2 + FMA + F16C) and x86_avx512.c with CK_LEVEL 3 (adds AVX-512
// F/BW/VL/DQ and VNNI). Every function carries a target attribute, so the rest of the
// build stays baseline x86-64 and the paths are picked at run time (dispatch.c).
//
// Arithmetic contract with the scalar reference (dot.c, activations.c, half.c):
// - Integer block sums are exact. Activation quants are in [-127, 127] (the
//   quantizers never produce -128), which the sign and offset tricks rely on.
// - Per-block float combinations (d_w · d_x · sum + m · s) and the sums over blocks
//   are the same products, accumulated in a different order.
// - Quantized activation blocks and half conversions are bit-identical.
//
// Matrix products (matmul_rows) repack the activation rows they are given once per
// call for the 32-element block types (scales as floats, quants contiguous, aligned
// and interleaved as the weights decode, per-lane sums for the offset trick); Q8_K
// and F32 activations are used in place. Then each weight block is decoded once
// for up to four tokens (and, for the AVX-512 32-element kernels, two rows share
// the activation loads). ck_vec_dot is the same code with one row and one token,
// and every (row, token) goes through the same operations whatever the row and
// token counts, so a product's elements equal the same path's vec_dot bit for bit.
//
// Measured on the target (AMD EPYC, AVX-512 executed as two 256-bit halves): VNNI
// dpbusd and FMA share two pipes, gathers cost ~1.3 cycles an element, so the
// AVX-512 kernels avoid gathers and spend one convert + FMA per four blocks.

#ifndef CK_LEVEL
#error "define CK_LEVEL before including x86_template.h"
#endif

#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "blocks.h"
#include "ckernels.h"
#include "kernels.h"

#if CK_LEVEL >= 3
#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define CK_VNNI 1
#else
#define CK_TARGET __attribute__((target("avx2,fma,f16c")))
#define CK_VNNI 0
#endif

#define FN static CK_TARGET
#define INL static inline CK_TARGET __attribute__((always_inline))
#define CK_PRAGMA(x) _Pragma(#x)
#define UNROLL(n) CK_PRAGMA(GCC unroll n)

// Blocks of scales handled together; a multiple of 16.
#define SEG 64
// The most tokens a kernel takes at once (AVX2 has only sixteen vector registers).
#if CK_VNNI
#define MAX_NT 8
#else
#define MAX_NT 4
#endif

// MARK: - Small helpers

INL float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

INL int hsum8i(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

INL float h2f(uint16_t h) { return _cvtsh_ss(h); }

INL uint16_t f2h(float f) {
    return (uint16_t)_mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(f), _MM_FROUND_TO_NEAREST_INT), 0);
}

INL uint16_t load_u16(const void *p) {
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

INL uint32_t load_u32(const void *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

// 32 nibbles (16 bytes) as 32 bytes in [0, 15]: low nibbles first, then high ones.
INL __m256i nibbles32(const uint8_t *q) {
    const __m128i t = _mm_loadu_si128((const __m128i *)q);
    const __m256i b = _mm256_inserti128_si256(_mm256_castsi128_si256(t), _mm_srli_epi16(t, 4), 1);
    return _mm256_and_si256(b, _mm256_set1_epi8(0x0F));
}

// Byte j of the result is 0x10 when bit j of `bits` is set, else 0.
INL __m256i high_bits32(uint32_t bits) {
#if CK_VNNI
    return _mm256_maskz_mov_epi8((__mmask32)bits, _mm256_set1_epi8(0x10));
#else
    const __m256i shuffle = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0);
    __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits), shuffle);
    bytes = _mm256_or_si256(bytes, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
    bytes = _mm256_cmpeq_epi8(bytes, _mm256_set1_epi64x(-1));
    return _mm256_and_si256(bytes, _mm256_set1_epi8(0x10));
#endif
}

// acc + the sums of four u8 × s8 products in each 32-bit lane. Without VNNI the pair
// sums go through int16: callers keep |u · s| pairs below 2^15 (u ≤ 128, |s| ≤ 127).
INL __m256i dot_u8s8(__m256i acc, __m256i u, __m256i s) {
#if CK_VNNI
    return _mm256_dpbusd_epi32(acc, u, s);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
#endif
}

// acc + pairwise int16 products summed into 32-bit lanes.
INL __m256i dot_i16(__m256i acc, __m256i a, __m256i b) {
#if CK_VNNI
    return _mm256_dpwssd_epi32(acc, a, b);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
#endif
}

// MARK: - Activation quantizers (byte-identical to activations.c)

// 32 floats times `scale`, rounded half to even, as 32 int8 (values within ±127).
// Also returns their sum when `sum` is not NULL.
INL __m256i quantize32(const float *x, __m256 scale, int *sum) {
    const __m256i q0 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), scale));
    const __m256i q1 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 8), scale));
    const __m256i q2 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 16), scale));
    const __m256i q3 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 24), scale));
    if (sum) *sum = hsum8i(_mm256_add_epi32(_mm256_add_epi32(q0, q1), _mm256_add_epi32(q2, q3)));
    const __m256i p01 = _mm256_packs_epi32(q0, q1), p23 = _mm256_packs_epi32(q2, q3);
    const __m256i bytes = _mm256_packs_epi16(p01, p23);
    return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

INL float absmax32(const float *x) {
    const __m256 mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    __m256 m = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(x), mask), _mm256_and_ps(_mm256_loadu_ps(x + 8), mask));
    m = _mm256_max_ps(m, _mm256_and_ps(_mm256_loadu_ps(x + 16), mask));
    m = _mm256_max_ps(m, _mm256_and_ps(_mm256_loadu_ps(x + 24), mask));
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

FN void quantize_q8_0(const float *x, void *out, int64_t n) {
    block_q8_0 *y = out;
    for (int64_t i = 0; i < n / QK8_0; i++, x += QK8_0) {
        const float amax = absmax32(x);
        const float d = amax / 127, id = amax != 0 ? 127.f / amax : 0.0f;
        y[i].d = f2h(d);
        _mm256_storeu_si256((__m256i *)y[i].qs, quantize32(x, _mm256_set1_ps(id), NULL));
    }
}

FN void quantize_q8_1(const float *x, void *out, int64_t n) {
    block_q8_1 *y = out;
    for (int64_t i = 0; i < n / QK8_1; i++, x += QK8_1) {
        const float amax = absmax32(x);
        const float d = amax / 127, id = amax != 0 ? 127.f / amax : 0.0f;
        y[i].d = f2h(d);
        int sum;
        _mm256_storeu_si256((__m256i *)y[i].qs, quantize32(x, _mm256_set1_ps(id), &sum));
        y[i].s = f2h((float)sum * d);
    }
}

FN void quantize_q8_K(const float *x, void *out, int64_t n) {
    block_q8_K *y = out;
    const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    for (int64_t i = 0; i < n / QK_K; i++, x += QK_K) {
        __m256 m = _mm256_setzero_ps();
        for (int j = 0; j < QK_K; j += 8) m = _mm256_max_ps(m, _mm256_and_ps(_mm256_loadu_ps(x + j), absmask));
        __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        s = _mm_max_ps(s, _mm_movehl_ps(s, s));
        s = _mm_max_ss(s, _mm_movehdup_ps(s));
        const float amax = _mm_cvtss_f32(s);
        if (!(amax > 0)) {
            memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        // The first element of largest magnitude, as the scalar scan finds it.
        float max = 0;
        const __m256 target = _mm256_set1_ps(amax);
        for (int j = 0; j < QK_K; j += 8) {
            const int hits = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_and_ps(_mm256_loadu_ps(x + j), absmask), target, _CMP_EQ_OQ));
            if (hits) {
                max = x[j + __builtin_ctz((unsigned)hits)];
                break;
            }
        }
        const float iscale = -127.f / max;
        const __m256 vscale = _mm256_set1_ps(iscale);
        const __m256i limit = _mm256_set1_epi32(127);
        for (int j = 0; j < QK_K; j += 32) {
            __m256i q[4];
            for (int k = 0; k < 4; k++) {
                q[k] = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(vscale, _mm256_loadu_ps(x + j + 8 * k))), limit);
            }
            y[i].bsums[j / 16] = (int16_t)hsum8i(_mm256_add_epi32(q[0], q[1]));
            y[i].bsums[j / 16 + 1] = (int16_t)hsum8i(_mm256_add_epi32(q[2], q[3]));
            const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
            _mm256_storeu_si256((__m256i *)(y[i].qs + j),
                                _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
        }
        y[i].d = 1 / iscale;
    }
}

// MARK: - Half and bfloat16 rows (bit-identical to half.c)

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

// MARK: - Repacked activations for the 32-element block types
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

INL int weight_offset(int type) {
    switch (type) {
    case CK_Q4_0: return 8;
    case CK_Q5_0: return 16;
    case CK_Q8_0: return CK_VNNI ? 128 : 0;
    default: return 0;
    }
}

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

#if CK_VNNI
// MARK: - AVX-512: 32-element blocks four at a time
//
// Sixteen blocks are a group, four blocks a quad. The quants of a quad decode into
// two zmm, lo = elements 0-15 of each block and hi = elements 16-31, one block per
// 128-bit lane, and the repacked activations are laid out alike. Per token two VNNI
// dpbusd leave each block's exact integer sum spread over the four 32-bit lanes of
// its 128-bit lane, so one convert and one FMA (with the scales d_w · d_x spread by
// a permute) cover four blocks. The group's scales are picked out of the row with
// word permutes over a few 128-byte windows (gathers are slow).

typedef struct {
    int count;
    int start[4];
    __mmask32 lanes[4];
    _Alignas(64) uint16_t index[4][32];
    _Alignas(64) uint16_t quad_index[32];  // words of a quad's quants (Q4/Q5 types)
} type_tables;

static type_tables tables_q4_0, tables_q4_1, tables_q5_0, tables_q5_1, tables_q8_0;

static void build_tables(int bytes, int fields, int quants, type_tables *w) {
    // Words 0-15 of a group's scales: block j's d; words 16-31: its m (when `fields` is 2).
    const int group = 16 * bytes;
    memset(w, 0, sizeof *w);
    int j = 0;
    while (j < 16) {
        int start = j * bytes;
        if (start > group - 128) start = group - 128;
        const int k = w->count++;
        w->start[k] = start;
        for (; j < 16 && j * bytes + 2 * fields <= start + 128; j++) {
            w->index[k][j] = (uint16_t)((j * bytes - start) / 2);
            w->lanes[k] |= (__mmask32)1 << j;
            if (fields == 2) {
                w->index[k][16 + j] = (uint16_t)((j * bytes - start) / 2 + 1);
                w->lanes[k] |= (__mmask32)1 << (16 + j);
            }
        }
    }
    // Output word i: word i % 8 of the 16 quant bytes of block i / 8 of the quad.
    for (int i = 0; i < 32; i++) w->quad_index[i] = (uint16_t)(((i / 8) * bytes + quants) / 2 + i % 8);
}

static void build_all_tables(void) {
    build_tables(18, 1, 2, &tables_q4_0);
    build_tables(20, 2, 4, &tables_q4_1);
    build_tables(22, 1, 6, &tables_q5_0);
    build_tables(24, 2, 8, &tables_q5_1);
    build_tables(34, 1, 2, &tables_q8_0);
}

INL const type_tables *tables_for(int type) {
    switch (type) {
    case CK_Q4_0: return &tables_q4_0;
    case CK_Q4_1: return &tables_q4_1;
    case CK_Q5_0: return &tables_q5_0;
    case CK_Q5_1: return &tables_q5_1;
    default: return &tables_q8_0;
    }
}

INL __mmask64 bytes_below(int64_t end) {  // the first `end` bytes of a 64-byte vector
    if (end <= 0) return 0;
    return end >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << end) - 1);
}

// The d (words 0-15) and m (words 16-31) halves of the `valid` blocks at `w`; zeros beyond.
INL __m512i group_scales(const int TYPE, const uint8_t *w, int valid) {
    const type_tables *tt = tables_for(TYPE);
    const int BS = block_bytes(TYPE);
    const int64_t limit = (int64_t)valid * BS;  // readable bytes
    __m512i result = _mm512_setzero_si512();
    for (int k = 0; k < tt->count; k++) {
        const int start = tt->start[k];
        if (start >= limit) break;
        __m512i a, b;
        if (valid == 16) {
            a = _mm512_loadu_si512(w + start);
            b = _mm512_loadu_si512(w + start + 64);
        } else {
            a = _mm512_maskz_loadu_epi8(bytes_below(limit - start), w + start);
            b = _mm512_maskz_loadu_epi8(bytes_below(limit - start - 64), w + start + 64);
        }
        const __m512i picked = _mm512_permutex2var_epi16(a, _mm512_load_si512(tt->index[k]), b);
        result = _mm512_mask_mov_epi16(result, tt->lanes[k], picked);
    }
    return result;
}

// The quants of the `count` (1-4) blocks of a quad at `w`: lo = elements 0-15 of each
// block, hi = elements 16-31, block j in 128-bit lane j (absent blocks: anything finite).
INL void decode_quad(const int TYPE, const uint8_t *w, int count, __m512i *lo, __m512i *hi) {
    const int BS = block_bytes(TYPE);
    if (TYPE == CK_Q8_0) {
        __m256i q[4];
        UNROLL(4) for (int j = 0; j < 4; j++) {
            q[j] = j < count ? _mm256_loadu_si256((const __m256i *)(w + j * BS + 2)) : _mm256_setzero_si256();
        }
        const __m512i ab = _mm512_inserti64x4(_mm512_castsi256_si512(q[0]), q[1], 1);
        const __m512i cd = _mm512_inserti64x4(_mm512_castsi256_si512(q[2]), q[3], 1);
        const __m512i bias = _mm512_set1_epi8((char)0x80);
        *lo = _mm512_xor_si512(_mm512_shuffle_i64x2(ab, cd, _MM_SHUFFLE(2, 0, 2, 0)), bias);
        *hi = _mm512_xor_si512(_mm512_shuffle_i64x2(ab, cd, _MM_SHUFFLE(3, 1, 3, 1)), bias);
        return;
    }
    const int64_t span = (int64_t)count * BS;
    __m512i a, b;
    if (count == 4) {
        a = _mm512_loadu_si512(w);
        b = _mm512_maskz_loadu_epi8(bytes_below(4 * BS - 64), w + 64);
    } else {
        a = _mm512_maskz_loadu_epi8(bytes_below(span), w);
        b = _mm512_maskz_loadu_epi8(bytes_below(span - 64), w + 64);
    }
    const __m512i q = _mm512_permutex2var_epi16(a, _mm512_load_si512(tables_for(TYPE)->quad_index), b);
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    __m512i l = _mm512_and_si512(q, low4), h = _mm512_and_si512(_mm512_srli_epi16(q, 4), low4);
    if (TYPE == CK_Q5_0 || TYPE == CK_Q5_1) {
        const int H = TYPE == CK_Q5_0 ? 2 : 4;
        uint64_t ml = 0, mh = 0;
        for (int j = 0; j < count; j++) {
            const uint64_t bits = load_u32(w + j * BS + H);
            ml |= (bits & 0xFFFF) << (16 * j);
            mh |= (bits >> 16) << (16 * j);
        }
        const __m512i sixteen = _mm512_set1_epi8(16);
        l = _mm512_mask_add_epi8(l, (__mmask64)ml, l, sixteen);
        h = _mm512_mask_add_epi8(h, (__mmask64)mh, h, sixteen);
    }
    *lo = l;
    *hi = h;
}

// ROWS (1 or 2) weight rows `row_bytes` apart against NT tokens; out[r * MAX_NT + t].
// Each (row, token) sees the same sequence of operations whatever ROWS and NT are.
INL void kernel32(const int TYPE, const int NT, const int ROWS, const uint8_t *w, int64_t row_bytes,
                  const uint8_t *x, int64_t xstride, int64_t nb, float *out) {
    const int BS = block_bytes(TYPE);
    const int HAS_M = has_min(TYPE);
    const int OFFSET = weight_offset(TYPE);
    const int64_t nbp = pad16(nb);
    __m512 acc[2][MAX_NT];
    UNROLL(2) for (int r = 0; r < ROWS; r++) UNROLL(8) for (int t = 0; t < NT; t++) acc[r][t] = _mm512_setzero_ps();
    const __m512i quad_lanes = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    for (int64_t g0 = 0; g0 < nb; g0 += 16) {
        const int valid = nb - g0 < 16 ? (int)(nb - g0) : 16;
        __m512 sc[2][MAX_NT];
        UNROLL(2) for (int r = 0; r < ROWS; r++) {
            const __m512i halves = group_scales(TYPE, w + r * row_bytes + g0 * BS, valid);
            const __m512 dw = _mm512_cvtph_ps(_mm512_castsi512_si256(halves));
            UNROLL(8) for (int t = 0; t < NT; t++) {
                const float *xd = (const float *)(x + t * xstride + nbp * 32) + g0;
                sc[r][t] = _mm512_mul_ps(dw, _mm512_load_ps(xd));
                if (HAS_M) {
                    const __m512 mw = _mm512_cvtph_ps(_mm512_extracti64x4_epi64(halves, 1));
                    acc[r][t] = _mm512_fmadd_ps(mw, _mm512_load_ps(xd + nbp), acc[r][t]);
                }
            }
        }
#define CK_QUAD32(K, COUNT)                                                                                     \
    do {                                                                                                        \
        const int k_ = (K);                                                                                     \
        __m512i lo_[2], hi_[2];                                                                                 \
        UNROLL(2) for (int r = 0; r < ROWS; r++) {                                                              \
            decode_quad(TYPE, w + r * row_bytes + (g0 + 4 * k_) * BS, (COUNT), &lo_[r], &hi_[r]);               \
        }                                                                                                       \
        const __m512i lanes_ = _mm512_add_epi32(quad_lanes, _mm512_set1_epi32(4 * k_));                        \
        UNROLL(8) for (int t = 0; t < NT; t++) {                                                                \
            const uint8_t *xt_ = x + t * xstride;                                                               \
            const __m512i x0_ = _mm512_load_si512(xt_ + (g0 + 4 * k_) * 32);                                    \
            const __m512i x1_ = _mm512_load_si512(xt_ + (g0 + 4 * k_) * 32 + 64);                               \
            const __m512i init_ = OFFSET ? _mm512_load_si512(xt_ + nbp * 40 + (g0 + 4 * k_) * 16)              \
                                         : _mm512_setzero_si512();                                              \
            UNROLL(2) for (int r = 0; r < ROWS; r++) {                                                          \
                const __m512i p_ = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(init_, lo_[r], x0_), hi_[r], x1_);  \
                acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p_), _mm512_permutexvar_ps(lanes_, sc[r][t]),   \
                                            acc[r][t]);                                                         \
            }                                                                                                   \
        }                                                                                                       \
    } while (0)
        if (valid == 16) {
            CK_QUAD32(0, 4);
            CK_QUAD32(1, 4);
            CK_QUAD32(2, 4);
            CK_QUAD32(3, 4);
        } else {
            for (int k = 0; 4 * k < valid; k++) CK_QUAD32(k, valid - 4 * k < 4 ? valid - 4 * k : 4);
        }
#undef CK_QUAD32
    }
    UNROLL(2) for (int r = 0; r < ROWS; r++) {
        UNROLL(8) for (int t = 0; t < NT; t++) out[r * MAX_NT + t] = _mm512_reduce_add_ps(acc[r][t]);
    }
}

#else
// MARK: - AVX2: 32-element blocks two at a time
//
// The quants of a pair of blocks decode into lo = elements 0-15 of both, hi = 16-31
// (as the repacked activations are laid out), so maddubs, an int16 add and one madd
// leave block A in 32-bit lanes 0-3 and B in 4-7: one convert and one FMA a pair.
// Q8_0 (signed weights, sign trick, int16 pair sums too large to add) goes a block
// at a time.

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
#endif

// MARK: - K-quant kernels (Q8_K activations, used as they are)

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

// MARK: - Float kernels (F32 activations as given; F16/BF16 activations repacked to F32)

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

// MARK: - Kernel instances: one function per type, looping over rows, dispatching on the token count

// y[t * y_stride + r] for rows [0, rows) from `w` and tokens [0, nt) from `x`.
typedef void (*rows_kernel)(const uint8_t *w, int64_t row_bytes, int64_t rows, const uint8_t *x, int64_t xstride,
                            int nt, int64_t n, float *y, int64_t y_stride);

// Two rows at a time (the AVX-512 32-element kernels share the activation loads).
#define CK_ROWS_CASE(NT, CALL)                                                        \
    case NT: {                                                                        \
        /* Rows r and r + half go together: two sequential streams through memory. */ \
        const int64_t half = rows / 2;                                                \
        for (int64_t r = 0; r < half; r++) {                                          \
            float o[2 * MAX_NT];                                                      \
            CALL(NT, 2, w + r * row_bytes, (half * row_bytes), o);                    \
            UNROLL(8) for (int k = 0; k < NT; k++) {                                  \
                y[k * y_stride + r] = o[k];                                           \
                y[k * y_stride + r + half] = o[MAX_NT + k];                           \
            }                                                                         \
        }                                                                             \
        if (rows & 1) {                                                               \
            const int64_t r = rows - 1;                                               \
            float o[2 * MAX_NT];                                                      \
            CALL(NT, 1, w + r * row_bytes, row_bytes, o);                             \
            UNROLL(8) for (int k = 0; k < NT; k++) y[k * y_stride + r] = o[k];        \
        }                                                                             \
        break;                                                                        \
    }

// One row at a time: for one token (a single sequential stream through the weights
// is what the hardware prefetchers handle best; short matrices suffered from two) and
// for more than four tokens (registers).
#define CK_ROWS_CASE1(NT, CALL)                                                       \
    case NT:                                                                          \
        for (int64_t r = 0; r < rows; r++) {                                          \
            float o[2 * MAX_NT];                                                      \
            CALL(NT, 1, w + r * row_bytes, row_bytes, o);                             \
            UNROLL(8) for (int k = 0; k < NT; k++) y[k * y_stride + r] = o[k];        \
        }                                                                             \
        break;

#if MAX_NT > 4
#define CK_ROWS_WIDE(CALL) CK_ROWS_CASE1(5, CALL) CK_ROWS_CASE1(6, CALL) CK_ROWS_CASE1(7, CALL) CK_ROWS_CASE1(8, CALL)
#else
#define CK_ROWS_WIDE(CALL)
#endif

#define CK_ROWS_KERNEL(name, CALL)                                                                                \
    FN void name(const uint8_t *w, int64_t row_bytes, int64_t rows, const uint8_t *x, int64_t xstride, int nt,  \
                 int64_t n, float *y, int64_t y_stride) {                                                       \
        switch (nt) {                                                                                             \
            CK_ROWS_CASE1(1, CALL)                                                                                \
            CK_ROWS_CASE(2, CALL)                                                                                 \
            CK_ROWS_CASE(3, CALL)                                                                                 \
            CK_ROWS_CASE(4, CALL)                                                                                 \
            CK_ROWS_WIDE(CALL)                                                                                    \
        default: break;                                                                                           \
        }                                                                                                         \
    }

#define CALL_Q4_0(NT, ROWS, row, apart, o) CALL32_T(CK_Q4_0, NT, ROWS, row, apart, o)
#define CALL_Q4_1(NT, ROWS, row, apart, o) CALL32_T(CK_Q4_1, NT, ROWS, row, apart, o)
#define CALL_Q5_0(NT, ROWS, row, apart, o) CALL32_T(CK_Q5_0, NT, ROWS, row, apart, o)
#define CALL_Q5_1(NT, ROWS, row, apart, o) CALL32_T(CK_Q5_1, NT, ROWS, row, apart, o)
#define CALL_Q8_0(NT, ROWS, row, apart, o) CALL32_T(CK_Q8_0, NT, ROWS, row, apart, o)
#if CK_VNNI
#define CALL32_T(TYPE, NT, ROWS, row, apart, o) kernel32(TYPE, NT, ROWS, row, apart, x, xstride, n / 32, o)
#else
#define CALL32_T(TYPE, NT, ROWS, row, apart, o) \
    do { for (int r_ = 0; r_ < (ROWS); r_++) kernel32(TYPE, NT, (row) + r_ * (apart), x, xstride, n / 32, (o) + r_ * MAX_NT); } while (0)
#endif
#define CALL_ONE(ROWS, row, apart, o, EXPR) \
    do { for (int r_ = 0; r_ < (ROWS); r_++) { const uint8_t *row_ = (row) + r_ * (apart); float *o_ = (o) + r_ * MAX_NT; EXPR; } } while (0)
#define CALL_Q4_K(NT, ROWS, row, apart, o) CALL_ONE(ROWS, row, apart, o, kernel_q45_K(CK_Q4_K, NT, row_, x, xstride, n / QK_K, o_))
#define CALL_Q5_K(NT, ROWS, row, apart, o) CALL_ONE(ROWS, row, apart, o, kernel_q45_K(CK_Q5_K, NT, row_, x, xstride, n / QK_K, o_))
#define CALL_Q6_K(NT, ROWS, row, apart, o) CALL_ONE(ROWS, row, apart, o, kernel_q6_K(NT, row_, x, xstride, n / QK_K, o_))
#define CALL_F32(NT, ROWS, row, apart, o) CALL_ONE(ROWS, row, apart, o, kernel_float(CK_F32, NT, row_, x, xstride, n, o_))
#define CALL_F16(NT, ROWS, row, apart, o) CALL_ONE(ROWS, row, apart, o, kernel_float(CK_F16, NT, row_, x, xstride, n, o_))
#define CALL_BF16(NT, ROWS, row, apart, o) CALL_ONE(ROWS, row, apart, o, kernel_float(CK_BF16, NT, row_, x, xstride, n, o_))

CK_ROWS_KERNEL(rows_q4_0, CALL_Q4_0)
CK_ROWS_KERNEL(rows_q4_1, CALL_Q4_1)
CK_ROWS_KERNEL(rows_q5_0, CALL_Q5_0)
CK_ROWS_KERNEL(rows_q5_1, CALL_Q5_1)
CK_ROWS_KERNEL(rows_q8_0, CALL_Q8_0)
CK_ROWS_KERNEL(rows_q4_K, CALL_Q4_K)
CK_ROWS_KERNEL(rows_q5_K, CALL_Q5_K)
CK_ROWS_KERNEL(rows_q6_K, CALL_Q6_K)
CK_ROWS_KERNEL(rows_f32, CALL_F32)
CK_ROWS_KERNEL(rows_f16, CALL_F16)
CK_ROWS_KERNEL(rows_bf16, CALL_BF16)

// MARK: - Matrix product driver

// Repacked activations live here when they fit; bigger tiles go to the heap.
#define TILE_STACK_BYTES 32768
// Tokens repacked at once, sized to stay in L1/L2.
#define TILE_TARGET_BYTES 32768
// Weight rows walked per group of tokens, sized to stay in L2.
#define ROW_BLOCK_BYTES (256 * 1024)

FN void matmul_rows(int type, const void *weights, int64_t n, int64_t row_begin, int64_t row_end,
                    const void *activations, int64_t tokens, float *y, int64_t y_stride) {
    rows_kernel kernel;
    int repack = 0;  // 1: 32-element blocks, 2: halves to floats
    switch (type) {
    case CK_Q4_0: kernel = rows_q4_0; repack = 1; break;
    case CK_Q4_1: kernel = rows_q4_1; repack = 1; break;
    case CK_Q5_0: kernel = rows_q5_0; repack = 1; break;
    case CK_Q5_1: kernel = rows_q5_1; repack = 1; break;
    case CK_Q8_0: kernel = rows_q8_0; repack = 1; break;
    case CK_Q4_K: kernel = rows_q4_K; break;
    case CK_Q5_K: kernel = rows_q5_K; break;
    case CK_Q6_K: kernel = rows_q6_K; break;
    case CK_F32: kernel = rows_f32; break;
    case CK_F16: kernel = rows_f16; repack = 2; break;
    case CK_BF16: kernel = rows_bf16; repack = 2; break;
    default:
        ck_scalar_matmul_rows(type, weights, n, row_begin, row_end, activations, tokens, y, y_stride);
        return;
    }
    // Tokens per kernel call: eight where that measured faster (one row at a time),
    // else four (two rows at a time for the 32-element types, sharing the loads).
    const int max_nt = (weight_offset(type) || type == CK_F32 || type == CK_F16 || type == CK_BF16) ? 4 : MAX_NT;
    const int64_t row_bytes = n / ck_block_size(type) * ck_type_size(type);
    const int64_t input_bytes = ck_activation_row_bytes(type, n);
    const int64_t tile_stride = repack == 1 ? packed32_bytes(type, n / 32)
                              : repack == 2 ? ((n * 4 + 63) & ~(int64_t)63)
                                            : input_bytes;
    int64_t tile_tokens = TILE_TARGET_BYTES / (tile_stride > 0 ? tile_stride : 1);
    tile_tokens = tile_tokens < max_nt ? max_nt : tile_tokens / max_nt * max_nt;
    if (tile_tokens > tokens) tile_tokens = tokens;
    int64_t row_block = ROW_BLOCK_BYTES / (row_bytes > 0 ? row_bytes : 1);
    if (row_block < 1) row_block = 1;

    _Alignas(64) uint8_t stack[TILE_STACK_BYTES];
    uint8_t *buffer = NULL, *heap = NULL;
    if (repack) {
        const size_t needed = (size_t)(tile_stride * tile_tokens);
        if (needed <= sizeof stack) {
            buffer = stack;
        } else {
            heap = aligned_alloc(64, (needed + 63) & ~(size_t)63);
            if (!heap) {
                ck_scalar_matmul_rows(type, weights, n, row_begin, row_end, activations, tokens, y, y_stride);
                return;
            }
            buffer = heap;
        }
    }

    for (int64_t t0 = 0; t0 < tokens; t0 += tile_tokens) {
        const int64_t count = tokens - t0 < tile_tokens ? tokens - t0 : tile_tokens;
        const uint8_t *tile;
        int64_t stride;
        if (repack == 1) {
            for (int64_t t = 0; t < count; t++) {
                pack32_row(type, (const uint8_t *)activations + (t0 + t) * input_bytes, n / 32, buffer + t * tile_stride);
            }
            tile = buffer;
            stride = tile_stride;
        } else if (repack == 2) {
            for (int64_t t = 0; t < count; t++) {
                const uint16_t *src = (const uint16_t *)((const uint8_t *)activations + (t0 + t) * input_bytes);
                float *dst = (float *)(buffer + t * tile_stride);
                if (type == CK_F16) fp16_to_fp32_row(src, dst, n);
                else for (int64_t i = 0; i < n; i++) dst[i] = ck_bf16_to_fp32(src[i]);
            }
            tile = buffer;
            stride = tile_stride;
        } else {
            tile = (const uint8_t *)activations + t0 * input_bytes;
            stride = input_bytes;
        }
        for (int64_t r0 = row_begin; r0 < row_end; r0 += row_block) {
            const int64_t rows = row_end - r0 < row_block ? row_end - r0 : row_block;
            for (int64_t t = 0; t < count; t += max_nt) {
                const int nt = count - t < max_nt ? (int)(count - t) : max_nt;
                kernel((const uint8_t *)weights + r0 * row_bytes, row_bytes, rows, tile + t * stride, stride, nt, n,
                       y + (t0 + t) * y_stride + r0, y_stride);
            }
        }
    }
    free(heap);
}

// One-time set-up of this path's constant tables.
static void init_path(void) {
#if CK_VNNI
    build_all_tables();
#endif
}

FN float vec_dot(int type, const void *w, const void *x, int64_t n) {
    float result = 0;
    matmul_rows(type, w, n, 0, 1, x, 1, &result, 1);
    return result;
}

// MARK: - Attention

FN void attention_head(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                       int64_t head_dim, int64_t positions, float scale, float *scores, float *out) {
    // The query meets the half-precision keys as halves, as in the reference.
    // On the stack up to CK_STACK_HEAD_DIM, on the heap (32-byte aligned) beyond.
    _Alignas(32) float stack_query[CK_STACK_HEAD_DIM];
    float *query = stack_query;
    if (head_dim > CK_STACK_HEAD_DIM) {
        void *heap = NULL;
        if (posix_memalign(&heap, 32, (size_t)head_dim * sizeof(float)) != 0) {
            ck_fill_nan(out, head_dim);
            return;
        }
        query = heap;
    }
    const int64_t width = head_dim;
    int64_t i = 0;
    for (; i + 8 <= width; i += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(q + i), _MM_FROUND_TO_NEAREST_INT);
        _mm256_store_ps(query + i, _mm256_cvtph_ps(h));
    }
    for (; i < width; i++) query[i] = h2f(f2h(q[i]));
    const int64_t vector_width = width & ~(int64_t)7;

    float max = -INFINITY;
    for (int64_t p = 0; p < positions; p++) {
        const uint16_t *k = keys + p * stride;
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        int64_t j = 0;
        for (; j + 16 <= vector_width; j += 16) {
            s0 = _mm256_fmadd_ps(_mm256_load_ps(query + j), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + j))), s0);
            s1 = _mm256_fmadd_ps(_mm256_load_ps(query + j + 8),
                                 _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + j + 8))), s1);
        }
        if (j < vector_width) {
            s0 = _mm256_fmadd_ps(_mm256_load_ps(query + j), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + j))), s0);
            j += 8;
        }
        float dot = hsum8(_mm256_add_ps(s0, s1));
        for (; j < width; j++) dot += query[j] * ck_fp16_to_fp32(k[j]);
        scores[p] = dot * scale;
        if (scores[p] > max) max = scores[p];
    }
    double sum = 0;
    for (int64_t p = 0; p < positions; p++) {
        scores[p] = expf(scores[p] - max);
        sum += scores[p];
    }
    const float inverse = (float)(1.0 / sum);
    // The attention weights meet the values as halves too.
    int64_t p = 0;
    const __m256 vinverse = _mm256_set1_ps(inverse);
    for (; p + 8 <= positions; p += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_mul_ps(_mm256_loadu_ps(scores + p), vinverse), _MM_FROUND_TO_NEAREST_INT);
        _mm256_storeu_ps(scores + p, _mm256_cvtph_ps(h));
    }
    for (; p < positions; p++) scores[p] = h2f(f2h(scores[p] * inverse));

    int64_t d0 = 0;
    for (; d0 + 32 <= head_dim; d0 += 32) {
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (int64_t pp = 0; pp < positions; pp++) {
            const uint16_t *v = values + pp * stride + d0;
            const __m256 wv = _mm256_set1_ps(scores[pp]);
            a0 = _mm256_fmadd_ps(wv, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)v)), a0);
            a1 = _mm256_fmadd_ps(wv, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + 8))), a1);
            a2 = _mm256_fmadd_ps(wv, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + 16))), a2);
            a3 = _mm256_fmadd_ps(wv, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + 24))), a3);
        }
        _mm256_storeu_ps(out + d0, a0);
        _mm256_storeu_ps(out + d0 + 8, a1);
        _mm256_storeu_ps(out + d0 + 16, a2);
        _mm256_storeu_ps(out + d0 + 24, a3);
    }
    for (; d0 + 8 <= head_dim; d0 += 8) {
        __m256 a0 = _mm256_setzero_ps();
        for (int64_t pp = 0; pp < positions; pp++) {
            a0 = _mm256_fmadd_ps(_mm256_set1_ps(scores[pp]),
                                 _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(values + pp * stride + d0))), a0);
        }
        _mm256_storeu_ps(out + d0, a0);
    }
    for (; d0 < head_dim; d0++) {
        float a = 0;
        for (int64_t pp = 0; pp < positions; pp++) a += scores[pp] * ck_fp16_to_fp32(values[pp * stride + d0]);
        out[d0] = a;
    }
    if (query != stack_query) free(query);
}
