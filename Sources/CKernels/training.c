// Training kernels (see ck_training.h): the products with frozen quantized weights,
// float matrix products, attention forward and backward, and the element-wise backward
// passes. The inner loops come from training_kernels.c, compiled for each path; the
// path is the one ck_kernel_path() names, read on every call so tests can force one.
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ck_training.h"
#include "ckernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef struct {
    float (*dot)(const float *a, const float *b, int64_t n);
    void (*axpy)(float *y, float a, const float *x, int64_t n);
    void (*panel_product)(const float *panel, int64_t panel_stride, int64_t rows, int64_t columns, const float *dy,
                          int64_t dy_stride, int64_t tokens, float *dx, int64_t dx_stride);
    void (*gemm_row)(const float *a, int64_t a_step, const float *b, int64_t ldb, int64_t n, int64_t k, float alpha,
                     float beta, float *c);
    int64_t (*fma_probe)(int64_t iterations);
} training_table;

#define CK_TRAINING_LEVEL 0
#include "training_kernels.c"
#undef CK_TRAINING_LEVEL
#if defined(__x86_64__)
#define CK_TRAINING_LEVEL 2
#include "training_kernels.c"
#undef CK_TRAINING_LEVEL
#define CK_TRAINING_LEVEL 3
#include "training_kernels.c"
#undef CK_TRAINING_LEVEL
#endif

// The loops of the path the inference kernels run on.
static const training_table *active(void) {
#if defined(__x86_64__)
    const char *path = ck_kernel_path();
    if (strcmp(path, "avx512") == 0) return &training_table_avx512;
    if (strcmp(path, "avx2") == 0) return &training_table_avx2;
#endif
    return &training_table_scalar;
}

// MARK: - dx += dy · W with W quantized

// Rows of W dequantized together: a panel of this many rows by one item's columns.
#define PANEL_ROWS 64

typedef struct {
    const training_table *kernels;
    int type;
    const uint8_t *weights;
    int64_t n, rows, row_bytes, block_size, type_size, columns_per_item;
    const float *dy;
    int64_t dy_stride, tokens;
    float *dx;
    int64_t dx_stride;
} transposed_job;

static void transposed_item(void *context, int64_t index) {
    const transposed_job *job = context;
    const int64_t first = index * job->columns_per_item;
    const int64_t columns = job->n - first < job->columns_per_item ? job->n - first : job->columns_per_item;
    float *panel = malloc((size_t)(PANEL_ROWS * columns) * sizeof(float));
    if (panel == NULL) {
        for (int64_t t = 0; t < job->tokens; t++)
            for (int64_t c = 0; c < columns; c++) job->dx[t * job->dx_stride + first + c] = NAN;
        return;
    }
    const int64_t offset = first / job->block_size * job->type_size;
    for (int64_t r0 = 0; r0 < job->rows; r0 += PANEL_ROWS) {
        const int64_t count = job->rows - r0 < PANEL_ROWS ? job->rows - r0 : PANEL_ROWS;
        for (int64_t r = 0; r < count; r++)
            ck_dequantize_row(job->type, job->weights + (r0 + r) * job->row_bytes + offset, panel + r * columns, columns);
        job->kernels->panel_product(panel, columns, count, columns, job->dy + r0, job->dy_stride, job->tokens,
                                    job->dx + first, job->dx_stride);
    }
    free(panel);
}

void ck_pool_matmul_transposed(ck_pool *pool, int weight_type, const void *weights, int64_t n, int64_t rows,
                               const float *dy, int64_t dy_stride, int64_t tokens, float *dx, int64_t dx_stride) {
    const int64_t block = ck_block_size(weight_type);
    if (block == 0 || n <= 0 || rows <= 0 || tokens <= 0) return;
    // Whole blocks per item, at least one 32-column register tile.
    const int64_t per_item = block >= 32 ? block : 32;
    transposed_job job = {
        .kernels = active(), .type = weight_type, .weights = weights, .n = n, .rows = rows,
        .row_bytes = n / block * ck_type_size(weight_type), .block_size = block,
        .type_size = ck_type_size(weight_type), .columns_per_item = per_item,
        .dy = dy, .dy_stride = dy_stride, .tokens = tokens, .dx = dx, .dx_stride = dx_stride,
    };
    ck_pool_run(pool, transposed_item, &job, (n + per_item - 1) / per_item);
}

// MARK: - Float matrix products

typedef struct {
    const training_table *kernels;
    int transpose_a;
    int64_t m, n, k, rows_per_item;
    float alpha, beta;
    const float *a;
    int64_t lda;
    const float *b;
    int64_t ldb;
    float *c;
    int64_t ldc;
} gemm_job;

