// Checks every CKernels path against the scalar reference, and benchmarks them.
//
//   check            all checks on every path this CPU supports (exit status 1 on failure)
//   check bench      micro-benchmarks: matrix products per type and path, quantizers, attention
//   check full       checks, with the fp32 → fp16/bf16 sweep over all 2^32 floats
//   check model      the matrix products of a SmolLM2-135M forward pass on 1 and 2 threads
//
// BENCH_HOT=1 keeps the benchmark matrices in L2 (kernel speed rather than streaming).
//
// Built by tools/kernel-harness/run against Sources/CKernels/*.c.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "ckernels.h"
#include "ck_pool.h"

static const char *const paths[] = {"scalar", "avx2", "avx512"};
enum { PATHS = 3 };

static const struct { int type; const char *name; } types[] = {
    {CK_F32, "F32"}, {CK_F16, "F16"}, {CK_BF16, "BF16"}, {CK_Q4_0, "Q4_0"}, {CK_Q4_1, "Q4_1"},
    {CK_Q5_0, "Q5_0"}, {CK_Q5_1, "Q5_1"}, {CK_Q8_0, "Q8_0"}, {CK_Q4_K, "Q4_K"}, {CK_Q5_K, "Q5_K"},
    {CK_Q6_K, "Q6_K"},
};
enum { TYPES = sizeof types / sizeof types[0] };

static int failures = 0;
#define FAIL(...) do { failures++; if (failures < 40) { printf("FAIL: "); printf(__VA_ARGS__); printf("\n"); } } while (0)

// MARK: - Random data

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_u64(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double uniform(void) { return (next_u64() >> 11) * (1.0 / 9007199254740992.0); }
static float gaussian(void) {
    const double u = uniform() + 1e-12, v = uniform();
    return (float)(sqrt(-2 * log(u)) * cos(6.283185307179586 * v));
}
static void random_bytes(void *p, size_t n) {
    uint8_t *b = p;
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)next_u64();
}

// Activations like a transformer's: mostly gaussian, a few outliers, sometimes zeros.
static void random_activations(float *x, int64_t n) {
    const int style = (int)(next_u64() % 8);
    for (int64_t i = 0; i < n; i++) {
        float v = gaussian();
        if (next_u64() % 97 == 0) v *= 30;
        if (style == 1 && next_u64() % 3 == 0) v = 0;
        if (style == 2) v = (float)((int)(v * 4)) / 4;  // many exact ties
        if (style == 3) v *= 1e-6f;
        x[i] = v;
    }
    if (style == 4 && n >= 32) memset(x, 0, 32 * sizeof(float));  // an all-zero block
}

// A random finite half in ±[2^-14·…, range].
static uint16_t random_scale(float range) {
    const float v = (float)((uniform() * 0.9 + 0.1) * range) * (next_u64() & 1 ? 1 : -1);
    return ck_fp32_to_fp16(v);
}

// Random weight rows of `type`: random quants, finite scales.
static void random_weights(int type, void *dst, int64_t n, int64_t rows) {
    const int64_t row_bytes = n / ck_block_size(type) * ck_type_size(type);
    uint8_t *p = dst;
    random_bytes(p, (size_t)(row_bytes * rows));
    const int64_t total = row_bytes * rows;
    switch (type) {
    case CK_F32:
        for (int64_t i = 0; i < n * rows; i++) ((float *)dst)[i] = gaussian() * 0.05f;
        break;
    case CK_F16:
        for (int64_t i = 0; i < n * rows; i++) ((uint16_t *)dst)[i] = ck_fp32_to_fp16(gaussian() * 0.05f);
        break;
    case CK_BF16:
        for (int64_t i = 0; i < n * rows; i++) ((uint16_t *)dst)[i] = ck_fp32_to_bf16(gaussian() * 0.05f);
        break;
    case CK_Q4_0: case CK_Q5_0: case CK_Q8_0: {
        const int64_t bs = ck_type_size(type);
        for (int64_t o = 0; o < total; o += bs) { uint16_t d = random_scale(0.01f); memcpy(p + o, &d, 2); }
        break;
    }
    case CK_Q4_1: case CK_Q5_1: {
        const int64_t bs = ck_type_size(type);
        for (int64_t o = 0; o < total; o += bs) {
            uint16_t d = random_scale(0.01f), m = random_scale(0.1f);
            memcpy(p + o, &d, 2);
            memcpy(p + o + 2, &m, 2);
        }
        break;
    }
    case CK_Q4_K: case CK_Q5_K: {
        const int64_t bs = ck_type_size(type);
        for (int64_t o = 0; o < total; o += bs) {
            uint16_t d = random_scale(0.002f), m = random_scale(0.002f);
            memcpy(p + o, &d, 2);
            memcpy(p + o + 2, &m, 2);
        }
        break;
    }
    case CK_Q6_K: {
        const int64_t bs = ck_type_size(type);
        for (int64_t o = 0; o < total; o += bs) { uint16_t d = random_scale(0.001f); memcpy(p + o + 208, &d, 2); }
        break;
    }
    }
}

