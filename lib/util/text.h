/* Internal text validation: UTF-8 and length limits. */
#ifndef CPOL_CORE_TEXT_H
#define CPOL_CORE_TEXT_H

#include <stddef.h>

/* 1 if the len bytes at s are well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF, no NUL byte), else 0. On failure *bad_offset (if not
 * NULL) receives the offset of the first bad byte. */
int cpol__utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* Validate a caller-supplied string argument: not NULL, at most max bytes
 * (scanning at most max+1 bytes, so an unterminated huge buffer is never read
 * past the limit), valid UTF-8. Sets the error naming func and what.
 * Returns CPOL_OK and stores the length in *len_out, or CPOL_EMISUSE /
 * CPOL_ETOOLONG / CPOL_EUTF8. min is the minimum length (0 or 1). */
int cpol__check_text(const char *func, const char *what, const char *s,
                     size_t min, size_t max, size_t *len_out);

/* The same with the limit in characters (Unicode code points, as Open311
 * counts them): at most max_chars characters, so at most 4 * max_chars
 * bytes are read. *len_out receives the length in bytes. */
int cpol__check_text_chars(const char *func, const char *what, const char *s,
                           size_t min, size_t max_chars, size_t *len_out);

#endif
