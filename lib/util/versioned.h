/* Versioned structs from callers (options, fields, filters, queries): each
 * begins with `unsigned int version`, and only ever grows at the end. A caller
 * compiled against an older header passes a smaller struct, so the library
 * must read only the bytes that caller's version declares — copying the
 * struct whole reads (and, for outputs, writes) past it (the libgit2 #6210
 * class of bug). Every public entry point takes such a struct through
 * cpol__take_versioned(), never with `*filter`. */
#ifndef CPOL_UTIL_VERSIONED_H
#define CPOL_UTIL_VERSIONED_H

#include <stddef.h>

/* The size of each version of a struct, index = version (0 unused). While a
 * struct has one version: CPOL__SIZES_V1(type). When version 2 adds fields,
 * replace it with (const size_t[]){0, offsetof(type, first_v2_field), sizeof(type)}. */
#define CPOL__SIZES_V1(type) ((const size_t[]){0, sizeof(type)})

/* Check 1 <= src->version <= max (CPOL_EVERSION "<func>: <what> version N is
 * not supported" otherwise) and copy the bytes of src's version over dst,
 * which holds the library's defaults for everything newer. dst's version is
 * set to the current one (max). */
int cpol__take_versioned(void *dst, const void *src, const size_t *sizes, unsigned int max, const char *func,
                         const char *what);

/* The same for an initialiser (cpol_*_init(ptr, version)): clear exactly the
 * bytes of `version` and set it. */
int cpol__init_versioned(void *dst, unsigned int version, const size_t *sizes, unsigned int max, const char *func,
                         const char *what);

#endif
