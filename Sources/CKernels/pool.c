// The worker pool: a generation counter announces work, an atomic counter hands out
// items, and a done counter tells the caller when the last item finished.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "ck_pool.h"
#include "ckernels.h"
#include "kernels.h"
#include "x86_packed_products.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

// Spin this many rounds before sleeping: long enough to span the gap between the
// products of one token (microseconds), short enough not to burn a core while idle.
#define SPIN_ROUNDS 20000

struct ck_pool {
    int threads;
    pthread_t *workers;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    _Atomic uint64_t generation;
    _Atomic int sleepers;
    _Atomic int stop;
    // The current job.
    ck_task task;
    void *context;
    int64_t count;
    _Atomic int64_t next;
    _Atomic int64_t done;
    // Activations packed once for all the items of a matrix product (grown on demand).
    uint8_t *packed;
    size_t packed_capacity;
};

static void work(ck_pool *pool) {
    for (;;) {
        const int64_t index = atomic_fetch_add_explicit(&pool->next, 1, memory_order_relaxed);
        if (index >= pool->count) return;
        pool->task(pool->context, index);
        atomic_fetch_add_explicit(&pool->done, 1, memory_order_release);
    }
}

static void *worker_main(void *argument) {
    ck_pool *pool = argument;
    uint64_t seen = atomic_load_explicit(&pool->generation, memory_order_acquire);
    for (;;) {
        int spins = 0;
        uint64_t current;
        while ((current = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen) {
            if (atomic_load_explicit(&pool->stop, memory_order_relaxed)) return NULL;
            if (++spins < SPIN_ROUNDS) {
                CPU_RELAX();
                continue;
            }
            pthread_mutex_lock(&pool->mutex);
            atomic_fetch_add(&pool->sleepers, 1);
            while (atomic_load(&pool->generation) == seen && !atomic_load(&pool->stop)) {
                pthread_cond_wait(&pool->wake, &pool->mutex);
            }
            atomic_fetch_sub(&pool->sleepers, 1);
            pthread_mutex_unlock(&pool->mutex);
            spins = 0;
        }
        if (atomic_load_explicit(&pool->stop, memory_order_relaxed)) return NULL;
        seen = current;
        work(pool);
    }
}

ck_pool *ck_pool_create(int threads) {
    ck_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->threads = threads < 1 ? 1 : threads;
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pool->workers = calloc((size_t)pool->threads, sizeof(pthread_t));
    for (int i = 1; i < pool->threads; i++) {
        if (pthread_create(&pool->workers[i], NULL, worker_main, pool) != 0) {
            pool->threads = i;  // run with the workers that did start
            break;
        }
    }
    return pool;
}

void ck_pool_destroy(ck_pool *pool) {
    if (!pool) return;
    pthread_mutex_lock(&pool->mutex);
    atomic_store(&pool->stop, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    for (int i = 1; i < pool->threads; i++) pthread_join(pool->workers[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->mutex);
    free(pool->packed);
    free(pool->workers);
    free(pool);
}

int ck_pool_threads(const ck_pool *pool) { return pool ? pool->threads : 1; }

void ck_pool_run(ck_pool *pool, ck_task task, void *context, int64_t count) {
    if (count <= 0) return;
    if (!pool || pool->threads == 1 || count == 1) {
        for (int64_t i = 0; i < count; i++) task(context, i);
        return;
    }
    pool->task = task;
    pool->context = context;
    pool->count = count;
    atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->done, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->mutex);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->mutex);
    }
    work(pool);
    // Wait for the stragglers; yield now and then in case one of them was
    // descheduled (another process on the same cores), rather than spin its slice away.
    for (int spins = 0; atomic_load_explicit(&pool->done, memory_order_acquire) < count; spins++) {
        if (spins % 256 == 255) sched_yield(); else CPU_RELAX();
    }
}

// MARK: - Matrix products

typedef struct {
    int type;
    const void *weights;
    int64_t n, rows, rows_per_item;
    const void *activations;  // packed by `packed` when it is not NULL
    const ck_packed_products *packed;
    int64_t tokens;
    float *y;
    int64_t y_stride;
} matmul_job;

static void matmul_item(void *context, int64_t index) {
    const matmul_job *job = context;
    const int64_t begin = index * job->rows_per_item;
    int64_t end = begin + job->rows_per_item;
    if (end > job->rows) end = job->rows;
    if (begin >= end) return;
    if (job->packed) {
        job->packed->matmul_packed(job->type, job->weights, job->n, begin, end, job->activations, job->tokens, job->y,
                                   job->y_stride);
    } else {
        ck_matmul_rows(job->type, job->weights, job->n, begin, end, job->activations, job->tokens, job->y, job->y_stride);
    }
}