static void gemm_item(void *context, int64_t index) {
    const gemm_job *job = context;
    const int64_t end = (index + 1) * job->rows_per_item < job->m ? (index + 1) * job->rows_per_item : job->m;
    for (int64_t i = index * job->rows_per_item; i < end; i++) {
        const float *row = job->transpose_a ? job->a + i : job->a + i * job->lda;
        const int64_t step = job->transpose_a ? job->lda : 1;
        job->kernels->gemm_row(row, step, job->b, job->ldb, job->n, job->k, job->alpha, job->beta, job->c + i * job->ldc);
    }
}

void ck_pool_sgemm(ck_pool *pool, int transpose_a, int transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
                   const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    if (m <= 0 || n <= 0) return;
    float *packed = NULL;
    if (transpose_b && k > 0) {
        // op(B) row-major, k × n, so the inner loop runs along contiguous columns.
        packed = malloc((size_t)(k * n) * sizeof(float));
        if (packed == NULL) {
            for (int64_t i = 0; i < m; i++)
                for (int64_t j = 0; j < n; j++) c[i * ldc + j] = NAN;
            return;
        }
        for (int64_t j = 0; j < n; j++)
            for (int64_t p = 0; p < k; p++) packed[p * n + j] = b[j * ldb + p];
        b = packed;
        ldb = n;
    }
    const int threads = ck_pool_threads(pool);
    int64_t per_item = m / (4 * threads);
    if (per_item < 1) per_item = 1;
    gemm_job job = {
        .kernels = active(), .transpose_a = transpose_a, .m = m, .n = n, .k = k, .rows_per_item = per_item,
        .alpha = alpha, .beta = beta, .a = a, .lda = lda, .b = b, .ldb = ldb, .c = c, .ldc = ldc,
    };
    ck_pool_run(pool, gemm_item, &job, (m + per_item - 1) / per_item);
    free(packed);
}

// MARK: - Attention

// C = alpha · op(A) · op(B) + beta · C on the calling thread; `pack` has room for op(B)
// when it is transposed (k × n floats).
static void gemm_serial(const training_table *kernels, int transpose_a, int transpose_b, int64_t m, int64_t n, int64_t k,
                        float alpha, const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c,
                        int64_t ldc, float *pack) {
    if (transpose_b) {
        for (int64_t j = 0; j < n; j++)
            for (int64_t p = 0; p < k; p++) pack[p * n + j] = b[j * ldb + p];
        b = pack;
        ldb = n;
    }
    for (int64_t i = 0; i < m; i++) {
        const float *row = transpose_a ? a + i : a + i * lda;
        kernels->gemm_row(row, transpose_a ? lda : 1, b, ldb, n, k, alpha, beta, c + i * ldc);
    }
}

// Queries per forward item: each item is a stretch of one head's queries.
#define ATTENTION_QUERIES 64

typedef struct {
    const training_table *kernels;
    const float *q, *k, *v, *out, *lse, *dout;
    int64_t tokens, heads, kv_heads, head_dim;
    float scale;
    float *result, *result_lse;
    float *dq, *dk_heads, *dv_heads;
} attention_job;

// Queries [first, first + ATTENTION_QUERIES) of head `index / chunks`: the scores
// S = scale · Q Kᵀ over the keys up to the last query, the causal softmax row by row,
// then O = P V, as matrix products.
static void attention_forward_item(void *context, int64_t index) {
    const attention_job *job = context;
    const int64_t chunks = (job->tokens + ATTENTION_QUERIES - 1) / ATTENTION_QUERIES;
    const int64_t head = index / chunks, first = index % chunks * ATTENTION_QUERIES, d = job->head_dim;
    const int64_t rows = job->tokens - first < ATTENTION_QUERIES ? job->tokens - first : ATTENTION_QUERIES;
    const int64_t keys = first + rows;
    const int64_t q_width = job->heads * d, kv_width = job->kv_heads * d;
    const int64_t kv_offset = head / (job->heads / job->kv_heads) * d;
    float *scores = malloc((size_t)(rows * keys + d * keys) * sizeof(float));
    if (scores == NULL) {
        for (int64_t i = first; i < keys; i++)
            for (int64_t c = 0; c < d; c++) job->result[i * q_width + head * d + c] = NAN;
        return;
    }
    gemm_serial(job->kernels, 0, 1, rows, keys, d, job->scale, job->q + first * q_width + head * d, q_width,
                job->k + kv_offset, kv_width, 0, scores, keys, scores + rows * keys);
    for (int64_t r = 0; r < rows; r++) {
        float *row = scores + r * keys;
        const int64_t visible = first + r + 1;
        float maximum = -INFINITY;
        for (int64_t j = 0; j < visible; j++) maximum = row[j] > maximum ? row[j] : maximum;
        double sum = 0;
        for (int64_t j = 0; j < visible; j++) {
            row[j] = expf(row[j] - maximum);
            sum += row[j];
        }
        const float inverse = (float)(1 / sum);
        for (int64_t j = 0; j < visible; j++) row[j] *= inverse;
        for (int64_t j = visible; j < keys; j++) row[j] = 0;
        job->result_lse[head * job->tokens + first + r] = maximum + (float)log(sum);
    }
    gemm_serial(job->kernels, 0, 0, rows, d, keys, 1, scores, keys, job->v + kv_offset, kv_width, 0,
                job->result + first * q_width + head * d, q_width, NULL);
    free(scores);
}

