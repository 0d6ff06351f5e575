// Element-wise steps of the transformer, written as plain loops without branches
// so the compiler vectorizes them for any target.
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "ck_pool.h"
#include "fast_math.h"


void ck_swiglu(float *gate, const float *up, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        const float g = gate[i];
        gate[i] = g / (1.0f + ck_fast_exp(-g)) * up[i];
    }
}

void ck_add(float *destination, const float *source, int64_t n) {
    for (int64_t i = 0; i < n; i++) destination[i] += source[i];
}

void ck_rms_norm(const float *x, const float *weight, float *y, int64_t rows, int64_t width, float epsilon) {
    for (int64_t row = 0; row < rows; row++) {
        const float *in = x + row * width;
        float *out = y + row * width;
        // Sum of squares in double, as llama.cpp does; four lanes so it vectorizes.
        double sums[4] = {0, 0, 0, 0};
        int64_t i = 0;
        for (; i + 4 <= width; i += 4) {
            for (int lane = 0; lane < 4; lane++) sums[lane] += (double)(in[i + lane] * in[i + lane]);
        }
        double sum = sums[0] + sums[1] + sums[2] + sums[3];
        for (; i < width; i++) sum += (double)(in[i] * in[i]);
        const float scale = 1.0f / sqrtf((float)(sum / (double)width) + epsilon);
        for (int64_t j = 0; j < width; j++) out[j] = (in[j] * scale) * weight[j];
    }
}

int ck_all_finite(const float *x, int64_t n) {
    // An exponent of all ones is an infinity or a NaN; or-ing the tests keeps the loop
    // free of branches so it vectorizes.
    uint32_t special = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        special |= (bits & 0x7F800000u) == 0x7F800000u;
    }
    return special == 0;
}
