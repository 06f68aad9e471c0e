#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"

const char *tu_tmpdir(void)
{
    static char slots[8][64];
    static int next;
    char *p = slots[next++ % 8];
    strcpy(p, "/tmp/cpoltest.XXXXXX");
    if (!mkdtemp(p)) {
        perror("mkdtemp");
        abort();
    }
    return p;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tu_rmtree(const char *path)
{
    if (path && path[0])
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tu_path(char *buf, size_t size, const char *dir, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
    return buf;
}

const char *tu_store_backend(void)
{
    const char *pg = getenv("CPOL_TEST_PG_URI");
    return pg && *pg ? "postgresql" : "sqlite";
}

const char *tu_store_uri(char *buf, size_t size, const char *dir, const char *file)
{
    static unsigned long long salt; /* differs between runs on a reused server */
    const char *pg = getenv("CPOL_TEST_PG_URI");
    unsigned long long h;
    const char *p;
    if (!pg || !*pg) {
        snprintf(buf, size, "sqlite:%s/%s", dir, file);
        return buf;
    }
    if (!salt)
        salt = (unsigned long long)time(NULL) << 20 ^ (unsigned long long)getpid();
    h = 1469598103934665603ull ^ salt;
    for (p = dir; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (p = file; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    snprintf(buf, size, "%s%sschema=t_%016llx", pg, strchr(pg, '?') ? "&" : "?", h);
    return buf;
}

char *tu_id_card(const char *first17, char out[19])
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int i, sum = 0;
    for (i = 0; i < 17; i++)
        sum += (first17[i] - '0') * weights[i];
    memcpy(out, first17, 17);
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
    return out;
}

int tu_key(void *payload, const char *key_id, unsigned char key[CPOL_KEY_LEN])
{
    size_t i;
    int which;
    (void)payload;
    if (strcmp(key_id, "test-key-1") == 0)
        which = 1;
    else if (strcmp(key_id, "test-key-2") == 0)
        which = 2;
    else
        return -1;
    for (i = 0; i < CPOL_KEY_LEN; i++)
        key[i] = (unsigned char)(i * 7 + which * 31);
    return 0;
}

cpol_open_options *tu_keyed(cpol_open_options *o)
{
    if (o->version >= 2 && !o->key) {
        o->key = tu_key;
        o->key_id = TU_KEY_ID;
    }
    return o;
}

const cpol_open_options *tu_options(void)
{
    static cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    return tu_keyed(&o);
}