void ck_pool_attention_forward(ck_pool *pool, const float *q, const float *k, const float *v, int64_t tokens,
                               int64_t heads, int64_t kv_heads, int64_t head_dim, float scale, float *out, float *lse) {
    attention_job job = {
        .kernels = active(), .q = q, .k = k, .v = v, .tokens = tokens, .heads = heads, .kv_heads = kv_heads,
        .head_dim = head_dim, .scale = scale, .result = out, .result_lse = lse,
    };
    ck_pool_run(pool, attention_forward_item, &job, heads * ((tokens + ATTENTION_QUERIES - 1) / ATTENTION_QUERIES));
}

// One query head: dq of its columns, and its own dk, dv (tokens × head_dim each),
// which the caller sums over the heads of a group. FlashAttention's backward as matrix
// products: P recomputed from lse, dV = Pᵀ dO, dP = dO Vᵀ, dS = P ∘ (dP − rowsum(dO ∘ O)),
// dQ = scale · dS K, dK = scale · dSᵀ Q.
static void attention_backward_item(void *context, int64_t head) {
    const attention_job *job = context;
    const int64_t d = job->head_dim, tokens = job->tokens;
    const int64_t q_width = job->heads * d, kv_width = job->kv_heads * d;
    const int64_t kv_offset = head / (job->heads / job->kv_heads) * d;
    float *dk = job->dk_heads + head * tokens * d, *dv = job->dv_heads + head * tokens * d;
    float *probabilities = malloc((size_t)(2 * tokens * tokens + d * tokens) * sizeof(float));
    if (probabilities == NULL) {
        for (int64_t i = 0; i < tokens * d; i++) dk[i] = dv[i] = NAN;
        return;
    }
    float *gradients = probabilities + tokens * tokens, *pack = gradients + tokens * tokens;
    const float *q = job->q + head * d, *dout = job->dout + head * d;
    gemm_serial(job->kernels, 0, 1, tokens, tokens, d, job->scale, q, q_width, job->k + kv_offset, kv_width, 0,
                probabilities, tokens, pack);
    for (int64_t i = 0; i < tokens; i++) {
        float *row = probabilities + i * tokens;
        const float lse = job->lse[head * tokens + i];
        for (int64_t j = 0; j <= i; j++) row[j] = expf(row[j] - lse);
        for (int64_t j = i + 1; j < tokens; j++) row[j] = 0;
    }
    gemm_serial(job->kernels, 1, 0, tokens, d, tokens, 1, probabilities, tokens, dout, q_width, 0, dv, d, NULL);
    gemm_serial(job->kernels, 0, 1, tokens, tokens, d, 1, dout, q_width, job->v + kv_offset, kv_width, 0, gradients,
                tokens, pack);
    for (int64_t i = 0; i < tokens; i++) {
        const float delta = job->kernels->dot(dout + i * q_width, job->out + i * q_width + head * d, d);
        float *row = gradients + i * tokens;
        const float *p = probabilities + i * tokens;
        for (int64_t j = 0; j <= i; j++) row[j] = p[j] * (row[j] - delta);
        for (int64_t j = i + 1; j < tokens; j++) row[j] = 0;
    }
    gemm_serial(job->kernels, 0, 0, tokens, d, tokens, job->scale, gradients, tokens, job->k + kv_offset, kv_width, 0,
                job->dq + head * d, q_width, NULL);
    gemm_serial(job->kernels, 1, 0, tokens, d, tokens, job->scale, gradients, tokens, q, q_width, 0, dk, d, NULL);
    free(probabilities);
}

