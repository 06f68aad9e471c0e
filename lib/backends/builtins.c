/* The built-in backends, listed for the registry (see store/builtins.h for
 * why the registry does not include the backends itself). */
#include "store/builtins.h"
#include "backends/backends.h"

size_t cpol__storage_builtins(const cpol_storage_methods **out, size_t max)
{
    const cpol_storage_methods *all[] = {
        cpol__storage_memory(),
        cpol__storage_sqlite(),
#ifdef CPOL_HAVE_POSTGRES
        cpol__storage_postgres(),
#endif
    };
    size_t n = sizeof all / sizeof all[0];
    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++)
        out[i] = all[i];
    return n;
}
