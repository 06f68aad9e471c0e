/* The list of every table the core stores. Modules define their tables next
 * to their code; this file only gathers them. */
#include "schema.h"

static const cpol_table *const tables[] = {
    &cpol__table_setting,
};

static const cpol_schema schema = {
    CPOL__SCHEMA_VERSION,
    sizeof tables / sizeof tables[0],
    tables,
};

const cpol_schema *cpol__schema(void)
{
    return &schema;
}