void ck_pool_attention_backward(ck_pool *pool, const float *q, const float *k, const float *v, const float *out,
                                const float *lse, const float *dout, int64_t tokens, int64_t heads, int64_t kv_heads,
                                int64_t head_dim, float scale, float *dq, float *dk, float *dv) {
    const int64_t kv_width = kv_heads * head_dim;
    float *dk_heads = malloc((size_t)(heads * tokens * head_dim) * sizeof(float));
    float *dv_heads = malloc((size_t)(heads * tokens * head_dim) * sizeof(float));
    if (dk_heads == NULL || dv_heads == NULL) {
        free(dk_heads);
        free(dv_heads);
        for (int64_t i = 0; i < tokens * heads * head_dim; i++) dq[i] = NAN;
        for (int64_t i = 0; i < tokens * kv_width; i++) dk[i] = dv[i] = NAN;
        return;
    }
    attention_job job = {
        .kernels = active(), .q = q, .k = k, .v = v, .out = out, .lse = lse, .dout = dout, .tokens = tokens,
        .heads = heads, .kv_heads = kv_heads, .head_dim = head_dim, .scale = scale, .dq = dq,
        .dk_heads = dk_heads, .dv_heads = dv_heads,
    };
    ck_pool_run(pool, attention_backward_item, &job, heads);
    memset(dk, 0, (size_t)(tokens * kv_width) * sizeof(float));
    memset(dv, 0, (size_t)(tokens * kv_width) * sizeof(float));
    const int64_t group = heads / kv_heads;
    for (int64_t head = 0; head < heads; head++) {
        const int64_t kv_offset = head / group * head_dim;
        for (int64_t t = 0; t < tokens; t++) {
            job.kernels->axpy(dk + t * kv_width + kv_offset, 1, dk_heads + (head * tokens + t) * head_dim, head_dim);
            job.kernels->axpy(dv + t * kv_width + kv_offset, 1, dv_heads + (head * tokens + t) * head_dim, head_dim);
        }
    }
    free(dk_heads);
    free(dv_heads);
}

// MARK: - Element-wise backward passes

void ck_rms_norm_backward(const float *x, const float *weight, const float *dy, float *dx, int64_t rows,
                          int64_t width, float epsilon) {
    for (int64_t row = 0; row < rows; row++) {
        const float *xr = x + row * width, *g = dy + row * width;
        float *out = dx + row * width;
        double squares = 0, projection = 0;
        for (int64_t i = 0; i < width; i++) {
            squares += (double)xr[i] * xr[i];
            projection += (double)g[i] * weight[i] * xr[i];
        }
        // y = x·r·w with r = (mean(x²) + ε)^(−1/2): dx = r·(dy∘w) − x·r³·Σ(dy∘w∘x)/n.
        const double r = 1 / sqrt(squares / (double)width + epsilon);
        const float a = (float)r, b = (float)(r * r * r * projection / (double)width);
        for (int64_t i = 0; i < width; i++) out[i] += a * g[i] * weight[i] - b * xr[i];
    }
}

void ck_swiglu_backward(const float *gate, const float *up, const float *dh, float *dgate, float *dup, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        const float g = gate[i], sigmoid = 1 / (1 + expf(-g));
        dup[i] = dh[i] * g * sigmoid;
        dgate[i] = dh[i] * up[i] * sigmoid * (1 + g * (1 - sigmoid));
    }
}

void ck_rope_rotate(float *x, const float *cosines, const float *sines, int64_t rows, int64_t heads, int64_t head_dim,
                    int64_t dims, int interleaved, float sign) {
    const int64_t pairs = dims / 2;
    for (int64_t row = 0; row < rows; row++) {
        for (int64_t head = 0; head < heads; head++) {
            float *base = x + (row * heads + head) * head_dim;
            for (int64_t i = 0; i < pairs; i++) {
                const int64_t first = interleaved ? 2 * i : i, second = interleaved ? 2 * i + 1 : i + pairs;
                const float c = cosines[row * pairs + i], s = sign * sines[row * pairs + i];
                const float a = base[first], b = base[second];
                base[first] = a * c - b * s;
                base[second] = a * s + b * c;
            }
        }
    }
}

double ck_cross_entropy_row(float *logits, int64_t n, int64_t target, float scale) {
    float maximum = -INFINITY;
    for (int64_t i = 0; i < n; i++) maximum = logits[i] > maximum ? logits[i] : maximum;
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += exp((double)logits[i] - maximum);
    const double log_sum = maximum + log(sum);
    const double loss = log_sum - logits[target];
    for (int64_t i = 0; i < n; i++) logits[i] = (float)(exp((double)logits[i] - log_sum)) * scale;
    logits[target] -= scale;
    return loss;
}

int64_t ck_fma_probe(int64_t iterations) { return active()->fma_probe(iterations); }
