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
