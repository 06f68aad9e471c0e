/* The allocator hooks. Every allocation of the library goes through
 * cpol_malloc/cpol_realloc/cpol_free. A live-allocation counter lets
 * cpol_allocator_set() refuse to swap allocators while memory from the
 * current one is still out (it would later be freed by the wrong one). */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/common.h>
#include <commpolice/sys/alloc.h>

#include "util/alloc.h"
#include "util/error.h"

static void *default_malloc(size_t size, void *payload)
{
    (void)payload;
    return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *payload)
{
    (void)payload;
    return realloc(ptr, size);
}

static void default_free(void *ptr, void *payload)
{
    (void)payload;
    free(ptr);
}

static cpol_allocator current = {CPOL_ALLOCATOR_VERSION, default_malloc, default_realloc,
                                 default_free, NULL};
static atomic_long live_allocations;

int cpol_allocator_set(const cpol_allocator *allocator)
{
    if (allocator && (allocator->version == 0 || allocator->version > CPOL_ALLOCATOR_VERSION))
        return cpol__error(CPOL_EVERSION, "cpol_allocator_set: allocator version %u is not supported (1..%d)",
                           allocator->version, CPOL_ALLOCATOR_VERSION);
    if (allocator && (!allocator->malloc_fn || !allocator->realloc_fn || !allocator->free_fn))
        return cpol__error(CPOL_EINVALID, "cpol_allocator_set: %s is NULL",
                           !allocator->malloc_fn    ? "malloc_fn"
                           : !allocator->realloc_fn ? "realloc_fn"
                                                    : "free_fn");
    if (atomic_load(&live_allocations) != 0)
        return cpol__error(CPOL_EBUSY, "cpol_allocator_set: %ld allocations of the current allocator are still in use",
                           (long)atomic_load(&live_allocations));
    if (allocator) {
        current = *allocator;
    } else {
        current.malloc_fn = default_malloc;
        current.realloc_fn = default_realloc;
        current.free_fn = default_free;
        current.payload = NULL;
    }
    current.version = CPOL_ALLOCATOR_VERSION;
    return CPOL_OK;
}

void *cpol_malloc(size_t size)
{
    void *p = current.malloc_fn(size ? size : 1, current.payload);
    if (p)
        atomic_fetch_add(&live_allocations, 1);
    return p;
}

void *cpol_realloc(void *ptr, size_t size)
{
    void *p;
    if (!ptr)
        return cpol_malloc(size);
    p = current.realloc_fn(ptr, size ? size : 1, current.payload);
    return p;
}

void cpol_free(void *ptr)
{
    if (!ptr)
        return;
    atomic_fetch_sub(&live_allocations, 1);
    current.free_fn(ptr, current.payload);
}

void *cpol__calloc(size_t n, size_t size)
{
    void *p;
    if (size && n > (size_t)-1 / size)
        return NULL;
    p = cpol_malloc(n * size);
    if (p)
        memset(p, 0, (n * size) != 0 ? n * size : 1);
    return p;
}

char *cpol__strndup(const char *s, size_t len)
{
    char *p = cpol_malloc(len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *cpol__strdup(const char *s)
{
    return cpol__strndup(s, strlen(s));
}

int cpol__oom(void)
{
    return cpol_error_set_str(CPOL_ENOMEM, "out of memory");
}
