// Matrix products: the kernel instances (one function per weight type, looping over
// rows, dispatching on the token count) and the driver that repacks activations and
// walks rows and tokens in cache-sized groups; vec_dot is its one-row, one-token case.
//
// Part of the x86 kernels: included by x86_template.h, compiled once per CK_LEVEL.

// MARK: - Kernel instances

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

#if CK_VNNI
// One row at a time for the strip types: a row's decoded strips take eight registers.
#define CK_ROWS_KERNEL_STRIPS(name, CALL)                                                                         \
    FN void name(const uint8_t *w, int64_t row_bytes, int64_t rows, const uint8_t *x, int64_t xstride, int nt,  \
                 int64_t n, float *y, int64_t y_stride) {                                                       \
        switch (nt) {                                                                                             \
            CK_ROWS_CASE1(1, CALL)                                                                                \
            CK_ROWS_CASE1(2, CALL)                                                                                \
            CK_ROWS_CASE1(3, CALL)                                                                                \
            CK_ROWS_CASE1(4, CALL)                                                                                \
            CK_ROWS_WIDE(CALL)                                                                                    \
        default: break;                                                                                           \
        }                                                                                                         \
    }
CK_ROWS_KERNEL_STRIPS(rows_q4_0, CALL_Q4_0)
CK_ROWS_KERNEL_STRIPS(rows_q4_1, CALL_Q4_1)
#else
CK_ROWS_KERNEL(rows_q4_0, CALL_Q4_0)
CK_ROWS_KERNEL(rows_q4_1, CALL_Q4_1)
#endif
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

// How a product of one weight type over `tokens` activation rows is walked: the
// kernel, the activation layout it reads, and the tiles of tokens and rows.
typedef struct {
    rows_kernel kernel;
    int repack;        // 0: activations used in place, 1: 32-element blocks, 2: halves to floats
    int max_nt;        // tokens per kernel call
    int64_t row_bytes, input_bytes;
    int64_t tile_stride;  // bytes between the tile's activation rows
    int64_t tile_tokens;  // tokens walked together over a block of rows
    int64_t row_block;    // weight rows per block
} product_plan;

// 0 when this path has no kernel for `type` (the scalar reference computes it).
FN int plan_product(int type, int64_t n, int64_t tokens, product_plan *plan) {
    int repack = 0;
    switch (type) {
    case CK_Q4_0: plan->kernel = rows_q4_0; repack = 1; break;
    case CK_Q4_1: plan->kernel = rows_q4_1; repack = 1; break;
    case CK_Q5_0: plan->kernel = rows_q5_0; repack = 1; break;
    case CK_Q5_1: plan->kernel = rows_q5_1; repack = 1; break;
    case CK_Q8_0: plan->kernel = rows_q8_0; repack = 1; break;
    case CK_Q4_K: plan->kernel = rows_q4_K; break;
    case CK_Q5_K: plan->kernel = rows_q5_K; break;
    case CK_Q6_K: plan->kernel = rows_q6_K; break;
    case CK_F32: plan->kernel = rows_f32; break;
    case CK_F16: plan->kernel = rows_f16; repack = 2; break;
    case CK_BF16: plan->kernel = rows_bf16; repack = 2; break;
    default: return 0;
    }
    plan->repack = repack;
    // Tokens per kernel call: eight where that measured faster (one row at a time),
    // else four (two rows at a time for the 32-element types, sharing the loads).
    plan->max_nt = ((weight_offset(type) && type != CK_Q8_0 && !strip_type(type)) || type == CK_F32 || type == CK_F16 || type == CK_BF16) ? 4 : MAX_NT;
    plan->row_bytes = n / ck_block_size(type) * ck_type_size(type);
    plan->input_bytes = ck_activation_row_bytes(type, n);
    plan->tile_stride = repack == 1 ? packed32_bytes(type, n / 32)
                      : repack == 2 ? ((n * 4 + 63) & ~(int64_t)63)
                                    : plan->input_bytes;
    int64_t tile_tokens = TILE_TARGET_BYTES / (plan->tile_stride > 0 ? plan->tile_stride : 1);
    tile_tokens = tile_tokens < plan->max_nt ? plan->max_nt : tile_tokens / plan->max_nt * plan->max_nt;
    plan->tile_tokens = tile_tokens > tokens ? tokens : tile_tokens;
    const int64_t row_block = ROW_BLOCK_BYTES / (plan->row_bytes > 0 ? plan->row_bytes : 1);
    plan->row_block = row_block < 1 ? 1 : row_block;
    return 1;
}

