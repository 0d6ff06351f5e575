// Checks every CKernels path against the scalar reference, and benchmarks them.
//
//   check            all checks on every path this CPU supports (exit status 1 on failure)
//   check bench      micro-benchmarks: matrix products per type and path, quantizers, attention
//   check full       checks, with the fp32 → fp16/bf16 sweep over all 2^32 floats
//   check model      the matrix products of a SmolLM2-135M forward pass on 1 and 2 threads
//
// BENCH_HOT=1 keeps the benchmark matrices in L2 (kernel speed rather than streaming).
//
// Built by tools/kernel-harness/run against Sources/CKernels/*.c, with data.c (random
// data, buffers) and bench.c (the benchmarks).
#include "harness.h"

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

void check_quantizers(void) {
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

void check_dots(void) {
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

void check_matmul(void) {
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

void check_halves(int full) {
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

// ck_attention_head_paged, the engine's attention, on every path against the scalar
// path with the whole cache in one page. The head widths include the wide heads a
// model file may declare (past the 512 kept on the stack, past the 256 the x86 scores
// keep in registers, not a multiple of 8); the page sizes include the engine's (32).
void check_attention(void) {
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

void check_dispatch(void) {
    if (ck_force_kernel_path("no-such-path") != 0) FAIL("an unknown path was accepted");
    if (!ck_force_kernel_path("scalar") || strcmp(ck_kernel_path(), "scalar") != 0) FAIL("cannot force scalar");
    for (int p = 1; p < PATHS; p++) {
        const int ok = ck_force_kernel_path(paths[p]);
        if (ok != path_available[p]) FAIL("force %s returned %d", paths[p], ok);
        if (ok && strcmp(ck_kernel_path(), paths[p]) != 0) FAIL("path %s reported as %s", paths[p], ck_kernel_path());
    }
    ck_force_kernel_path("auto");
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
