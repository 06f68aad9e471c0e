/**
 * @file commpolice/sys/alloc.h
 * @brief Allocator hooks: route every allocation of the library through yours.
 *
 * Embedders with their own heap (kiosk firmware, a memory-accounting host)
 * install an allocator once, before anything else. All memory the library
 * allocates, including what it hands out for cpol_free(), goes through it.
 * Memory allocated inside third-party libraries the backends use (SQLite,
 * libpq) is not affected: changing their process-wide allocators would break
 * other users of those libraries in the same process.
 */
#ifndef COMMPOLICE_SYS_ALLOC_H
#define COMMPOLICE_SYS_ALLOC_H

#include "../common.h"

CPOL_BEGIN_DECL

/**
 * A set of allocation functions. All three are required. They must behave
 * like malloc(), realloc() and free(): `realloc(NULL, n)` allocates, and
 * `free(NULL)` does nothing. Returning NULL from malloc or realloc makes the
 * library call fail cleanly with #CPOL_ENOMEM.
 */
typedef struct cpol_allocator {
    unsigned int version;                                  /**< #CPOL_ALLOCATOR_VERSION */
    void *(*malloc_fn)(size_t size, void *payload);            /**< allocate @p size bytes (never called with 0) */
    void *(*realloc_fn)(void *ptr, size_t size, void *payload); /**< resize (never called with size 0) */
    void (*free_fn)(void *ptr, void *payload);                 /**< release; @p ptr may be NULL */
    void *payload;                                         /**< passed to every call unchanged */
} cpol_allocator;

/** The current version of #cpol_allocator. */
#define CPOL_ALLOCATOR_VERSION 1

/**
 * Install an allocator, or restore the C library's with NULL.
 *
 * Call it before any other library call, or when every object the library
 * handed out has been freed: memory must be freed by the allocator that made it.
 * Not thread-safe with respect to other library calls.
 *
 * @param allocator  the functions (copied), or NULL for malloc/realloc/free
 * @return #CPOL_OK; #CPOL_EVERSION for an unknown version; #CPOL_EINVALID if a
 *         function is missing; #CPOL_EBUSY if memory from the current
 *         allocator is still in use (contexts, iterators, strings not yet freed)
 * @since 0.1
 */
CPOL_API int cpol_allocator_set(const cpol_allocator *allocator);

/**
 * Allocate through the library's allocator (for plugins that hand memory to
 * the library or its callers).
 * @param size  bytes; 0 is treated as 1
 * @return the memory (free with cpol_free()), or NULL when out of memory
 * @since 0.1
 */
CPOL_API void *cpol_malloc(size_t size);

/**
 * Resize memory from cpol_malloc().
 * @param ptr   memory from cpol_malloc() or cpol_realloc(), or NULL
 * @param size  new size in bytes; 0 is treated as 1
 * @return the memory, or NULL when out of memory (then @p ptr is unchanged)
 * @since 0.1
 */
CPOL_API void *cpol_realloc(void *ptr, size_t size);

CPOL_END_DECL

#endif /* COMMPOLICE_SYS_ALLOC_H */
