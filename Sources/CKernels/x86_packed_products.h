// Internal: matrix products whose activations are packed once for all the threads of
// a pool (see x86/matmul.h), instead of once per work item. The x86 paths repack the
// activations of the 32-element block types and of F16/BF16 into the layout their
// kernels read; a product split into many row ranges packed them for every range.
#ifndef CKERNELS_X86_PACKED_PRODUCTS_H
#define CKERNELS_X86_PACKED_PRODUCTS_H

#include <stdint.h>

typedef struct ck_packed_products {
    /// Bytes the packed form of `tokens` activation rows takes; 0 when the path uses
    /// them as they are for this type (then call ck_matmul_rows).
    int64_t (*packed_bytes)(int weight_type, int64_t n, int64_t tokens);
    /// Packs `tokens` prepared activation rows into `packed` (64-byte aligned).
    void (*pack)(int weight_type, const void *activations, int64_t n, int64_t tokens, void *packed);
    /// ck_matmul_rows over packed activations: the same operations, the same bits.
    void (*matmul_packed)(int weight_type, const void *weights, int64_t n, int64_t row_begin, int64_t row_end,
                          const void *packed, int64_t tokens, float *y, int64_t y_stride);
} ck_packed_products;

#if defined(__x86_64__)
const ck_packed_products *ck_avx2_packed_products(void);
const ck_packed_products *ck_avx512_packed_products(void);
#endif

#endif