// Repacks activation rows [first, first + count) into `dst`, rows tile_stride apart.
FN void pack_tokens(int type, const product_plan *plan, const void *activations, int64_t n, int64_t first,
                    int64_t count, uint8_t *dst) {
    for (int64_t t = 0; t < count; t++) {
        const uint8_t *src = (const uint8_t *)activations + (first + t) * plan->input_bytes;
        uint8_t *out = dst + t * plan->tile_stride;
        if (plan->repack == 1) {
            pack32_row(type, src, n / 32, out);
        } else if (type == CK_F16) {
            fp16_to_fp32_row((const uint16_t *)src, (float *)out, n);
        } else {
            for (int64_t i = 0; i < n; i++) ((float *)out)[i] = ck_bf16_to_fp32(((const uint16_t *)src)[i]);
        }
    }
}

// Rows [row_begin, row_end) against the `count` tokens of one tile (rows `stride`
// apart); y points at the tile's first token.
FN void run_tile(const product_plan *plan, const void *weights, int64_t n, int64_t row_begin, int64_t row_end,
                 const uint8_t *tile, int64_t stride, int64_t count, float *y, int64_t y_stride) {
    for (int64_t r0 = row_begin; r0 < row_end; r0 += plan->row_block) {
        const int64_t rows = row_end - r0 < plan->row_block ? row_end - r0 : plan->row_block;
        for (int64_t t = 0; t < count; t += plan->max_nt) {
            const int nt = count - t < plan->max_nt ? (int)(count - t) : plan->max_nt;
            plan->kernel((const uint8_t *)weights + r0 * plan->row_bytes, plan->row_bytes, rows, tile + t * stride,
                         stride, nt, n, y + t * y_stride + r0, y_stride);
        }
    }
}

FN void matmul_rows(int type, const void *weights, int64_t n, int64_t row_begin, int64_t row_end,
                    const void *activations, int64_t tokens, float *y, int64_t y_stride) {
    product_plan plan;
    if (!plan_product(type, n, tokens, &plan)) {
        ck_scalar_matmul_rows(type, weights, n, row_begin, row_end, activations, tokens, y, y_stride);
        return;
    }
    _Alignas(64) uint8_t stack[TILE_STACK_BYTES];
    uint8_t *buffer = NULL, *heap = NULL;
    if (plan.repack) {
        const size_t needed = (size_t)(plan.tile_stride * plan.tile_tokens);
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
    for (int64_t t0 = 0; t0 < tokens; t0 += plan.tile_tokens) {
        const int64_t count = tokens - t0 < plan.tile_tokens ? tokens - t0 : plan.tile_tokens;
        if (plan.repack) {
            pack_tokens(type, &plan, activations, n, t0, count, buffer);
            run_tile(&plan, weights, n, row_begin, row_end, buffer, plan.tile_stride, count, y + t0 * y_stride, y_stride);
        } else {
            run_tile(&plan, weights, n, row_begin, row_end, (const uint8_t *)activations + t0 * plan.input_bytes,
                     plan.input_bytes, count, y + t0 * y_stride, y_stride);
        }
    }
    free(heap);
}

// MARK: - Products with activations packed once (for all the threads of a pool)

// Bytes the packed activations of `tokens` rows take; 0 when the type uses them as
// they are (or has no kernel here), so packing ahead gains nothing.
FN int64_t packed_activation_bytes(int type, int64_t n, int64_t tokens) {
    product_plan plan;
    if (!plan_product(type, n, tokens, &plan) || !plan.repack) return 0;
    return plan.tile_stride * tokens;
}

// Packs `tokens` prepared activation rows into `packed` (64-byte aligned,
// packed_activation_bytes long).
FN void pack_activations(int type, const void *activations, int64_t n, int64_t tokens, void *packed) {
    product_plan plan;
    if (!plan_product(type, n, tokens, &plan) || !plan.repack) return;
    pack_tokens(type, &plan, activations, n, 0, tokens, packed);
}

// matmul_rows over activations packed by pack_activations: the same tiles and kernels,
// so the same bits.
FN void matmul_packed(int type, const void *weights, int64_t n, int64_t row_begin, int64_t row_end,
                      const void *packed, int64_t tokens, float *y, int64_t y_stride) {
    product_plan plan;
    if (row_begin >= row_end || tokens <= 0 || !plan_product(type, n, tokens, &plan) || !plan.repack) return;
    for (int64_t t0 = 0; t0 < tokens; t0 += plan.tile_tokens) {
        const int64_t count = tokens - t0 < plan.tile_tokens ? tokens - t0 : plan.tile_tokens;
        run_tile(&plan, weights, n, row_begin, row_end, (const uint8_t *)packed + t0 * plan.tile_stride,
                 plan.tile_stride, count, y + t0 * y_stride, y_stride);
    }
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
