// Random data shaped like a model's, and the buffers the checks and benchmarks use.
#include "harness.h"

const char *const paths[] = {"scalar", "avx2", "avx512"};
int path_available[PATHS];
int failures = 0;

const weight_type_name types[] = {
    {CK_F32, "F32"}, {CK_F16, "F16"}, {CK_BF16, "BF16"}, {CK_Q4_0, "Q4_0"}, {CK_Q4_1, "Q4_1"},
    {CK_Q5_0, "Q5_0"}, {CK_Q5_1, "Q5_1"}, {CK_Q8_0, "Q8_0"}, {CK_Q4_K, "Q4_K"}, {CK_Q5_K, "Q5_K"},
    {CK_Q6_K, "Q6_K"},
};
_Static_assert(sizeof types / sizeof types[0] == TYPES, "TYPES counts the types");

// MARK: - Random data

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
uint64_t next_u64(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
double uniform(void) { return (next_u64() >> 11) * (1.0 / 9007199254740992.0); }
float gaussian(void) {
    const double u = uniform() + 1e-12, v = uniform();
    return (float)(sqrt(-2 * log(u)) * cos(6.283185307179586 * v));
}
void random_bytes(void *p, size_t n) {
    uint8_t *b = p;
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)next_u64();
}

// Activations like a transformer's: mostly gaussian, a few outliers, sometimes zeros.
void random_activations(float *x, int64_t n) {
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
uint16_t random_scale(float range) {
    const float v = (float)((uniform() * 0.9 + 0.1) * range) * (next_u64() & 1 ? 1 : -1);
    return ck_fp32_to_fp16(v);
}

// Random weight rows of `type`: random quants, finite scales.
void random_weights(int type, void *dst, int64_t n, int64_t rows) {
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

void *xmalloc(size_t n) {
    void *p = malloc(n + 64);
    if (!p) { fprintf(stderr, "out of memory\n"); exit(2); }
    return p;
}

void *guarded_alloc(size_t size, guarded *g) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t pages = (size + page - 1) / page + 1;
    g->length = pages * page;
    g->map = mmap(NULL, g->length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g->map == MAP_FAILED) { fprintf(stderr, "mmap failed\n"); exit(2); }
    mprotect((uint8_t *)g->map + (pages - 1) * page, page, PROT_NONE);
    return (uint8_t *)g->map + (pages - 1) * page - size;
}
void guarded_free(guarded *g) { munmap(g->map, g->length); }

// The cache pages of a contiguous buffer: page i starts at row i·page_size.
const uint16_t **pages_of(const uint16_t *rows, int64_t stride, int64_t page_size, int64_t positions) {
    const int64_t count = (positions + page_size - 1) / page_size;
    const uint16_t **pages = xmalloc((size_t)count * sizeof *pages);
    for (int64_t i = 0; i < count; i++) pages[i] = rows + i * page_size * stride;
    return pages;
}

double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}
