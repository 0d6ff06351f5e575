// The inner loops of the training kernels, written once and compiled three times:
// training.c includes this file with CK_TRAINING_LEVEL 0 (portable scalar), 2 (AVX2 +
// FMA) and 3 (AVX-512), each with its own function-name suffix and target attribute.
// Compiled on its own (as every .c file of the target is), it is empty.
//
// The code is written against a small vector vocabulary (VEC, VW lanes, VLOAD, VFMA,
// …), which is a plain float at level 0, so every level runs the same operations in
// the same order per lane; only the summation order of reductions differs.
#ifdef CK_TRAINING_LEVEL

#if CK_TRAINING_LEVEL == 3
#define TARGET __attribute__((target("avx512f,avx512dq,avx2,fma")))
#define VEC __m512
#define VW 16
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps(p, v)
#define VSET1(x) _mm512_set1_ps(x)
#define VZERO() _mm512_setzero_ps()
#define VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VMUL(a, b) _mm512_mul_ps(a, b)
#define VSUM(v) _mm512_reduce_add_ps(v)
#define SUFFIX(name) name##_avx512
#elif CK_TRAINING_LEVEL == 2
#define TARGET __attribute__((target("avx2,fma")))
#define VEC __m256
#define VW 8
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps(p, v)
#define VSET1(x) _mm256_set1_ps(x)
#define VZERO() _mm256_setzero_ps()
#define VFMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VMUL(a, b) _mm256_mul_ps(a, b)
#define VSUM(v) training_hsum8(v)
#define SUFFIX(name) name##_avx2
TARGET static inline float training_hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#else
#define TARGET
#define VEC float
#define VW 1
#define VLOAD(p) (*(p))
#define VSTORE(p, v) (*(p) = (v))
#define VSET1(x) (x)
#define VZERO() 0.0f
#define VFMA(a, b, c) ((a) * (b) + (c))
#define VMUL(a, b) ((a) * (b))
#define VSUM(v) (v)
#define SUFFIX(name) name##_scalar
#endif

#define KFN static TARGET
#define KINL static inline TARGET __attribute__((always_inline))
// Tokens and vectors of columns per register tile of the transposed product: a tile
// holds TILE_TOKENS × TILE_VECTORS accumulators, and each row of the panel costs
// TILE_VECTORS loads and TILE_TOKENS broadcasts for their multiply-adds, so AVX-512's
// 32 registers take twice the tokens of AVX2's 16.
#if CK_TRAINING_LEVEL == 3
#define TILE_TOKENS 8
#else
#define TILE_TOKENS 4
#endif
#define TILE_VECTORS 2

// Σ a[i] b[i].
KFN float SUFFIX(dot)(const float *a, const float *b, int64_t n) {
    VEC acc0 = VZERO(), acc1 = VZERO();
    int64_t i = 0;
    for (; i + 2 * VW <= n; i += 2 * VW) {
        acc0 = VFMA(VLOAD(a + i), VLOAD(b + i), acc0);
        acc1 = VFMA(VLOAD(a + i + VW), VLOAD(b + i + VW), acc1);
    }
    float sum = VSUM(acc0) + VSUM(acc1);
    for (; i < n; i++) sum += a[i] * b[i];
    return sum;
}

// y[i] += a · x[i].
KFN void SUFFIX(axpy)(float *y, float a, const float *x, int64_t n) {
    const VEC va = VSET1(a);
    int64_t i = 0;
    for (; i + VW <= n; i += VW) VSTORE(y + i, VFMA(va, VLOAD(x + i), VLOAD(y + i)));
    for (; i < n; i++) y[i] += a * x[i];
}

// dx[t][c] += Σ_{r < rows} dy[t][r] · panel[r][c] for `tokens` (≤ TILE_TOKENS) tokens
// and TILE_VECTORS · VW columns: the accumulators stay in registers across the rows.
KINL void SUFFIX(panel_tile)(const float *panel, int64_t panel_stride, int64_t rows, const float *dy,
                             int64_t dy_stride, int tokens, float *dx, int64_t dx_stride) {
    VEC acc[TILE_TOKENS][TILE_VECTORS];
    for (int t = 0; t < TILE_TOKENS; t++)
        for (int v = 0; v < TILE_VECTORS; v++) acc[t][v] = t < tokens ? VLOAD(dx + t * dx_stride + v * VW) : VZERO();
    for (int64_t r = 0; r < rows; r++) {
        VEC w[TILE_VECTORS];
        for (int v = 0; v < TILE_VECTORS; v++) w[v] = VLOAD(panel + r * panel_stride + v * VW);
        for (int t = 0; t < TILE_TOKENS; t++) {
            if (t >= tokens) break;
            const VEC g = VSET1(dy[t * dy_stride + r]);
            for (int v = 0; v < TILE_VECTORS; v++) acc[t][v] = VFMA(g, w[v], acc[t][v]);
        }
    }
    for (int t = 0; t < tokens; t++)
        for (int v = 0; v < TILE_VECTORS; v++) VSTORE(dx + t * dx_stride + v * VW, acc[t][v]);
}