// The packed products of the active kernel path, or NULL when it has none.
static const ck_packed_products *active_packed_products(void) {
#if defined(__x86_64__)
    const ck_kernel_table *active = ck_active_kernels();
    if (active == ck_avx512_kernels()) return ck_avx512_packed_products();
    if (active == ck_avx2_kernels()) return ck_avx2_packed_products();
#endif
    return NULL;
}

// Room for `bytes` of packed activations in the pool's buffer (NULL when out of memory).
static uint8_t *packed_buffer(ck_pool *pool, size_t bytes) {
    if (bytes > pool->packed_capacity) {
        const size_t capacity = (bytes + bytes / 2 + 4095) & ~(size_t)4095;
        uint8_t *grown = aligned_alloc(64, capacity);
        if (!grown) return NULL;
        free(pool->packed);
        pool->packed = grown;
        pool->packed_capacity = capacity;
    }
    return pool->packed;
}

void ck_pool_matmul(ck_pool *pool, int weight_type, const void *weights, int64_t n, int64_t rows,
                    const void *activations, int64_t tokens, float *y, int64_t y_stride) {
    const int threads = ck_pool_threads(pool);
    // About eight items a thread balances uneven progress; rows stay in multiples
    // of 16 so neighbouring rows (and their cache lines) go to one thread.
    int64_t per_item = (rows + threads * 8 - 1) / (threads * 8);
    per_item = (per_item + 15) / 16 * 16;
    if (per_item < 16) per_item = 16;
    if ((int64_t)n * rows * tokens < (1 << 15)) per_item = rows;  // too small to share
    const int64_t items = (rows + per_item - 1) / per_item;
    matmul_job job = {weight_type, weights, n, rows, per_item, activations, NULL, tokens, y, y_stride};
    if (pool && items > 1 && tokens > 0) {
        // Pack the activations once here rather than in every item.
        const ck_packed_products *packed = active_packed_products();
        const int64_t bytes = packed ? packed->packed_bytes(weight_type, n, tokens) : 0;
        uint8_t *buffer = bytes > 0 ? packed_buffer(pool, (size_t)bytes) : NULL;
        if (buffer) {
            packed->pack(weight_type, activations, n, tokens, buffer);
            job.activations = buffer;
            job.packed = packed;
        }
    }
    ck_pool_run(pool, matmul_item, &job, items);
}

// MARK: - Attention

typedef struct {
    const float *q;
    const uint16_t *const *key_pages, *const *value_pages;
    int64_t page_size, kv_stride, heads, group, head_dim, first_position;
    float scale;
    float *out;
} attention_job;

static void attention_item(void *context, int64_t index) {
    const attention_job *job = context;
    const int64_t t = index / job->heads, head = index % job->heads;
    const int64_t positions = job->first_position + t + 1;
    const int64_t kv_offset = (head / job->group) * job->head_dim;
    const int64_t query_width = job->heads * job->head_dim;
    const int64_t pages = (positions + job->page_size - 1) / job->page_size;
    float stack_scores[4096];
    const uint16_t *stack_keys[256], *stack_values[256];
    float *scores = positions <= 4096 ? stack_scores : malloc((size_t)positions * sizeof(float));
    const uint16_t **keys = pages <= 256 ? stack_keys : malloc((size_t)pages * sizeof *keys);
    const uint16_t **values = pages <= 256 ? stack_values : malloc((size_t)pages * sizeof *values);
    if (scores && keys && values) {
        for (int64_t i = 0; i < pages; i++) {
            keys[i] = job->key_pages[i] + kv_offset;
            values[i] = job->value_pages[i] + kv_offset;
        }
        ck_attention_head_paged(job->q + t * query_width + head * job->head_dim, keys, values, job->page_size,
                                job->kv_stride, job->head_dim, positions, job->scale, scores,
                                job->out + t * query_width + head * job->head_dim);
    } else {
        ck_fill_nan(job->out + t * query_width + head * job->head_dim, job->head_dim);
    }
    if (scores != stack_scores) free(scores);
    if (keys != stack_keys) free(keys);
    if (values != stack_values) free(values);
}

void ck_pool_attention(ck_pool *pool, const float *q, const uint16_t *const *key_pages,
                       const uint16_t *const *value_pages, int64_t page_size, int64_t kv_stride,
                       int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t first_position,
                       int64_t tokens, float scale, float *out) {
    attention_job job = {q, key_pages, value_pages, page_size, kv_stride, heads, heads / kv_heads, head_dim,
                         first_position, scale, out};
    ck_pool_run(pool, attention_item, &job, tokens * heads);
}
