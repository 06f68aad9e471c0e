/* The core's schema: every table of every domain module, and its version.
 * Raise CPOL__SCHEMA_VERSION whenever a table, column or index is added;
 * backends create what is missing on open (columns added later must be
 * nullable, since existing rows get NULL). Nothing is ever dropped. */
#ifndef CPOL_CORE_SCHEMA_H
#define CPOL_CORE_SCHEMA_H

#include "store/record.h"

#define CPOL__SCHEMA_VERSION 5

const cpol_schema *cpol__schema(void);

/* Tables, defined by their modules. */
extern const cpol_table cpol__table_setting;
extern const cpol_table cpol__table_key; /* store/crypt.c */

#endif
