/* cpol: aligned tables, CSV and JSON output of the same rows (see cli.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct cli_table {
    int columns;
    size_t rows, cap;
    char **cells; /* rows × columns, owned */
};

cli_table *cli_table_new(int columns)
{
    cli_table *t = calloc(1, sizeof *t);
    if (t)
        t->columns = columns;
    return t;
}

static char *copy(const char *s)
{
    size_t n = strlen(s ? s : "");
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s ? s : "", n + 1);
    return d;
}

void cli_table_row(cli_table *t, const char *const *cells)
{
    int i;
    if (!t)
        return;
    if (t->rows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **grown = realloc(t->cells, cap * (size_t)t->columns * sizeof *grown);
        if (!grown)
            return; /* out of memory: the row is dropped, never half-written */
        t->cells = grown;
        t->cap = cap;
    }
    for (i = 0; i < t->columns; i++)
        t->cells[t->rows * (size_t)t->columns + (size_t)i] = copy(cells[i]);
    t->rows++;
}

void cli_table_free(cli_table *t)
{
    size_t i;
    if (!t)
        return;
    for (i = 0; i < t->rows * (size_t)t->columns; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

int cli_text_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;
    while (*p) {
        unsigned cp;
        int len;
        if (*p < 0x80) {
            cp = *p;
            len = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1Fu;
            len = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0Fu;
            len = 3;
        } else {
            cp = *p & 0x07u;
            len = 4;
        }
        for (int i = 1; i < len; i++) {
            if (!p[i])
                return w + 1;
            cp = cp << 6 | (p[i] & 0x3Fu);
        }
        p += len;
        /* CJK, Hangul, full-width forms and emoji take two columns */
        w += (cp >= 0x1100 && (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3)
                               || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F)
                               || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6)
                               || cp >= 0x1F300))
                 ? 2
                 : 1;
    }
    return w;
}

static int numeric(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || *s == '.' || *s == '%' || *s == ','))
            return 0;
    return 1;
}

static void print_csv_cell(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
}

static void print_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", out);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

void cli_table_print(const cli *c, cli_table *t, const char *const *headers, FILE *out)
{
    size_t r;
    int i;
    if (!t)
        return;
    if (c->format == CLI_FMT_CSV) {
        for (i = 0; i < t->columns; i++) {
            if (i)
                fputc(',', out);
            print_csv_cell(out, headers[i]);
        }
        fputs("\r\n", out);
        for (r = 0; r < t->rows; r++) {
            for (i = 0; i < t->columns; i++) {
                if (i)
                    fputc(',', out);
                print_csv_cell(out, t->cells[r * (size_t)t->columns + (size_t)i]);
            }
            fputs("\r\n", out);
        }
        return;
    }
    if (c->format == CLI_FMT_JSON) {
        fputs("[", out);
        for (r = 0; r < t->rows; r++) {
            fputs(r ? ",\n {" : "\n {", out);
            for (i = 0; i < t->columns; i++) {
                const char *v = t->cells[r * (size_t)t->columns + (size_t)i];
                if (i)
                    fputs(", ", out);
                print_json_string(out, headers[i]);
                fputs(": ", out);
                print_json_string(out, v);
            }
            fputs("}", out);
        }
        fputs(t->rows ? "\n]\n" : "]\n", out);
        return;
    }
    {
        int widths[32] = {0};
        int n = t->columns < 32 ? t->columns : 32;
        for (i = 0; i < n; i++)
            widths[i] = cli_text_width(headers[i]);
        for (r = 0; r < t->rows; r++)
            for (i = 0; i < n; i++) {
                int w = cli_text_width(t->cells[r * (size_t)t->columns + (size_t)i]);
                if (w > widths[i])
                    widths[i] = w;
            }
        for (r = 0; r <= t->rows; r++) {
            for (i = 0; i < n; i++) {
                const char *v = r == 0 ? headers[i] : t->cells[(r - 1) * (size_t)t->columns + (size_t)i];
                int pad = widths[i] - cli_text_width(v);
                int right = r > 0 && numeric(v);
                if (right)
                    fprintf(out, "%*s", pad, "");
                fputs(v, out);
                if (i + 1 < n)
                    fprintf(out, "%*s", right ? 2 : pad + 2, "");
            }
            fputc('\n', out);
        }
    }
}
