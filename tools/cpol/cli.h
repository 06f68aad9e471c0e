/* cpol, the command-line tool of libcommpolice: what every subcommand shares.
 *
 * The tool is built on the public API only (<commpolice/commpolice.h>); the
 * one exception is `cpol backup`, which copies a SQLite file with SQLite's
 * own online backup API. Every subcommand opens the store named by --db,
 * acts as the actor named by --as, and turns a library status into one of
 * the documented exit codes (cli_exit_code(), docs/guide-cli.md). */
#ifndef CPOL_CLI_H
#define CPOL_CLI_H

#include <stdarg.h>
#include <stdio.h>

#include <commpolice/commpolice.h>

/* Exit codes scripts may rely on (docs/guide-cli.md). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_ERROR = 1,     /* unexpected failure (CPOL_ERROR, CPOL_ENOMEM, CPOL_EUSER) */
    CLI_EXIT_USAGE = 2,     /* bad command line */
    CLI_EXIT_INPUT = 3,     /* bad input: CPOL_EINVALID, CPOL_EUTF8, CPOL_ETOOLONG, rejected import rows */
    CLI_EXIT_NOTFOUND = 4,  /* CPOL_ENOTFOUND */
    CLI_EXIT_PERM = 5,      /* CPOL_EPERM: the actor may not do this */
    CLI_EXIT_RULE = 6,      /* a domain rule: ERULE, ESTATE, EEXISTS, ECONFLICT, ELIMIT, EFUNDS */
    CLI_EXIT_STORAGE = 7,   /* storage: ESTORAGE, EBUSY, EIO, EREADONLY, ESCHEME, ENOTSUPPORTED */
    CLI_EXIT_DAMAGED = 8,   /* damaged or foreign data: ECORRUPT, ESCHEMA, EVERSION, a failed verification */
    CLI_EXIT_KEY = 9        /* CPOL_EKEY: the key is missing or wrong */
};

enum { CLI_LANG_EN = 0, CLI_LANG_ZH = 1 };

/* Output formats of listing and report commands. */
enum { CLI_FMT_TABLE = 0, CLI_FMT_CSV = 1, CLI_FMT_JSON = 2 };

typedef struct cli {
    const char *prog;        /* "cpol" */
    const char *command;     /* the subcommand, for messages */
    const char *db;          /* --db: a path (SQLite) or a storage URI */
    const char *as;          /* --as: "system", or PERSON:ROLE */
    const char *key_file;    /* --key-file, or $CPOL_KEY_FILE */
    const char *key_id;      /* --key-id for a new store */
    int plaintext;           /* --plaintext */
    int read_only;           /* the command only reads */
    int lang;                /* --lang zh|en, default from the locale */
    int progress;            /* draw progress bars (stderr is a terminal) */
    int format;              /* --csv / --json */
    cpol_time fixed_now;     /* --now (tests, demos): a fixed clock; 0 = real time */
    cpol_ctx *ctx;
    cpol_actor *actor;       /* the actor of --as, opened by cli_open() */
    cpol_actor *sys;         /* the system actor, when a command needs it (demo, init) */
} cli;

/* The text in the chosen language. */
#define TR(c, en, zh) ((c)->lang == CLI_LANG_ZH ? (zh) : (en))

/* Map a library status to an exit code. */
int cli_exit_code(int status);

/* Print "cpol <command>: <what>: <status>: <library message>" and return the
 * exit code for @p status. */
int cli_fail(cli *c, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Print "cpol <command>: <message>" for a command-line mistake; returns CLI_EXIT_USAGE. */
int cli_usage_error(cli *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Open the store of --db (creating it unless @p must_exist) and the actor
 * of --as. Returns an exit code (0 on success; the error was printed). */
int cli_open(cli *c, int must_exist);
/* Close what cli_open() opened; returns an exit code. */
int cli_close(cli *c);

/* The storage URI for --db: "sqlite:PATH" for a plain path. */
void cli_uri(const char *db, char *buf, size_t size);
/* The SQLite file of --db, or NULL if the store is not a SQLite file. */
const char *cli_sqlite_path(const char *db);

/* Parse an actor spec ("system", "PERSON-ID:ROLE", "NAME:ROLE") and open it. */
int cli_actor_open(cli *c, const char *spec, cpol_actor **out);
/* A role by its English name ("officer", "grid-worker", …); 0 if unknown. */
int cli_role_parse(const char *name);

/* Parse an id, or print an input error (exit code in *rc). */
int cli_id_arg(cli *c, const char *text, const char *what, cpol_id *out);

/* A time: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" in China time (UTC+8), or
 * milliseconds since the epoch. Returns 0 on success, -1 if malformed. */
int cli_time_parse(const char *text, cpol_time *out);
/* Format a time in China time, "YYYY-MM-DD HH:MM". */
void cli_time_format(cpol_time t, char *buf, size_t size);
/* Format a duration in milliseconds as "3 h 20 min" / "3小时20分". */
void cli_duration_format(const cli *c, int64_t ms, char *buf, size_t size);

/* A progress bar on stderr when it is a terminal: done of total. */
void cli_progress(const cli *c, const char *label, long done, long total);

/* An id as text, in a static rotating buffer (for printing). */
const char *cli_id_text(const cpol_id *id);

/* Print an aligned table: the caller adds rows of n cells, then prints. */
typedef struct cli_table cli_table;
cli_table *cli_table_new(int columns);
void cli_table_row(cli_table *t, const char *const *cells);
/* Print as the chosen format (table, CSV or JSON records with these headers). */
void cli_table_print(const cli *c, cli_table *t, const char *const *headers, FILE *out);
void cli_table_free(cli_table *t);

/* The display width of UTF-8 text (CJK characters count two columns). */
int cli_text_width(const char *s);

#endif
