/* Test-only storage backends shared by the conformance suite.
 *
 * list_backend.c  - "listdb": a third-party backend written only against the
 *                   public sys/ API (plain arrays, snapshot transactions).
 * fault_backend.c - "fault": wraps another registered backend ("fault:memory:",
 *                   "fault:sqlite:/tmp/x.db") and fails chosen calls on demand.
 *
 * Neither is registered automatically: call
 *     cpol_storage_register(test_list_backend(), NULL);
 *     cpol_storage_register(test_fault_backend(), NULL);
 */
#ifndef CPOL_TESTS_CONFORMANCE_TEST_BACKENDS_H
#define CPOL_TESTS_CONFORMANCE_TEST_BACKENDS_H

#include <commpolice/sys/storage.h>

/* The "listdb" backend. Every open() creates a fresh, empty store (the
 * location is ignored); the data lives until close(). Opening with
 * CPOL_OPEN_NOCREATE or CPOL_OPEN_READONLY fails with CPOL_ENOTFOUND, since
 * such a store never exists beforehand. */
const cpol_storage_methods *test_list_backend(void);

/* The "fault" backend. Location is an inner URI "scheme:location"; every
 * method is delegated to the inner backend found with cpol_storage_find().
 *
 * Fault injection is global (all fault stores share it) and not thread-safe.
 * It is one-shot: only the armed call fails, later calls pass through.
 * A failing call returns CPOL_EIO with the message
 * "fault: injected failure in <method>" and does NOT reach the inner backend,
 * except commit(), which rolls the inner transaction back and then fails (a
 * backend that lost its commit). rollback(), rollback_to(), close() and
 * cursor_close() never fail and are never counted. */

/* Fail the n-th mutating call (begin, commit, savepoint, release, insert,
 * update, remove) from now; 0 disarms. Resets the call counter. */
void test_fault_arm(long n);
/* Like test_fault_arm(), but the non-mutating calls count and can fail too:
 * schema_version, migrate, get, query_open, cursor_next, count (open() is
 * never counted). */
void test_fault_arm_any(long n);
/* Calls counted since the last arm (mutating ones, or all countable ones
 * after test_fault_arm_any()), including the failed one. */
long test_fault_calls(void);
/* 1 if the armed failure has fired since the last arm, else 0. */
int test_fault_fired(void);

const cpol_storage_methods *test_fault_backend(void);

#endif