static void *xmalloc(size_t n) {
    void *p = malloc(n + 64);
    if (!p) { fprintf(stderr, "out of memory\n"); exit(2); }
    return p;
}

// `size` bytes that end right before an unreadable page, so any read past the end faults.
typedef struct { void *map; size_t length; } guarded;
static void *guarded_alloc(size_t size, guarded *g) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t pages = (size + page - 1) / page + 1;
    g->length = pages * page;
    g->map = mmap(NULL, g->length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g->map == MAP_FAILED) { fprintf(stderr, "mmap failed\n"); exit(2); }
    mprotect((uint8_t *)g->map + (pages - 1) * page, page, PROT_NONE);
    return (uint8_t *)g->map + (pages - 1) * page - size;
}
static void guarded_free(guarded *g) { munmap(g->map, g->length); }

// MARK: - Reference magnitudes

// Dequantized activation row (for error bounds only).
static void dequantize_activations(int type, const void *src, float *dst, int64_t n) {
    const uint8_t *p = src;
    switch (type) {
    case CK_F32: memcpy(dst, src, (size_t)n * 4); break;
    case CK_F16: for (int64_t i = 0; i < n; i++) dst[i] = ck_fp16_to_fp32(((const uint16_t *)src)[i]); break;
    case CK_BF16: for (int64_t i = 0; i < n; i++) dst[i] = ck_bf16_to_fp32(((const uint16_t *)src)[i]); break;
    case CK_Q4_0: case CK_Q5_0: case CK_Q8_0:
        for (int64_t b = 0; b < n / 32; b++, p += 34) {
            uint16_t d; memcpy(&d, p, 2);
            for (int j = 0; j < 32; j++) dst[b * 32 + j] = ck_fp16_to_fp32(d) * (int8_t)p[2 + j];
        }
        break;
    case CK_Q4_1: case CK_Q5_1:
        for (int64_t b = 0; b < n / 32; b++, p += 36) {
            uint16_t d; memcpy(&d, p, 2);
            for (int j = 0; j < 32; j++) dst[b * 32 + j] = ck_fp16_to_fp32(d) * (int8_t)p[4 + j];
        }
        break;
    default:
        for (int64_t b = 0; b < n / 256; b++, p += 292) {
            float d; memcpy(&d, p, 4);
            for (int j = 0; j < 256; j++) dst[b * 256 + j] = d * (int8_t)p[4 + j];
        }
        break;
    }
}

// Σ |w_i · x_i|: the scale of a dot product's rounding error.
static double magnitude(int type, const void *w, const void *x, int64_t n, float *wf, float *xf) {
    ck_dequantize_row(type, w, wf, n);
    dequantize_activations(type, x, xf, n);
    double m = 0;
    for (int64_t i = 0; i < n; i++) m += fabs((double)wf[i] * xf[i]);
    return m;
}

// MARK: - Checks

static int path_available[PATHS];

static void check_quantizers(void) {
    const int64_t sizes[] = {256, 512, 1536, 2816, 256 * 17};
    for (int s = 0; s < 5; s++) {
        const int64_t n = sizes[s];
        float *x = xmalloc((size_t)n * 4);
        for (int rep = 0; rep < 40; rep++) {
            random_activations(x, n);
            for (int ti = 0; ti < TYPES; ti++) {
                const int type = types[ti].type;
                const int64_t bytes = ck_activation_row_bytes(type, n);
                uint8_t *ref = xmalloc((size_t)bytes), *got = xmalloc((size_t)bytes + 1);
                ck_force_kernel_path("scalar");
                ck_prepare_activation_row(type, x, ref, n);
                for (int p = 1; p < PATHS; p++) {
                    if (!path_available[p]) continue;
                    ck_force_kernel_path(paths[p]);
                    memset(got, 0xAA, (size_t)bytes + 1);
                    ck_prepare_activation_row(type, x, got + 1, n);  // unaligned on purpose
                    if (memcmp(ref, got + 1, (size_t)bytes) != 0) {
                        int64_t at = 0;
                        while (((uint8_t *)ref)[at] == got[1 + at]) at++;
                        FAIL("prepare %s %s n=%lld: bytes differ at %lld", types[ti].name, paths[p], (long long)n,
                             (long long)at);
                    }
                }
                free(ref);
                free(got);
            }
        }
        free(x);
    }
    printf("quantizers (q8_0, q8_1, q8_K, f16, bf16 rows): byte-identical check done\n");
}

