/* Built-in storage backends; listed for the registry by builtins.c. */
#ifndef CPOL_STORAGE_BACKENDS_H
#define CPOL_STORAGE_BACKENDS_H

#include <commpolice/sys/storage.h>

const cpol_storage_methods *cpol__storage_memory(void);
const cpol_storage_methods *cpol__storage_sqlite(void);
/* Only when built with CPOL_HAVE_POSTGRES (libpq). */
const cpol_storage_methods *cpol__storage_postgres(void);

#endif
