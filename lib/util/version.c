/* Run-time version and the feature query. */
#include <string.h>

#include <commpolice/sys/storage.h>
#include <commpolice/version.h>

#include "store/store.h"

unsigned int cpol_version_number(void)
{
    return CPOL_VERSION_NUMBER;
}

const char *cpol_version_string(void)
{
    return CPOL_VERSION;
}

int cpol_has_feature(const char *name)
{
    static const char storage_prefix[] = "storage.";
    if (!name)
        return 0;
    if (strcmp(name, "threads") == 0)
        return 1;
    if (strncmp(name, storage_prefix, sizeof storage_prefix - 1) == 0)
        return cpol__storage_lookup(name + sizeof storage_prefix - 1, NULL, NULL);
    return 0;
}