// dx[t][c] += Σ_r dy[t][r] · panel[r][c] for every token and the panel's `columns`
// columns (dx and panel both start at the panel's first column).
KFN void SUFFIX(panel_product)(const float *panel, int64_t panel_stride, int64_t rows, int64_t columns,
                               const float *dy, int64_t dy_stride, int64_t tokens, float *dx, int64_t dx_stride) {
    const int64_t tile = TILE_VECTORS * VW;
    const int64_t full = columns / tile * tile;
    for (int64_t t = 0; t < tokens; t += TILE_TOKENS) {
        const int count = (int)(tokens - t < TILE_TOKENS ? tokens - t : TILE_TOKENS);
        for (int64_t c = 0; c < full; c += tile) {
            if (count == TILE_TOKENS) {
                SUFFIX(panel_tile)(panel + c, panel_stride, rows, dy + t * dy_stride, dy_stride, TILE_TOKENS,
                                   dx + t * dx_stride + c, dx_stride);
            } else {
                SUFFIX(panel_tile)(panel + c, panel_stride, rows, dy + t * dy_stride, dy_stride, count,
                                   dx + t * dx_stride + c, dx_stride);
            }
        }
        for (int64_t c = full; c < columns; c++) {
            for (int u = 0; u < count; u++) {
                float sum = dx[(t + u) * dx_stride + c];
                for (int64_t r = 0; r < rows; r++) sum += dy[(t + u) * dy_stride + r] * panel[r * panel_stride + c];
                dx[(t + u) * dx_stride + c] = sum;
            }
        }
    }
}

// One row of C = alpha · A · B + beta · C with A's row given as `a` (element p at
// a[p · a_step]) and B row-major k × n (rows `ldb` apart).
KFN void SUFFIX(gemm_row)(const float *a, int64_t a_step, const float *b, int64_t ldb, int64_t n, int64_t k,
                          float alpha, float beta, float *c) {
    const int64_t tile = 4 * VW;
    int64_t j = 0;
    for (; j + tile <= n; j += tile) {
        VEC acc[4];
        for (int v = 0; v < 4; v++) acc[v] = beta == 0 ? VZERO() : VMUL(VSET1(beta), VLOAD(c + j + v * VW));
        for (int64_t p = 0; p < k; p++) {
            const VEC s = VSET1(alpha * a[p * a_step]);
            for (int v = 0; v < 4; v++) acc[v] = VFMA(s, VLOAD(b + p * ldb + j + v * VW), acc[v]);
        }
        for (int v = 0; v < 4; v++) VSTORE(c + j + v * VW, acc[v]);
    }
    // Narrow outputs (a rank of 16 is one AVX-512 vector): four chains over p, so the
    // multiply-adds do not wait on each other's latency.
    for (; j + VW <= n; j += VW) {
        VEC acc[4] = {VZERO(), VZERO(), VZERO(), VZERO()};
        int64_t p = 0;
        for (; p + 4 <= k; p += 4) {
            for (int u = 0; u < 4; u++) acc[u] = VFMA(VSET1(alpha * a[(p + u) * a_step]), VLOAD(b + (p + u) * ldb + j), acc[u]);
        }
        for (; p < k; p++) acc[0] = VFMA(VSET1(alpha * a[p * a_step]), VLOAD(b + p * ldb + j), acc[0]);
        VEC sum = VFMA(VSET1(1), acc[0], acc[1]);
        sum = VFMA(VSET1(1), acc[2], sum);
        sum = VFMA(VSET1(1), acc[3], sum);
        if (beta != 0) sum = VFMA(VSET1(beta), VLOAD(c + j), sum);
        VSTORE(c + j, sum);
    }
    for (; j < n; j++) {
        float sum = 0;
        for (int64_t p = 0; p < k; p++) sum += a[p * a_step] * b[p * ldb + j];
        c[j] = alpha * sum + (beta == 0 ? 0 : beta * c[j]);
    }
}

// Rounds of independent multiply-adds on ten accumulators, more than the pipes' latency
// times their count (2 × 4 on current x86), so the rate is the throughput (ck_fma_probe).
KFN int64_t SUFFIX(fma_probe)(int64_t iterations) {
    VEC acc[10];
    for (int i = 0; i < 10; i++) acc[i] = VSET1((float)i);
    const VEC a = VSET1(0.999f), b = VSET1(0.001f);
    for (int64_t n = 0; n < iterations; n++)
        for (int i = 0; i < 10; i++) acc[i] = VFMA(acc[i], a, b);
    float sum = 0;
    for (int i = 0; i < 10; i++) sum += VSUM(acc[i]);
    // Keep the result alive so the loop is not removed.
    volatile float sink = sum;
    (void)sink;
    return iterations * 10 * VW;
}

static const training_table SUFFIX(training_table) = {
    .dot = SUFFIX(dot),
    .axpy = SUFFIX(axpy),
    .panel_product = SUFFIX(panel_product),
    .gemm_row = SUFFIX(gemm_row),
    .fma_probe = SUFFIX(fma_probe),
};

#undef TARGET
#undef VEC
#undef VW
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VZERO
#undef VFMA
#undef VMUL
#undef VSUM
#undef SUFFIX
#undef KFN
#undef KINL
#undef TILE_TOKENS
#undef TILE_VECTORS

#endif