static double worst_dot_error[PATHS][TYPES];

static void check_dots(void) {
    for (int ti = 0; ti < TYPES; ti++) {
        const int type = types[ti].type;
        const int64_t bs = ck_block_size(type) == 1 ? 8 : ck_block_size(type);
        for (int rep = 0; rep < 120; rep++) {
            int64_t blocks = 1 + (int64_t)(next_u64() % (bs == 256 ? 24 : 160));
            if (bs == 8) blocks = 1 + (int64_t)(next_u64() % 700);
            int64_t n = blocks * bs;
            if (bs == 8 && rep % 3 == 0) n += (int64_t)(next_u64() % 8);  // float rows of any length
            const int64_t row_bytes = n / ck_block_size(type) * ck_type_size(type);
            // Weights end at an unreadable page: kernels must not read past a row.
            guarded wguard;
            uint8_t *w = guarded_alloc((size_t)row_bytes + 2, &wguard);
            random_weights(type, w + 2, n, 1);
            float *x = xmalloc((size_t)n * 4), *wf = xmalloc((size_t)n * 4), *xf = xmalloc((size_t)n * 4);
            random_activations(x, n);
            const int64_t abytes = ck_activation_row_bytes(type, n);
            guarded aguard;
            uint8_t *a = guarded_alloc((size_t)abytes + 4, &aguard);
            ck_force_kernel_path("scalar");
            ck_prepare_activation_row(type, x, a + 4, n);
            const float ref = ck_vec_dot(type, w + 2, a + 4, n);
            const double mag = magnitude(type, w + 2, a + 4, n, wf, xf);
            for (int p = 1; p < PATHS; p++) {
                if (!path_available[p]) continue;
                ck_force_kernel_path(paths[p]);
                const float got = ck_vec_dot(type, w + 2, a + 4, n);
                const double err = fabs((double)got - ref) / (mag + fabs(ref) + 1e-30);
                if (err > worst_dot_error[p][ti]) worst_dot_error[p][ti] = err;
                if (!(err <= 1e-5)) {
                    FAIL("vec_dot %s %s n=%lld: %.9g vs scalar %.9g (relative to magnitude %.3g: %.3g)", types[ti].name,
                         paths[p], (long long)n, got, ref, mag, err);
                }
            }
            guarded_free(&wguard); free(x); free(wf); free(xf); guarded_free(&aguard);
        }
    }
    printf("vec_dot vs scalar (error / (Σ|w·x| + |dot|), limit 1e-5):\n");
    for (int p = 1; p < PATHS; p++) {
        if (!path_available[p]) continue;
        printf("  %-7s", paths[p]);
        for (int ti = 0; ti < TYPES; ti++) printf(" %s %.1e", types[ti].name, worst_dot_error[p][ti]);
        printf("\n");
    }
}

