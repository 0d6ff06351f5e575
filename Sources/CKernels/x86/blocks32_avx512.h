// 32-element block kernels (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) for AVX-512 VNNI: four blocks at a time.
//
// Sixteen blocks are a group, four blocks a quad. The quants of a quad decode into
// two zmm, lo = elements 0-15 of each block and hi = elements 16-31, one block per
// 128-bit lane, and the repacked activations are laid out alike. Per token two VNNI
// dpbusd leave each block's exact integer sum spread over the four 32-bit lanes of
// its 128-bit lane, so one convert and one FMA (with the scales d_w · d_x spread by
// a permute) cover four blocks. The group's scales are picked out of the row with
// word permutes over a few 128-byte windows (gathers are slow).
//
// Part of the x86 kernels: included by x86_template.h, compiled once per CK_LEVEL.

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

// Strips (Q4_0, Q4_1, whole groups): strip d of a group holds, in 32-bit lane j, quant
// dword d of block j (low nibbles: elements 4d…4d+3, high: 16+4d…16+4d+3), picked from
// three 128-byte windows of the group: index[d][window][element], lanes[d][window] the
// elements that window supplies. Q4_1 blocks (20 bytes) keep dwords aligned, so the
// elements are dwords; Q4_0 blocks (18 bytes) only words.
typedef struct {
    _Alignas(64) uint16_t index[4][3][32];
    _Alignas(64) uint32_t index32[4][3][16];
    __mmask32 lanes[4][3];
} strip_tables;

static strip_tables strips_q4_0, strips_q4_1;

static void build_strips(int bytes, int quants, strip_tables *s) {
    memset(s, 0, sizeof *s);
    for (int d = 0; d < 4; d++) {
        if (bytes % 4 == 0) {
            for (int j = 0; j < 16; j++) {
                const int dword = (j * bytes + quants) / 4 + d;  // < 16 · 20 / 4
                s->index32[d][dword / 32][j] = (uint32_t)(dword % 32);
                s->lanes[d][dword / 32] |= (__mmask32)1 << j;
            }
            continue;
        }
        for (int o = 0; o < 32; o++) {
            const int word = ((o / 2) * bytes + quants + 4 * d) / 2 + o % 2;
            s->index[d][word / 64][o] = (uint16_t)(word % 64);
            s->lanes[d][word / 64] |= (__mmask32)1 << o;
        }
    }
}

