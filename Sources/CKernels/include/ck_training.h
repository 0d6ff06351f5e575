// CKernels for training: the backward passes of the transformer's operations and the
// float products they need, over frozen weights kept in their GGML block formats.
//
// Products with a quantized weight matrix dequantize it a panel at a time inside the
// kernel (no float copy of the model). Every kernel runs on the path chosen by
// ck_kernel_path() (scalar, avx2, avx512), so tests can force one; the paths agree
// up to float summation order. Matrices are row-major; a `stride` is the distance in
// floats between consecutive rows. Pools may be NULL (the caller's thread does all).
#ifndef CK_TRAINING_H
#define CK_TRAINING_H

#include <stdint.h>
#include "ck_pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/// dx[t][c] += Σ_r W[r][c] · dy[t][r] (dx += dy · W, the gradient of y = W x with
/// respect to x) for t < tokens, c < n, r < rows. W has `rows` rows of `n` weights of
/// GGML type `weight_type`, contiguous; dy rows are `dy_stride` floats apart, dx rows
/// `dx_stride`. Columns are split across the pool in whole blocks.
void ck_pool_matmul_transposed(ck_pool *pool, int weight_type, const void *weights, int64_t n, int64_t rows,
                               const float *dy, int64_t dy_stride, int64_t tokens, float *dx, int64_t dx_stride);

/// C = alpha · op(A) · op(B) + beta · C, in floats, with op(A) m × k and op(B) k × n;
/// op(X) is X, or its transpose when `transpose_x` is nonzero (then X is stored k × m
/// or n × k). beta = 0 overwrites C (whatever it held). Rows of C are split across the pool.
void ck_pool_sgemm(ck_pool *pool, int transpose_a, int transpose_b, int64_t m, int64_t n, int64_t k, float alpha,
                   const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

/// Causal grouped-query attention in floats for one sequence at positions 0…tokens−1:
/// out = softmax(scale · q·kᵀ) · v per query head, head h reading key/value head
/// h / (heads / kv_heads). q and out are (tokens, heads × head_dim), k and v
/// (tokens, kv_heads × head_dim). lse (heads, tokens) receives the log-sum-exp of
/// each query's scaled scores, which the backward pass uses to recompute the weights.
void ck_pool_attention_forward(ck_pool *pool, const float *q, const float *k, const float *v, int64_t tokens,
                               int64_t heads, int64_t kv_heads, int64_t head_dim, float scale, float *out, float *lse);

/// The backward pass of ck_pool_attention_forward: from dout (shaped like out), the
/// forward's inputs, out and lse, writes dq (shaped like q) and dk, dv (shaped like
/// k and v; overwritten, summed over the query heads that share a key/value head).
void ck_pool_attention_backward(ck_pool *pool, const float *q, const float *k, const float *v, const float *out,
                                const float *lse, const float *dout, int64_t tokens, int64_t heads, int64_t kv_heads,
                                int64_t head_dim, float scale, float *dq, float *dk, float *dv);

/// The backward pass of y = x / sqrt(mean(x²) + ε) · weight, row by row:
/// dx += ∂L/∂x given dy = ∂L/∂y (accumulates, as the residual stream's gradient does).
void ck_rms_norm_backward(const float *x, const float *weight, const float *dy, float *dx, int64_t rows,
                          int64_t width, float epsilon);

/// The backward pass of h = silu(gate) · up, from the pre-activation gate and up:
/// dgate = dh · up · silu'(gate), dup = dh · silu(gate) (both overwritten).
void ck_swiglu_backward(const float *gate, const float *up, const float *dh, float *dgate, float *dup, int64_t n);

/// Rotates pairs of each head by angles given as cosines and sines per (row, pair), as
/// the forward RoPE does (sign = 1), or by the opposite angles (sign = −1: its backward
/// pass). Rows are heads × head_dim floats; `interleaved` pairs (2i, 2i+1), else
/// (i, i + dims/2); only the first `dims` values of a head turn.
void ck_rope_rotate(float *x, const float *cosines, const float *sines, int64_t rows, int64_t heads, int64_t head_dim,
                    int64_t dims, int interleaved, float sign);

/// Softmax cross-entropy of one row of logits against `target`: returns −log p[target]
/// (in double) and replaces the row with ∂loss/∂logits = p − onehot(target), times `scale`.
double ck_cross_entropy_row(float *logits, int64_t n, int64_t target, float scale);

/// Peak-rate probe for benchmarks: `iterations` rounds of independent F32 fused
/// multiply-adds on the active path's widest vectors; returns how many scalar
/// multiply-adds that was (2 flops each), for the caller to time.
int64_t ck_fma_probe(int64_t iterations);

#ifdef __cplusplus
}
#endif

#endif