static void check_matmul(void) {
    const int token_counts[] = {1, 2, 3, 4, 5, 7, 8, 13};
    for (int ti = 0; ti < TYPES; ti++) {
        const int type = types[ti].type;
        const int64_t n = ck_block_size(type) == 256 ? 768 : 576 + (type == CK_F32 ? 3 : 0);
        const int64_t rows = 37;
        const int64_t row_bytes = n / ck_block_size(type) * ck_type_size(type);
        guarded wguard, aguard;
        uint8_t *w = guarded_alloc((size_t)(row_bytes * rows), &wguard);
        random_weights(type, w, n, rows);
        const int64_t abytes = ck_activation_row_bytes(type, n);
        float *x = xmalloc((size_t)(n * 13) * 4);
        uint8_t *a = guarded_alloc((size_t)(abytes * 13), &aguard);
        for (int t = 0; t < 13; t++) random_activations(x + t * n, n);
        ck_force_kernel_path("scalar");
        for (int t = 0; t < 13; t++) ck_prepare_activation_row(type, x + t * n, a + t * abytes, n);
        float *y = xmalloc(sizeof(float) * 13 * 50), *ref = xmalloc(sizeof(float) * 13 * 50);
        for (int p = 0; p < PATHS; p++) {
            if (!path_available[p]) continue;
            ck_force_kernel_path(paths[p]);
            for (int c = 0; c < 8; c++) {
                const int tokens = token_counts[c];
                const int64_t begin = 3, end = 3 + (c % 2 ? rows - 3 : 17);
                for (int i = 0; i < 13 * 50; i++) y[i] = -12345.f;
                ck_matmul_rows(type, w, n, begin, end, a, tokens, y, 50);
                for (int t = 0; t < tokens; t++) {
                    for (int64_t r = 0; r < 50; r++) {
                        const float got = y[t * 50 + r];
                        if (r < begin || r >= end) {
                            if (got != -12345.f) FAIL("matmul %s %s wrote outside its rows", types[ti].name, paths[p]);
                            continue;
                        }
                        const float dot = ck_vec_dot(type, w + r * row_bytes, a + t * abytes, n);
                        if (memcmp(&got, &dot, 4) != 0) {
                            FAIL("matmul %s %s tokens=%d t=%d r=%lld: %.9g but vec_dot %.9g", types[ti].name, paths[p],
                                 tokens, t, (long long)r, got, dot);
                        }
                        ref[t * 50 + r] = dot;
                    }
                }
            }
        }
        guarded_free(&wguard); free(x); guarded_free(&aguard); free(y); free(ref);
    }
    printf("matmul rows (tokens 1,2,3,4,5,7,8,13): equal to the same path's vec_dot, bit for bit: check done\n");
}

static void check_halves(int full) {
    uint16_t *h = xmalloc(65536 * 2);
    float *ref = xmalloc(65536 * 4), *got = xmalloc(65536 * 4 + 4);
    for (int i = 0; i < 65536; i++) h[i] = (uint16_t)i;
    ck_force_kernel_path("scalar");
    ck_fp16_to_fp32_row(h, ref, 65536);
    for (int p = 1; p < PATHS; p++) {
        if (!path_available[p]) continue;
        ck_force_kernel_path(paths[p]);
        ck_fp16_to_fp32_row(h, got + 1, 65536);
        if (memcmp(ref, got + 1, 65536 * 4) != 0) FAIL("fp16_to_fp32_row %s differs", paths[p]);
    }
    // fp32 → fp16: ties and neighbours of every half, a strided sweep, specials.
    const int64_t count = 65536 * 5 + 600000;
    float *f = xmalloc((size_t)count * 4);
    int64_t k = 0;
    for (uint32_t i = 0; i < 65536; i++) {
        const float a = ck_fp16_to_fp32((uint16_t)i), b = ck_fp16_to_fp32((uint16_t)(i + 1));
        const float mid = (a + b) / 2;  // exact in float for finite neighbours
        f[k++] = a;
        f[k++] = mid;
        f[k++] = nextafterf(mid, INFINITY);
        f[k++] = nextafterf(mid, -INFINITY);
        f[k++] = nextafterf(a, 0);
    }
    for (uint64_t bits = 0; k < count; bits += 7159) {
        const uint32_t u = (uint32_t)(bits * 2654435761u);
        memcpy(&f[k++], &u, 4);
    }
    uint16_t *href = xmalloc((size_t)count * 2), *hgot = xmalloc((size_t)count * 2 + 2);
    ck_force_kernel_path("scalar");
    ck_fp32_to_fp16_row(f, href, count);
    for (int p = 1; p < PATHS; p++) {
        if (!path_available[p]) continue;
        ck_force_kernel_path(paths[p]);
        ck_fp32_to_fp16_row(f, hgot + 1, count);
        if (memcmp(href, hgot + 1, (size_t)count * 2) != 0) {
            int64_t at = 0;
            while (href[at] == hgot[1 + at]) at++;
            uint32_t u; memcpy(&u, &f[at], 4);
            FAIL("fp32_to_fp16_row %s: float 0x%08x gives 0x%04x, scalar 0x%04x", paths[p], u, hgot[1 + at], href[at]);
        }
    }
    // bf16 through ck_prepare_activation_row(CK_BF16).
    ck_force_kernel_path("scalar");
    ck_prepare_activation_row(CK_BF16, f, href, count);
    for (int p = 1; p < PATHS; p++) {
        if (!path_available[p]) continue;
        ck_force_kernel_path(paths[p]);
        ck_prepare_activation_row(CK_BF16, f, hgot + 1, count);
        if (memcmp(href, hgot + 1, (size_t)count * 2) != 0) FAIL("fp32_to_bf16 row %s differs", paths[p]);
    }
    if (full) {
        // Every float, in chunks.
        const int64_t chunk = 1 << 24;
        float *c = xmalloc((size_t)chunk * 4);
        uint16_t *r16 = xmalloc((size_t)chunk * 2), *g16 = xmalloc((size_t)chunk * 2);
        for (uint64_t base = 0; base < (1ull << 32); base += (uint64_t)chunk) {
            for (int64_t i = 0; i < chunk; i++) { uint32_t u = (uint32_t)(base + (uint64_t)i); memcpy(&c[i], &u, 4); }
            for (int kind = 0; kind < 2; kind++) {
                ck_force_kernel_path("scalar");
                if (kind == 0) ck_fp32_to_fp16_row(c, r16, chunk); else ck_prepare_activation_row(CK_BF16, c, r16, chunk);
                for (int p = 1; p < PATHS; p++) {
                    if (!path_available[p]) continue;
                    ck_force_kernel_path(paths[p]);
                    if (kind == 0) ck_fp32_to_fp16_row(c, g16, chunk); else ck_prepare_activation_row(CK_BF16, c, g16, chunk);
                    if (memcmp(r16, g16, (size_t)chunk * 2) != 0) {
                        FAIL("%s %s differs in chunk 0x%08llx", kind ? "bf16" : "fp16", paths[p], (unsigned long long)base);
                    }
                }
            }
        }
        free(c); free(r16); free(g16);
        printf("fp32 -> fp16/bf16 over all 2^32 floats: check done\n");
    }
    free(h); free(ref); free(got); free(f); free(href); free(hgot);
    printf("fp16 -> fp32 (all 65536 halves), fp32 -> fp16 and bf16 (%lld floats incl. every tie): check done\n",
           (long long)count);
}

