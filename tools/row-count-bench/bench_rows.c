// Matrix products over a few token rows (batched decoding): the matrix products of one
// SmolLM2-135M forward pass (30 layers of Q4_1 matrices, the tied Q8_0 output matrix)
// for N = 1…8 tokens at once on the engine's worker pool, and each matrix shape alone.
//
//   bench_rows [threads] [weight type of the layers: q4_1|q8_0|q4_K] [seconds per case]
//
// Prints the kernel speed first (one thread, one 1536-row matrix kept in cache, ns per
// row and token; HOT_ONLY=1 stops there), then, per N, milliseconds a pass and the cost
// of a pass relative to N = 1 (the per-row efficiency batched decoding depends on), then
// a breakdown by matrix shape. Each figure is the best of 40 rounds: other processes on
// the machine only ever slow a round down.
// Built and run by tools/row-count-bench/run against Sources/CKernels/*.c.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ck_pool.h"
#include "ckernels.h"

enum { LAYERS = 30, HIDDEN = 576, FFN = 1536, KV = 192, VOCAB = 49152, MAX_TOKENS = 8, SHAPES = 7 };

static const struct { int64_t rows, n; const char *name; } shapes[SHAPES] = {
    {HIDDEN, HIDDEN, "q"}, {KV, HIDDEN, "k"}, {KV, HIDDEN, "v"}, {HIDDEN, HIDDEN, "o"},
    {FFN, HIDDEN, "gate"}, {FFN, HIDDEN, "up"}, {HIDDEN, FFN, "down"}};

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next_u64(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static float gaussian(void) {
    float s = 0;
    for (int i = 0; i < 4; i++) s += (float)((next_u64() >> 11) * (1.0 / 9007199254740992.0)) - 0.5f;
    return s * 1.7f;
}
// Wall-clock seconds; CPU seconds of the calling thread when `cpu_clock` is set (one-thread
// measurements then ignore time spent descheduled by other processes).
static int cpu_clock;
static double now(void) {
    struct timespec ts;
    clock_gettime(cpu_clock ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}
static void *xmalloc(size_t n) {
    void *p = aligned_alloc(64, (n + 63) & ~(size_t)63);
    if (!p) { fprintf(stderr, "out of memory\n"); exit(2); }
    return p;
}

// Weights quantized from random floats (valid scales, any quants), as a model file has.
static uint8_t *random_matrix(int type, int64_t rows, int64_t n) {
    const int64_t row_bytes = n / ck_block_size(type) * ck_type_size(type);
    uint8_t *w = xmalloc((size_t)(rows * row_bytes));
    // A few distinct rows quantized properly, copied around: realistic blocks, fast set-up.
    float *x = xmalloc((size_t)n * 4);
    uint8_t *a = xmalloc((size_t)ck_activation_row_bytes(type, n));
    for (int64_t r = 0; r < rows; r++) {
        if (r < 16) {
            for (int64_t i = 0; i < n; i++) x[i] = gaussian() * 0.05f;
            // The activation quantizers write the same block shapes as Q8_0/K weights; for
            // Q4_1 set the bytes at random and fix the scales.
            for (int64_t i = 0; i < row_bytes; i++) w[r * row_bytes + i] = (uint8_t)next_u64();
            const int64_t bs = ck_type_size(type);
            for (int64_t o = 0; o < row_bytes; o += bs) {
                const uint16_t d = ck_fp32_to_fp16(0.001f + 0.01f * (float)((next_u64() % 1000) / 1000.0));
                if (type == CK_Q4_K) {
                    memcpy(w + r * row_bytes + o, &d, 2);
                    memcpy(w + r * row_bytes + o + 2, &d, 2);
                } else {
                    memcpy(w + r * row_bytes + o, &d, 2);
                    if (type == CK_Q4_1) memcpy(w + r * row_bytes + o + 2, &d, 2);
                }
            }
        } else {
            memcpy(w + r * row_bytes, w + (r % 16) * row_bytes, (size_t)row_bytes);
        }
    }
    free(x);
    free(a);
    return w;
}

typedef struct {
    int layer_type;
    uint8_t *weights[LAYERS * SHAPES];
    uint8_t *output;
    float *x, *y;
    uint8_t *a;
} model;

// One matrix product of `tokens` rows, activations prepared first (as the engine does).
static void product(ck_pool *pool, int type, const uint8_t *w, int64_t rows, int64_t n, model *m, int tokens,
                    int prepare) {
    const int64_t abytes = ck_activation_row_bytes(type, n);
    if (prepare) for (int t = 0; t < tokens; t++) ck_prepare_activation_row(type, m->x + t * n, m->a + t * abytes, n);
    ck_pool_matmul(pool, type, w, n, rows, m->a, tokens, m->y, rows);
}

static void pass(ck_pool *pool, model *m, int tokens) {
    for (int l = 0; l < LAYERS; l++) {
        for (int s = 0; s < SHAPES; s++) {
            const int prepare = s == 0 || s == 3 || s == 4 || s == 6;  // a new input
            product(pool, m->layer_type, m->weights[l * SHAPES + s], shapes[s].rows, shapes[s].n, m, tokens, prepare);
        }
    }
    product(pool, CK_Q8_0, m->output, VOCAB, HIDDEN, m, tokens, 1);  // logits of every sequence
}

// Seconds a call of `body` takes: the best of several timed rounds (other processes
// share the machine; the minimum is the least disturbed).
#define TIME_BEST(seconds, body)                                                  \
    ({                                                                            \
        double best_ = 1e30;                                                      \
        for (int round_ = 0; round_ < 40; round_++) {                              \
            int calls_ = 0;                                                       \
            const double start_ = now();                                          \
            double elapsed_;                                                      \
            do { body; calls_++; elapsed_ = now() - start_; } while (elapsed_ < (seconds) / 40); \
            if (elapsed_ / calls_ < best_) best_ = elapsed_ / calls_;            \
        }                                                                         \
        best_;                                                                    \
    })

int main(int argc, char **argv) {
    const int threads = argc > 1 ? atoi(argv[1]) : 2;
    const char *type_name = argc > 2 ? argv[2] : "q4_1";
    const double seconds = argc > 3 ? atof(argv[3]) : 2.0;
    model m = {0};
    m.layer_type = strcmp(type_name, "q8_0") == 0 ? CK_Q8_0 : strcmp(type_name, "q4_K") == 0 ? CK_Q4_K : CK_Q4_1;
    const int64_t k_n = m.layer_type == CK_Q4_K ? 768 : 0;  // Q4_K needs n % 256 == 0: widen 576 → 768
    for (int l = 0; l < LAYERS; l++) {
        for (int s = 0; s < SHAPES; s++) {
            int64_t n = shapes[s].n;
            if (k_n && n % 256) n = k_n;
            m.weights[l * SHAPES + s] = l == 0 ? random_matrix(m.layer_type, shapes[s].rows, n) : NULL;
        }
    }
    // Layers share nothing in the engine; here they are copies, so the pass streams 30 layers' bytes.
    for (int l = 1; l < LAYERS; l++) {
        for (int s = 0; s < SHAPES; s++) {
            int64_t n = shapes[s].n;
            if (k_n && n % 256) n = k_n;
            const size_t bytes = (size_t)(shapes[s].rows * (n / ck_block_size(m.layer_type) * ck_type_size(m.layer_type)));
            m.weights[l * SHAPES + s] = xmalloc(bytes);
            memcpy(m.weights[l * SHAPES + s], m.weights[s], bytes);
        }
    }
    if (k_n) {
        fprintf(stderr, "q4_K: widths of 576 become 768 (K-quant rows are multiples of 256)\n");
    }
    m.output = random_matrix(CK_Q8_0, VOCAB, HIDDEN);
    m.x = xmalloc((size_t)MAX_TOKENS * FFN * 4);
    m.y = xmalloc((size_t)MAX_TOKENS * VOCAB * 4);
    m.a = xmalloc((size_t)MAX_TOKENS * FFN * 2);
    for (int64_t i = 0; i < (int64_t)MAX_TOKENS * FFN; i++) m.x[i] = gaussian();
    ck_pool *pool = ck_pool_create(threads);
    printf("kernel path %s, %d thread%s, layers %s, output Q8_0 %dx%d\n", ck_kernel_path(), threads,
           threads > 1 ? "s" : "", type_name, VOCAB, HIDDEN);

    printf("\none thread, one matrix kept in cache (kernel speed, thread CPU time): ns per row and token, GMAC/s\n");
    {
        cpu_clock = 1;
        const int kinds[] = {m.layer_type, CK_Q8_0};
        for (int kk = 0; kk < 2; kk++) {
            const int type = kinds[kk];
            const int64_t rows = 1536, n = type == CK_Q4_K ? 768 : 576;
            uint8_t *w = type == m.layer_type ? m.weights[4] : m.output;
            const int64_t abytes = ck_activation_row_bytes(type, n);
            for (int t = 0; t < MAX_TOKENS; t++) ck_prepare_activation_row(type, m.x + t * n, m.a + t * abytes, n);
            printf("  type %-3d", type);
            for (int tokens = 1; tokens <= MAX_TOKENS; tokens++) {
                const double t = TIME_BEST(seconds / 4, ck_matmul_rows(type, w, n, 0, rows, m.a, tokens, m.y, rows));
                printf("  N=%d %5.2f (%5.1f)", tokens, t * 1e9 / rows / tokens, 1e-9 * rows * n * tokens / t);
            }
            printf("\n");
        }
        cpu_clock = 0;
    }

    if (getenv("HOT_ONLY")) return 0;
    printf("\nwhole pass (30 layers + output for every token):\n   N   ms/pass  rows/s   cost vs N=1\n");
    double one = 0;
    for (int tokens = 1; tokens <= MAX_TOKENS; tokens++) {
        const double t = TIME_BEST(seconds, pass(pool, &m, tokens));
        if (tokens == 1) one = t;
        printf("  %2d  %7.3f  %7.1f  %5.2fx\n", tokens, t * 1e3, tokens / t, t / one);
    }

    printf("\nby matrix (us per product incl. activation preparation; all 30 layers' copies in turn):\n");
    printf("  %-6s %-11s", "matrix", "shape");
    const int counts[] = {1, 2, 4, 8};
    for (int c = 0; c < 4; c++) printf("   N=%d   ", counts[c]);
    printf("\n");
    for (int s = 0; s <= SHAPES; s++) {
        const int is_output = s == SHAPES;
        const int type = is_output ? CK_Q8_0 : m.layer_type;
        const int64_t rows = is_output ? VOCAB : shapes[s].rows;
        int64_t n = is_output ? HIDDEN : shapes[s].n;
        if (!is_output && k_n && n % 256) n = k_n;
        printf("  %-6s %5lldx%-5lld", is_output ? "output" : shapes[s].name, (long long)rows, (long long)n);
        for (int c = 0; c < 4; c++) {
            int layer = 0;
            const double t = TIME_BEST(seconds / 4, {
                product(pool, type, is_output ? m.output : m.weights[layer * SHAPES + s], rows, n, &m, counts[c], 1);
                layer = (layer + 1) % LAYERS;
            });
            printf("  %7.1f", t * 1e6);
        }
        printf("\n");
    }
    ck_pool_destroy(pool);
    return 0;
}
