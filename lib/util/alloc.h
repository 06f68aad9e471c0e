/* Internal allocation helpers. Every allocation of the library goes through
 * these, so the hooks of commpolice/sys/alloc.h see all of them. */
#ifndef CPOL_CORE_ALLOC_H
#define CPOL_CORE_ALLOC_H

#include <stddef.h>

/* Allocate zeroed memory; NULL when out of memory (error NOT set). */
void *cpol__calloc(size_t n, size_t size);
/* Duplicate the first len bytes of s and add a NUL; NULL when out of memory. */
char *cpol__strndup(const char *s, size_t len);
/* Duplicate a NUL-terminated string; NULL when out of memory. */
char *cpol__strdup(const char *s);
/* Set the ENOMEM error and return CPOL_ENOMEM. */
int cpol__oom(void);

#endif