// The cache pages of a contiguous buffer: page i starts at row i·page_size.
static const uint16_t **pages_of(const uint16_t *rows, int64_t stride, int64_t page_size, int64_t positions) {
    const int64_t count = (positions + page_size - 1) / page_size;
    const uint16_t **pages = xmalloc((size_t)count * sizeof *pages);
    for (int64_t i = 0; i < count; i++) pages[i] = rows + i * page_size * stride;
    return pages;
}

// ck_attention_head_paged, the engine's attention, on every path against the scalar
// path with the whole cache in one page. The head widths include the wide heads a
// model file may declare (past the 512 kept on the stack, past the 256 the x86 scores
// keep in registers, not a multiple of 8); the page sizes include the engine's (32).
static void check_attention(void) {
    const int64_t dims[] = {64, 128, 80, 40, 37, 256, 264, 513, 640, 1024};
    const int64_t positions_list[] = {1, 2, 7, 64, 300, 1025};
    const int64_t page_sizes[] = {32, 7, 1 << 20};  // the last: one page
    enum { DIMS = sizeof dims / sizeof dims[0], POSITIONS = sizeof positions_list / sizeof positions_list[0],
           PAGE_SIZES = sizeof page_sizes / sizeof page_sizes[0] };
    double worst[PATHS] = {0};
    for (int di = 0; di < DIMS; di++) {
        for (int pi = 0; pi < POSITIONS; pi++) {
            const int64_t head_dim = dims[di], positions = positions_list[pi], stride = head_dim * 3 + 5;
            uint16_t *k = xmalloc((size_t)(stride * positions) * 2), *v = xmalloc((size_t)(stride * positions) * 2);
            for (int64_t i = 0; i < stride * positions; i++) {
                k[i] = ck_fp32_to_fp16(gaussian());
                v[i] = ck_fp32_to_fp16(gaussian());
            }
            float *q = xmalloc((size_t)head_dim * 4), *ref = xmalloc((size_t)head_dim * 4);
            float *got = xmalloc((size_t)head_dim * 4), *scores = xmalloc((size_t)positions * 4);
            for (int64_t i = 0; i < head_dim; i++) q[i] = gaussian() * 0.5f;
            const uint16_t **one_k = pages_of(k, stride, positions, positions), **one_v = pages_of(v, stride, positions, positions);
            ck_force_kernel_path("scalar");
            ck_attention_head_paged(q, one_k, one_v, positions, stride, head_dim, positions, 0.125f, scores, ref);
            // The weights the reference used, for the error scale: Σ_p w_p |v_p,i|.
            double *scale = calloc((size_t)head_dim, sizeof(double));
            for (int64_t p = 0; p < positions; p++) {
                for (int64_t i = 0; i < head_dim; i++) scale[i] += fabs(scores[p] * ck_fp16_to_fp32(v[p * stride + i]));
            }
            for (int g = 0; g < PAGE_SIZES; g++) {
                const int64_t page_size = page_sizes[g];
                const uint16_t **kp = pages_of(k, stride, page_size, positions), **vp = pages_of(v, stride, page_size, positions);
                for (int p = 0; p < PATHS; p++) {
                    if (!path_available[p]) continue;
                    ck_force_kernel_path(paths[p]);
                    ck_attention_head_paged(q, kp, vp, page_size, stride, head_dim, positions, 0.125f, scores, got);
                    for (int64_t i = 0; i < head_dim; i++) {
                        // The scalar path walks positions in order whatever the paging: equal bits.
                        const double err = fabs((double)got[i] - ref[i]) / (scale[i] + 1e-30);
                        if (err > worst[p]) worst[p] = err;
                        if (p == 0 ? memcmp(&got[i], &ref[i], 4) != 0 : !(err <= 1e-5)) {
                            FAIL("attention %s head_dim=%lld positions=%lld page=%lld i=%lld: %.9g vs %.9g (err %.3g)",
                                 paths[p], (long long)head_dim, (long long)positions, (long long)page_size,
                                 (long long)i, got[i], ref[i], err);
                        }
                    }
                }
                free(kp); free(vp);
            }
            free(one_k); free(one_v);
            free(k); free(v); free(q); free(ref); free(got); free(scores); free(scale);
        }
    }
    printf("attention (paged) vs scalar (error / Σ_p w_p·|v_p|, limit 1e-5; scalar equal under any paging):");
    for (int p = 1; p < PATHS; p++) if (path_available[p]) printf(" %s %.1e", paths[p], worst[p]);
    printf("\n");
}