static void build_all_tables(void) {
    build_tables(18, 1, 2, &tables_q4_0);
    build_tables(20, 2, 4, &tables_q4_1);
    build_tables(22, 1, 6, &tables_q5_0);
    build_tables(24, 2, 8, &tables_q5_1);
    build_tables(34, 1, 2, &tables_q8_0);
    build_strips(18, 2, &strips_q4_0);
    build_strips(20, 4, &strips_q4_1);
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

// The quants of a whole group of sixteen Q4_0/Q4_1 blocks at `w` as strips: lo[d] lane j
// = the low nibbles of quant dword d of block j, hi[d] its high nibbles. Reads only the
// group's bytes.
INL void decode_strips(const int TYPE, const uint8_t *w, __m512i *lo, __m512i *hi) {
    const strip_tables *st = TYPE == CK_Q4_0 ? &strips_q4_0 : &strips_q4_1;
    const int group = 16 * block_bytes(TYPE);  // 288 or 320 bytes: windows [0,128) [128,256) [256,group)
    const __m512i z0 = _mm512_loadu_si512(w), z1 = _mm512_loadu_si512(w + 64);
    const __m512i z2 = _mm512_loadu_si512(w + 128), z3 = _mm512_loadu_si512(w + 192);
    const __m512i z4 = _mm512_maskz_loadu_epi8(bytes_below(group - 256), w + 256);
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    UNROLL(4) for (int d = 0; d < 4; d++) {
        __m512i q;
        if (TYPE == CK_Q4_1) {
            q = _mm512_maskz_permutex2var_epi32((__mmask16)st->lanes[d][0], z0, _mm512_load_si512(st->index32[d][0]), z1);
            q = _mm512_mask_mov_epi32(q, (__mmask16)st->lanes[d][1],
                                      _mm512_permutex2var_epi32(z2, _mm512_load_si512(st->index32[d][1]), z3));
            q = _mm512_mask_permutexvar_epi32(q, (__mmask16)st->lanes[d][2], _mm512_load_si512(st->index32[d][2]), z4);
        } else {
            q = _mm512_maskz_permutex2var_epi16(st->lanes[d][0], z0, _mm512_load_si512(st->index[d][0]), z1);
            q = _mm512_mask_mov_epi16(q, st->lanes[d][1],
                                      _mm512_permutex2var_epi16(z2, _mm512_load_si512(st->index[d][1]), z3));
            q = _mm512_mask_permutexvar_epi16(q, st->lanes[d][2], _mm512_load_si512(st->index[d][2]), z4);
        }
        lo[d] = _mm512_and_si512(q, low4);
        hi[d] = _mm512_and_si512(_mm512_srli_epi16(q, 4), low4);
    }
}

// The sum of the sixteen lanes of one accumulator, halving: lanes i + (i + 8), then
// i + (i + 4), i + (i + 2), i + (i + 1).
INL float sum16(__m512 v) {
    const __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    return _mm_cvtss_f32(_mm_add_ss(s2, _mm_movehdup_ps(s2)));
}

// out[t] = sum16(acc[t]) for NT accumulators, the same additions in the same order for
// each, with the accumulators sharing the shuffles and adds (a quarter of the work of
// NT separate sums at eight).
INL void sum_lanes(const int NT, const __m512 *acc, float *out) {
    if (NT == 1) {
        out[0] = sum16(acc[0]);
        return;
    }
    const int n1 = (NT + 1) / 2, n2 = (n1 + 1) / 2;
    __m512 l1[MAX_NT / 2], l2[MAX_NT / 4 > 0 ? MAX_NT / 4 : 1];
    // Tokens 2p and 2p + 1: lanes i + (i + 8), eight each.
    UNROLL(4) for (int p = 0; p < n1; p++) {
        const __m512 a = acc[2 * p], b = 2 * p + 1 < NT ? acc[2 * p + 1] : a;
        l1[p] = _mm512_add_ps(_mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(1, 0, 1, 0)),
                              _mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(3, 2, 3, 2)));
    }
    // Tokens 4p … 4p + 3, one a 128-bit lane: lanes i + (i + 4).
    UNROLL(2) for (int p = 0; p < n2; p++) {
        const __m512 v = l1[2 * p], w = 2 * p + 1 < n1 ? l1[2 * p + 1] : v;
        l2[p] = _mm512_add_ps(_mm512_shuffle_f32x4(v, w, _MM_SHUFFLE(2, 0, 2, 0)),
                              _mm512_shuffle_f32x4(v, w, _MM_SHUFFLE(3, 1, 3, 1)));
    }
    // 128-bit lane L: token L in floats 0-1, token 4 + L in floats 2-3; then pairs.
    const __m512 z1 = l2[0], z2 = n2 > 1 ? l2[1] : z1;
    const __m512 l3 = _mm512_add_ps(_mm512_shuffle_ps(z1, z2, _MM_SHUFFLE(1, 0, 1, 0)),
                                    _mm512_shuffle_ps(z1, z2, _MM_SHUFFLE(3, 2, 3, 2)));
    const __m512 q = _mm512_add_ps(l3, _mm512_shuffle_ps(l3, l3, _MM_SHUFFLE(2, 3, 0, 1)));
    _Alignas(64) float sums[16];
    _mm512_store_ps(sums, q);
    UNROLL(8) for (int t = 0; t < NT; t++) out[t] = sums[4 * (t % 4) + 2 * (t / 4)];
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
        if (strip_type(TYPE) && valid == 16) {
            // Strips: eight dpbusd leave each block's whole integer sum in its own lane,
            // so one convert and one FMA a token cover the sixteen blocks.
            UNROLL(2) for (int r = 0; r < ROWS; r++) {
                const uint8_t *wg = w + r * row_bytes + g0 * BS;
                const __m512i halves = group_scales(TYPE, wg, 16);
                const __m512 dw = _mm512_cvtph_ps(_mm512_castsi512_si256(halves));
                const __m512 mw = HAS_M ? _mm512_cvtph_ps(_mm512_extracti64x4_epi64(halves, 1)) : _mm512_setzero_ps();
                __m512i lo[4], hi[4];
                decode_strips(TYPE, wg, lo, hi);
                UNROLL(8) for (int t = 0; t < NT; t++) {
                    const uint8_t *xt = x + t * xstride;
                    const float *xd = (const float *)(xt + nbp * 32) + g0;
                    const __m512 sc = _mm512_mul_ps(dw, _mm512_load_ps(xd));
                    if (HAS_M) acc[r][t] = _mm512_fmadd_ps(mw, _mm512_load_ps(xd + nbp), acc[r][t]);
                    const uint8_t *xq = xt + g0 * 32;
                    __m512i pa = OFFSET ? _mm512_load_si512(xt + nbp * 40 + g0 * 16) : _mm512_setzero_si512();
                    __m512i pb = _mm512_setzero_si512();
                    UNROLL(4) for (int d = 0; d < 4; d++) {
                        pa = _mm512_dpbusd_epi32(pa, lo[d], _mm512_load_si512(xq + 64 * d));
                        pb = _mm512_dpbusd_epi32(pb, hi[d], _mm512_load_si512(xq + 256 + 64 * d));
                    }
                    acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(pa, pb)), sc, acc[r][t]);
                }
            }
            continue;
        }
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
    UNROLL(2) for (int r = 0; r < ROWS; r++) sum_lanes(NT, acc[r], out + r * MAX_NT);
}
