/* The storage backend registry: built-in backends plus those registered at
 * run time. A fixed-size static table, so registering never allocates (and
 * never pins memory of the current allocator). */
#include <pthread.h>
#include <string.h>

#include <commpolice/errors.h>
#include <commpolice/sys/storage.h>

#include "util/error.h"
#include "store/builtins.h"
#include "store/store.h"

#define REGISTRY_MAX 32
#define NAME_MAX_LEN 31

typedef struct registry_entry {
    cpol_storage_methods methods; /* copy; methods beyond the plugin's version are NULL */
    char name[NAME_MAX_LEN + 1];
    void *plugin_data;
    int builtin;
    int used;
} registry_entry;

static registry_entry registry[REGISTRY_MAX];
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static int builtins_added;

/* Size of the method table at each version, so only the part the plugin
 * knows is copied (later methods stay NULL). */
static size_t methods_size_for_version(unsigned int version)
{
    switch (version) {
    case 1: return offsetof(cpol_storage_methods, count) + sizeof(((cpol_storage_methods *)0)->count);
    default: return 0;
    }
}

static int valid_scheme(const char *name)
{
    size_t i, len = strlen(name);
    if (len == 0 || len > NAME_MAX_LEN || !(name[0] >= 'a' && name[0] <= 'z'))
        return 0;
    for (i = 1; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

/* The required methods, by name, for the error message. */
static const char *missing_method(const cpol_storage_methods *m)
{
#define REQUIRE(f) if (!m->f) return #f
    REQUIRE(open);
    REQUIRE(close);
    REQUIRE(schema_version);
    REQUIRE(migrate);
    REQUIRE(begin);
    REQUIRE(commit);
    REQUIRE(rollback);
    REQUIRE(savepoint);
    REQUIRE(release);
    REQUIRE(rollback_to);
    REQUIRE(insert);
    REQUIRE(update);
    REQUIRE(remove);
    REQUIRE(get);
    REQUIRE(query_open);
    REQUIRE(cursor_next);
    REQUIRE(cursor_close);
#undef REQUIRE
    return NULL;
}

static registry_entry *find_locked(const char *name)
{
    int i;
    for (i = 0; i < REGISTRY_MAX; i++)
        if (registry[i].used && strcmp(registry[i].name, name) == 0)
            return &registry[i];
    return NULL;
}

static int add_locked(const cpol_storage_methods *m, void *plugin_data, int builtin)
{
    const char *missing;
    int i;
    if (m->version == 0 || m->version > CPOL_STORAGE_VERSION)
        return cpol__error(CPOL_EVERSION, "cpol_storage_register: method table version %u is not supported (1..%d)",
                           m->version, CPOL_STORAGE_VERSION);
    if (!m->name || !valid_scheme(m->name))
        return cpol__error(CPOL_EINVALID,
                           "cpol_storage_register: name \"%.40s\" is not a valid URI scheme "
                           "(a-z first, then a-z 0-9 + - ., at most %d characters)",
                           m->name ? m->name : "(null)", NAME_MAX_LEN);
    missing = missing_method(m);
    if (missing)
        return cpol__error(CPOL_EINVALID, "cpol_storage_register: backend \"%s\" lacks the required method %s",
                           m->name, missing);
    if (find_locked(m->name))
        return cpol__error(CPOL_EEXISTS, "cpol_storage_register: a backend named \"%s\" is already registered",
                           m->name);
    for (i = 0; i < REGISTRY_MAX; i++) {
        registry_entry *e = &registry[i];
        if (e->used)
            continue;
        memset(e, 0, sizeof *e);
        memcpy(&e->methods, m, methods_size_for_version(m->version));
        strcpy(e->name, m->name);
        e->methods.name = e->name;
        e->plugin_data = plugin_data;
        e->builtin = builtin;
        e->used = 1;
        return CPOL_OK;
    }
    return cpol__error(CPOL_ENOMEM, "cpol_storage_register: the registry is full (%d backends)", REGISTRY_MAX);
}

static void ensure_builtins_locked(void)
{
    if (builtins_added)
        return;
    builtins_added = 1;
    const cpol_storage_methods *builtins[CPOL__BUILTINS_MAX];
    size_t n = cpol__storage_builtins(builtins, CPOL__BUILTINS_MAX);
    for (size_t i = 0; i < n; i++)
        add_locked(builtins[i], NULL, 1);
}

int cpol_storage_register(const cpol_storage_methods *methods, void *plugin_data)
{
    int rc;
    if (!methods)
        return cpol__null_arg("cpol_storage_register", "methods");
    pthread_mutex_lock(&registry_lock);
    ensure_builtins_locked();
    rc = add_locked(methods, plugin_data, 0);
    pthread_mutex_unlock(&registry_lock);
    return rc;
}

int cpol_storage_unregister(const char *name)
{
    registry_entry *e;
    int rc = CPOL_OK;
    if (!name)
        return cpol__null_arg("cpol_storage_unregister", "name");
    pthread_mutex_lock(&registry_lock);
    ensure_builtins_locked();
    e = find_locked(name);
    if (!e)
        rc = cpol__error(CPOL_ENOTFOUND, "cpol_storage_unregister: no backend named \"%.40s\"", name);
    else if (e->builtin)
        rc = cpol__error(CPOL_EINVALID, "cpol_storage_unregister: \"%s\" is built in and cannot be removed", name);
    else
        e->used = 0;
    pthread_mutex_unlock(&registry_lock);
    return rc;
}

int cpol_storage_find(const char *name, const cpol_storage_methods **out, void **plugin_data_out)
{
    registry_entry *e;
    if (!name)
        return cpol__null_arg("cpol_storage_find", "name");
    if (!out)
        return cpol__null_arg("cpol_storage_find", "out");
    pthread_mutex_lock(&registry_lock);
    ensure_builtins_locked();
    e = find_locked(name);
    if (e) {
        *out = &e->methods;
        if (plugin_data_out)
            *plugin_data_out = e->plugin_data;
    }
    pthread_mutex_unlock(&registry_lock);
    if (!e)
        return cpol__error(CPOL_ENOTFOUND, "no storage backend named \"%.40s\"", name);
    return CPOL_OK;
}

int cpol__storage_lookup(const char *name, cpol_storage_methods *copy_out, void **plugin_data_out)
{
    registry_entry *e;
    pthread_mutex_lock(&registry_lock);
    ensure_builtins_locked();
    e = find_locked(name);
    if (e) {
        if (copy_out)
            *copy_out = e->methods;
        if (plugin_data_out)
            *plugin_data_out = e->plugin_data;
    }
    pthread_mutex_unlock(&registry_lock);
    return e != NULL;
}
