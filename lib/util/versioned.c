/* Versioned structs: copy only the caller's prefix (see versioned.h). */
#include <string.h>

#include "util/error.h"
#include "util/versioned.h"

static int check(unsigned int version, unsigned int max, const char *func, const char *what)
{
    if (version == 0 || version > max)
        return cpol__error(CPOL_EVERSION, "%s: %s version %u is not supported (1..%u)", func, what, version, max);
    return CPOL_OK;
}

int cpol__take_versioned(void *dst, const void *src, const size_t *sizes, unsigned int max, const char *func,
                         const char *what)
{
    unsigned int version;
    int rc;
    memcpy(&version, src, sizeof version);
    rc = check(version, max, func, what);
    if (rc < 0)
        return rc;
    memcpy(dst, src, sizes[version]);
    memcpy(dst, &max, sizeof max);
    return CPOL_OK;
}

int cpol__init_versioned(void *dst, unsigned int version, const size_t *sizes, unsigned int max, const char *func,
                         const char *what)
{
    int rc = check(version, max, func, what);
    if (rc < 0)
        return rc;
    memset(dst, 0, sizes[version]);
    memcpy(dst, &version, sizeof version);
    return CPOL_OK;
}
