// IEEE half and bfloat16 conversions, bit-exact with round-to-nearest-even.
#include <math.h>
#include <pthread.h>
#include <string.h>
#include "ckernels.h"
#include "kernels.h"

float ck_fp16_to_fp32(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    const uint32_t exponent = (h >> 10) & 0x1F;
    const uint32_t mantissa = h & 0x3FF;
    uint32_t bits;
    if (exponent == 0) {
        // Zero or subnormal: mantissa × 2^-24.
        const float value = (float)mantissa * (1.0f / 16777216.0f);
        return sign ? -value : value;
    } else if (exponent == 31) {
        bits = sign | 0x7F800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    float result;
    memcpy(&result, &bits, sizeof result);
    return result;
}

uint16_t ck_fp32_to_fp16(float f) {
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    const uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    const uint32_t magnitude = x & 0x7FFFFFFFu;
    if (magnitude >= 0x7F800000u) {  // infinity or NaN (kept quiet)
        return sign | 0x7C00 | (magnitude > 0x7F800000u ? 0x200 : 0);
    }
    if (magnitude >= 0x477FF000u) return sign | 0x7C00;  // rounds to infinity (>= 65520)
    if (magnitude < 0x38800000u) {  // below 2^-14: a subnormal half (or zero)
        float absolute;
        memcpy(&absolute, &magnitude, sizeof absolute);
        return sign | (uint16_t)lrintf(absolute * 16777216.0f);
    }
    const uint32_t mantissa = magnitude & 0x7FFFFFu;
    uint32_t half = (((magnitude >> 23) - 112) << 10) | (mantissa >> 13);
    const uint32_t rest = mantissa & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) half++;
    return sign | (uint16_t)half;
}

// All 65536 halves as floats: a table lookup beats the bit arithmetic in hot loops.
static float fp16_table[1 << 16];
static pthread_once_t fp16_table_once = PTHREAD_ONCE_INIT;

static void fill_fp16_table(void) {
    for (uint32_t i = 0; i < (1u << 16); i++) fp16_table[i] = ck_fp16_to_fp32((uint16_t)i);
}

const float *ck_fp16_lookup_table(void) {
    pthread_once(&fp16_table_once, fill_fp16_table);
    return fp16_table;
}

void ck_scalar_fp16_to_fp32_row(const uint16_t *src, float *dst, int64_t n) {
    const float *table = ck_fp16_lookup_table();
    for (int64_t i = 0; i < n; i++) dst[i] = table[src[i]];
}

void ck_scalar_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] = ck_fp32_to_fp16(src[i]);
}

float ck_bf16_to_fp32(uint16_t h) {
    const uint32_t bits = (uint32_t)h << 16;
    float result;
    memcpy(&result, &bits, sizeof result);
    return result;
}

uint16_t ck_fp32_to_bf16(float f) {
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    if ((x & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((x >> 16) | 64);  // quiet NaN
    return (uint16_t)((x + (0x7FFFu + ((x >> 16) & 1))) >> 16);
}
