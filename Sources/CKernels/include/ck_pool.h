// A persistent pool of worker threads for the engine's parallel loops.
//
// Workers are started once and wait for work by spinning briefly, then sleeping,
// so handing out a matrix product costs about a microsecond rather than a thread
// start. The calling thread takes part in the work.
#ifndef CK_POOL_H
#define CK_POOL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_pool ck_pool;

/// A task: runs item `index` of a parallel loop.
typedef void (*ck_task)(void *context, int64_t index);

/// Starts a pool with `threads` threads in all (the caller counts as one).
ck_pool *ck_pool_create(int threads);
void ck_pool_destroy(ck_pool *pool);
int ck_pool_threads(const ck_pool *pool);

/// Runs task(context, i) for i in [0, count) across the pool; returns when all are done.
/// Not reentrant: one caller at a time.
void ck_pool_run(ck_pool *pool, ck_task task, void *context, int64_t count);

/// y[t * y_stride + r] = weight row r · activation row t, rows split across the pool.
void ck_pool_matmul(ck_pool *pool, int weight_type, const void *weights, int64_t n, int64_t rows,
                    const void *activations, int64_t tokens, float *y, int64_t y_stride);

/// Causal grouped-query attention for `tokens` queries at positions first_position…:
/// each query head h attends over key/value head h / (heads / kv_heads) at positions
/// 0…its own (ck_attention_head_paged, head by head). q and out are (tokens, heads ×
/// head_dim). The cache is paged: page i holds positions [i·page_size, (i+1)·page_size),
/// its rows `kv_stride` halves apart.
void ck_pool_attention(ck_pool *pool, const float *q, const uint16_t *const *key_pages,
                       const uint16_t *const *value_pages, int64_t page_size, int64_t kv_stride,
                       int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t first_position,
                       int64_t tokens, float scale, float *out);

/// gate[i] = silu(gate[i]) · up[i] (SwiGLU), with a vectorizable exp.
void ck_swiglu(float *gate, const float *up, int64_t n);

/// destination[i] += source[i].
void ck_add(float *destination, const float *source, int64_t n);

/// y = x / sqrt(mean(x²) + ε) · weight, row by row (sum of squares in double).
void ck_rms_norm(const float *x, const float *weight, float *y, int64_t rows, int64_t width, float epsilon);

/// 1 when none of the `n` floats is an infinity or a NaN.
int ck_all_finite(const float *x, int64_t n);

/// A fast non-cryptographic 64-bit hash (fingerprints, checksums).
uint64_t ck_hash64(const void *data, int64_t length, uint64_t seed);

#ifdef __cplusplus
}
#endif

#endif
