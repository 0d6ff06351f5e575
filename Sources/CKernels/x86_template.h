// x86 kernels, written once and compiled twice: x86_avx2.c includes this file with
// CK_LEVEL 2 (AVX2 + FMA + F16C) and x86_avx512.c with CK_LEVEL 3 (adds AVX-512
// F/BW/VL/DQ and VNNI). Every function carries a target attribute, so the rest of the
// build stays baseline x86-64 and the paths are picked at run time (dispatch.c).
//
// Arithmetic contract with the scalar reference (dot.c, activations.c, half.c,
// attention.c):
// - Integer block sums are exact. Activation quants are in [-127, 127] (the
//   quantizers never produce -128), which the sign and offset tricks rely on.
// - Per-block float combinations (d_w · d_x · sum + m · s) and the sums over blocks
//   are the same products, accumulated in a different order.
// - Quantized activation blocks and half conversions are bit-identical.
//
// Matrix products (matmul_rows) repack the activation rows they are given once per
// call for the 32-element block types (scales as floats, quants contiguous, aligned
// and interleaved as the weights decode, per-lane sums for the offset trick); Q8_K
// and F32 activations are used in place. A product on the worker pool packs them once
// for all its work items (matmul_packed). Then each weight block is decoded once for
// up to eight tokens (AVX2: four), its accumulators in registers; on AVX-512 the
// whole groups of sixteen Q4_0/Q4_1 blocks decode into strips (x86/repack.h), so one
// convert and one FMA per token cover sixteen blocks, and the other 32-element types
// take two rows at a time for up to four tokens, sharing the activation loads.
// ck_vec_dot is the same code with one row and one token, and every (row, token)
// goes through the same operations whatever the row and token counts, so a
// product's elements equal the same path's vec_dot bit for bit.
//
// Measured on an AMD EPYC (AVX-512 executed as two 256-bit halves): VNNI dpbusd and
// FMA share two pipes, gathers cost ~1.3 cycles an element, so the AVX-512 kernels
// avoid gathers (strips are picked with permutes). On an Intel Xeon with 512-bit
// units a zmm dpbusd issues at half the rate of an FMA, and at eight tokens the
// per-block converts and FMAs beside it took a third of the time: hence the strips.
//
// The kernels live in x86/, one concept a file, included below in dependency order;
// only the 32-element block kernels differ by level (one file each).

#ifndef CK_LEVEL
#error "define CK_LEVEL before including x86_template.h"
#endif

#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "blocks.h"
#include "ckernels.h"
#include "fast_math.h"
#include "kernels.h"

#if CK_LEVEL >= 3
#define CK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define CK_VNNI 1
#else
#define CK_TARGET __attribute__((target("avx2,fma,f16c")))
#define CK_VNNI 0
#endif

#define FN static CK_TARGET
#define INL static inline CK_TARGET __attribute__((always_inline))
#define CK_PRAGMA(x) _Pragma(#x)
#define UNROLL(n) CK_PRAGMA(GCC unroll n)

// Blocks of scales handled together; a multiple of 16.
#define SEG 64
// The most tokens a kernel takes at once (AVX2 has only sixteen vector registers).
#if CK_VNNI
#define MAX_NT 8
#else
#define MAX_NT 4
#endif

#include "x86/helpers.h"
#include "x86/quantize_activations.h"
#include "x86/half_rows.h"
#include "x86/repack.h"
#if CK_VNNI
#include "x86/blocks32_avx512.h"
#else
#include "x86/blocks32_avx2.h"
#endif
#include "x86/k_quants.h"
#include "x86/float_dot.h"
#include "x86/matmul.h"
#include "x86/attention.h"