static void check_dispatch(void) {
    if (ck_force_kernel_path("no-such-path") != 0) FAIL("an unknown path was accepted");
    if (!ck_force_kernel_path("scalar") || strcmp(ck_kernel_path(), "scalar") != 0) FAIL("cannot force scalar");
    for (int p = 1; p < PATHS; p++) {
        const int ok = ck_force_kernel_path(paths[p]);
        if (ok != path_available[p]) FAIL("force %s returned %d", paths[p], ok);
        if (ok && strcmp(ck_kernel_path(), paths[p]) != 0) FAIL("path %s reported as %s", paths[p], ck_kernel_path());
    }
    ck_force_kernel_path("auto");
}

// MARK: - Benchmarks

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void bench(void) {
    const struct { int64_t rows, n; } shapes[] = {{1536, 576}, {576, 1536}};
    printf("\nmatrix products, one thread: GB/s of weights streamed (GOP/s)\n");
    printf("%-6s %-11s", "type", "shape");
    for (int p = 0; p < PATHS; p++) if (path_available[p]) printf(" | %-7s 1 tok         8 tok        ", paths[p]);
    printf("\n");
    for (int ti = 0; ti < TYPES; ti++) {
        const int type = types[ti].type;
        for (int s = 0; s < 2; s++) {
            const int64_t rows = shapes[s].rows, n = shapes[s].n;
            if (n % ck_block_size(type)) continue;
            const int64_t row_bytes = n / ck_block_size(type) * ck_type_size(type);
            // Several copies of the matrix so one token's product streams from memory, as in generation.
            // (BENCH_HOT=1: one copy, so the weights stay in L2: the kernels' own speed.)
            const int copies = getenv("BENCH_HOT") ? 1 : (int)(64 * 1024 * 1024 / (row_bytes * rows)) + 1;
            uint8_t *w = xmalloc((size_t)(row_bytes * rows * copies));
            random_weights(type, w, n, rows * copies);
            const int64_t abytes = ck_activation_row_bytes(type, n);
            float *x = xmalloc((size_t)(n * 8) * 4);
            uint8_t *a = xmalloc((size_t)(abytes * 8));
            float *y = xmalloc((size_t)(rows * 8) * 4);
            for (int t = 0; t < 8; t++) random_activations(x + t * n, n);
            printf("%-6s %5lldx%-5lld", types[ti].name, (long long)rows, (long long)n);
            for (int p = 0; p < PATHS; p++) {
                if (!path_available[p]) continue;
                ck_force_kernel_path(paths[p]);
                for (int t = 0; t < 8; t++) ck_prepare_activation_row(type, x + t * n, a + t * abytes, n);
                for (int tk = 0; tk < 2; tk++) {
                    const int tokens = tk ? 8 : 1;
                    int iterations = 0;
                    const double start = now();
                    double elapsed;
                    do {
                        const uint8_t *m = w + (size_t)(iterations % copies) * (size_t)(row_bytes * rows);
                        ck_matmul_rows(type, m, n, 0, rows, a, tokens, y, rows);
                        iterations++;
                        elapsed = now() - start;
                    } while (elapsed < (p == 0 ? 0.25 : 0.4));
                    const double per = elapsed / iterations;
                    printf(" | %6.1f (%6.1f)", row_bytes * rows / per * 1e-9, 2.0 * rows * n * tokens / per * 1e-9);
                }
            }
            printf("\n");
            free(w); free(x); free(a); free(y);
        }
    }

    printf("\nactivation quantizers, 1536 floats per row: ns per row\n");
    {
        const int64_t n = 1536;
        float *x = xmalloc(n * 4);
        random_activations(x, n);
        uint8_t *buf = xmalloc(8192);
        const int kinds[] = {CK_Q8_0, CK_Q4_1, CK_Q4_K, CK_F16};
        const char *names[] = {"q8_0", "q8_1", "q8_K", "f16"};
        for (int kk = 0; kk < 4; kk++) {
            printf("  %-5s", names[kk]);
            for (int p = 0; p < PATHS; p++) {
                if (!path_available[p]) continue;
                ck_force_kernel_path(paths[p]);
                const int reps = 20000;
                const double start = now();
                for (int r = 0; r < reps; r++) ck_prepare_activation_row(kinds[kk], x, buf, n);
                printf("  %s %7.0f", paths[p], (now() - start) / reps * 1e9);
            }
            printf("\n");
        }
        free(x); free(buf);
    }

    printf("\nattention head (head_dim 64, 512 positions, pages of 32): us per head\n  ");
    {
        const int64_t head_dim = 64, positions = 512, stride = 192, page_size = 32;
        uint16_t *k = xmalloc((size_t)(stride * positions) * 2), *v = xmalloc((size_t)(stride * positions) * 2);
        for (int64_t i = 0; i < stride * positions; i++) { k[i] = ck_fp32_to_fp16(gaussian()); v[i] = ck_fp32_to_fp16(gaussian()); }
        const uint16_t **kp = pages_of(k, stride, page_size, positions), **vp = pages_of(v, stride, page_size, positions);
        float q[64], out[64], *scores = xmalloc(positions * 4);
        for (int i = 0; i < 64; i++) q[i] = gaussian();
        for (int p = 0; p < PATHS; p++) {
            if (!path_available[p]) continue;
            ck_force_kernel_path(paths[p]);
            const int reps = 2000;
            const double start = now();
            for (int r = 0; r < reps; r++) {
                ck_attention_head_paged(q, kp, vp, page_size, stride, head_dim, positions, 0.125f, scores, out);
            }
            printf("  %s %7.2f", paths[p], (now() - start) / reps * 1e6);
        }
        printf("\n");
        free(kp); free(vp); free(k); free(v); free(scores);
    }
}


