// Small math shared by the C kernels.
#ifndef CKERNELS_FAST_MATH_H
#define CKERNELS_FAST_MATH_H

#include <stdint.h>
#include <string.h>

// exp(x) to about 2 ulp: x = n·ln2 + f with |f| ≤ ln2/2, a degree-6 polynomial for
// e^f, then the exponent bits. Branch-free, so loops calling it vectorize where
// they would not with expf().
static inline float ck_fast_exp(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    const float n = (x * 1.44269504088896341f + 12582912.f) - 12582912.f;  // round to nearest
    const float f = (x - n * 0.693145751953125f) - n * 1.428606765330187e-06f;  // ln2 split hi/lo
    float p = 1.3981999507e-3f;
    p = p * f + 8.3334519073e-3f;
    p = p * f + 4.1665795894e-2f;
    p = p * f + 1.6666665459e-1f;
    p = p * f + 5.0000001201e-1f;
    p = p * f * f + f + 1.0f;
    const int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

#endif
