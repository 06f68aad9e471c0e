/* Acknowledged writes survive a crash: a child process writes settings to a
 * SQLite file and reports each acknowledged write (single writes and whole
 * batches) through a pipe; the parent kills it with SIGKILL at a random
 * moment, reopens the file and checks that every acknowledged write is there
 * and that no batch is half-applied. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <commpolice/commpolice.h>

#include "../support/test_util.h"
#include "../support/fixture.h"

#define BATCH 5

/* Child: write forever, acknowledging each committed unit with its number. */
static void writer(const char *uri, int ack_fd)
{
    cpol_ctx *ctx;
    char key[32], val[32];
    long unit;
    if (cpol_ctx_open(&ctx, uri, tu_options()) != CPOL_OK)
        _exit(2);
    for (unit = 0;; unit++) {
        int rc;
        if (unit % 2 == 0) {
            snprintf(key, sizeof key, "single.%06ld", unit);
            snprintf(val, sizeof val, "%ld", unit);
            rc = cpol_setting_set(ctx, fx_sys(ctx), key, val);
        } else {
            int j;
            rc = cpol_batch_begin(ctx);
            for (j = 0; j < BATCH && rc == CPOL_OK; j++) {
                snprintf(key, sizeof key, "batch.%06ld.%d", unit, j);
                rc = cpol_setting_set(ctx, fx_sys(ctx), key, "b");
            }
            if (rc == CPOL_OK)
                rc = cpol_batch_commit(ctx);
        }
        if (rc != CPOL_OK)
            _exit(3);
        if (write(ack_fd, &unit, sizeof unit) != (ssize_t)sizeof unit)
            _exit(4);
    }
}

static int has_key(cpol_ctx *ctx, const char *key)
{
    char *v = NULL;
    int rc = cpol_setting_get(ctx, fx_sys(ctx), key, &v);
    cpol_free(v);
    ck_assert_msg(rc == CPOL_OK || rc == CPOL_ENOTFOUND, "get %s: %s", key, cpol_error_message());
    return rc == CPOL_OK;
}

START_TEST(acknowledged_writes_survive_sigkill)
{
    const char *dir = tu_tmpdir();
    char uri[512];
    int round;
    srand((unsigned)time(NULL));
    for (round = 0; round < 5; round++) {
        int fds[2], status;
        long unit, last = -1, u;
        pid_t pid;
        cpol_ctx *ctx;
        struct timespec pause = {0, (long)(rand() % 200 + 20) * 1000000L};
        snprintf(uri, sizeof uri, "sqlite:%s/crash%d.db", dir, round);
        ck_assert_int_eq(pipe(fds), 0);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            close(fds[0]);
            writer(uri, fds[1]);
        }
        close(fds[1]);
        nanosleep(&pause, NULL);
        kill(pid, SIGKILL);
        while (read(fds[0], &unit, sizeof unit) == (ssize_t)sizeof unit)
            last = unit;
        close(fds[0]);
        waitpid(pid, &status, 0);
        ck_assert_msg(WIFSIGNALED(status), "writer exited on its own with %d", WEXITSTATUS(status));

        ck_assert_int_eq(cpol_ctx_open(&ctx, uri, tu_options()), CPOL_OK);
        /* every acknowledged unit is there; batches are all-or-nothing */
        for (u = 0; u <= last + 1; u++) {
            char key[32];
            if (u % 2 == 0) {
                snprintf(key, sizeof key, "single.%06ld", u);
                if (u <= last)
                    ck_assert_msg(has_key(ctx, key), "round %d: acknowledged %s lost", round, key);
            } else {
                int j, present = 0;
                for (j = 0; j < BATCH; j++) {
                    snprintf(key, sizeof key, "batch.%06ld.%d", u, j);
                    present += has_key(ctx, key);
                }
                ck_assert_msg(present == 0 || present == BATCH, "round %d: batch %ld half applied (%d of %d)",
                              round, u, present, BATCH);
                if (u <= last)
                    ck_assert_msg(present == BATCH, "round %d: acknowledged batch %ld lost", round, u);
            }
        }
        ck_assert_int_eq(cpol_ctx_close(ctx), CPOL_OK);
    }
    tu_rmtree(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("durability");
    TCase *tc = tcase_create("crash");
    SRunner *sr;
    int failed;
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, acknowledged_writes_survive_sigkill);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