// The matrix products of one forward pass of SmolLM2-135M (Q4_1 layers, Q8_0 tied
// output) on the engine's worker pool: generation (1 token) and a prompt batch.
static void bench_model(int threads) {
    enum { LAYERS = 30, HIDDEN = 576, FFN = 1536, KV = 192, VOCAB = 49152 };
    const struct { int64_t rows, n; } shapes[] = {{HIDDEN, HIDDEN}, {KV, HIDDEN}, {KV, HIDDEN}, {HIDDEN, HIDDEN},
                                                  {FFN, HIDDEN}, {FFN, HIDDEN}, {HIDDEN, FFN}};
    const int per_layer = 7;
    uint8_t *weights[LAYERS * 7];
    for (int l = 0; l < LAYERS; l++) {
        for (int m = 0; m < per_layer; m++) {
            const int64_t bytes = shapes[m].rows * (shapes[m].n / 32) * 20;
            weights[l * per_layer + m] = xmalloc((size_t)bytes);
            random_weights(CK_Q4_1, weights[l * per_layer + m], shapes[m].n, shapes[m].rows);
        }
    }
    uint8_t *output = xmalloc((size_t)VOCAB * (HIDDEN / 32) * 34);
    random_weights(CK_Q8_0, output, HIDDEN, VOCAB);
    const int max_tokens = 64;
    float *x = xmalloc((size_t)max_tokens * FFN * 4), *y = xmalloc((size_t)max_tokens * VOCAB * 4);
    uint8_t *a = xmalloc((size_t)max_tokens * FFN * 2);
    for (int64_t i = 0; i < (int64_t)max_tokens * FFN; i++) x[i] = gaussian();
    ck_pool *pool = ck_pool_create(threads);
    printf("\nSmolLM2-135M Q4_1 matrix products (%.0f MiB of weights), %d threads, worker pool:\n",
           (LAYERS * (2 * 576 * 576 + 2 * 192 * 576 + 3 * 1536 * 576) / 32 * 20 + VOCAB * 18 * 34) / 1048576.0, threads);
    for (int p = 0; p < PATHS; p++) {
        if (!path_available[p]) continue;
        ck_force_kernel_path(paths[p]);
        printf("  %-7s", paths[p]);
        const int batches[] = {1, 64};
        for (int bi = 0; bi < 2; bi++) {
            const int tokens = batches[bi];
            int passes = 0;
            const double start = now();
            double elapsed;
            do {
                for (int l = 0; l < LAYERS; l++) {
                    for (int m = 0; m < per_layer; m++) {
                        const int64_t n = shapes[m].n, rows = shapes[m].rows;
                        const int64_t abytes = ck_activation_row_bytes(CK_Q4_1, n);
                        if (m == 0 || m == 3 || m == 4 || m == 6) {  // a new input: quantize it
                            for (int t = 0; t < tokens; t++) ck_prepare_activation_row(CK_Q4_1, x + t * n, a + t * abytes, n);
                        }
                        ck_pool_matmul(pool, CK_Q4_1, weights[l * per_layer + m], n, rows, a, tokens, y, rows);
                    }
                }
                // Logits of the last token only.
                ck_prepare_activation_row(CK_Q8_0, x, a, HIDDEN);
                ck_pool_matmul(pool, CK_Q8_0, output, HIDDEN, VOCAB, a, 1, y, VOCAB);
                passes++;
                elapsed = now() - start;
            } while (elapsed < (p == 0 ? 1.0 : 2.0) && !(p == 0 && passes >= 1));
            const double per_pass = elapsed / passes;
            printf("  %3d token%s: %7.2f ms/pass = %7.1f tokens/s", tokens, tokens > 1 ? "s" : " ", per_pass * 1e3,
                   tokens / per_pass);
        }
        printf("\n");
    }
    ck_pool_destroy(pool);
    for (int i = 0; i < LAYERS * per_layer; i++) free(weights[i]);
    free(output); free(x); free(y); free(a);
}

int main(int argc, char **argv) {
    const int do_bench = argc > 1 && strcmp(argv[1], "bench") == 0;
    const int full = argc > 1 && strcmp(argv[1], "full") == 0;
    printf("default kernel path: %s\n", ck_kernel_path());
    for (int p = 0; p < PATHS; p++) path_available[p] = ck_kernel_path_supported(paths[p]);
    printf("paths available:");
    for (int p = 0; p < PATHS; p++) if (path_available[p]) printf(" %s", paths[p]);
    printf("\n");
    if (do_bench) {
        bench();
        bench_model(1);
        bench_model(2);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "model") == 0) {
        bench_model(1);
        bench_model(2);
        return 0;
    }
    check_dispatch();
    check_quantizers();
    check_dots();
    check_matmul();
    check_halves(full);
    check_attention();
    ck_force_kernel_path("auto");
    if (failures) {
        printf("%d FAILURES\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
