#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
