// Benchmarks of the CKernels paths: matrix products per weight type, activation
// quantizers and attention on one thread, and the matrix products of a SmolLM2-135M
// forward pass on the engine's worker pool. Run by `tools/kernel-harness/run bench`.
#include "harness.h"

void bench(void) {
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
void bench_model(int threads) {
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
