// A fast 64-bit hash for fingerprints and checksums (not cryptographic): it must
// notice accidental change — a truncated or corrupted cache file, a different
// model — quickly, at memory speed.
#include <string.h>
#include "ckernels.h"

static inline uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

uint64_t ck_hash64(const void *data, int64_t length, uint64_t seed) {
    const unsigned char *bytes = data;
    // Four independent lanes keep the multiplier pipeline busy.
    uint64_t lanes[4] = {seed ^ 0x9E3779B97F4A7C15ULL, seed + 0xC2B2AE3D27D4EB4FULL,
                         seed ^ 0x165667B19E3779F9ULL, seed - 0x27D4EB2F165667C5ULL};
    int64_t i = 0;
    for (; i + 32 <= length; i += 32) {
        for (int lane = 0; lane < 4; lane++) {
            uint64_t word;
            memcpy(&word, bytes + i + 8 * lane, 8);
            lanes[lane] = (lanes[lane] ^ word) * 0x9FB21C651E98DF25ULL;
            lanes[lane] ^= lanes[lane] >> 29;
        }
    }
    uint64_t hash = mix(lanes[0]) ^ (mix(lanes[1]) * 3) ^ (mix(lanes[2]) * 5) ^ (mix(lanes[3]) * 7);
    for (; i < length; i++) hash = (hash ^ bytes[i]) * 0x100000001B3ULL;
    return mix(hash ^ (uint64_t)length);
}
