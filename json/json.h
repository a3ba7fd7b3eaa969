/*
 * json.h — the one JSON writer: every `--json` and `-j` output of the
 * tree (rumplab's views, the rump.* commands, shmif_stat) is written
 * through it, so that all of them escape strings the same way.
 *
 * Strings are bytes from anywhere (node logs, file names, topology
 * values) and come out as RFC 8259 string literals: '"' and '\' escaped,
 * control characters (U+0000 to U+001F) and DEL as \b \f \n \r \t or
 * \u00XX, well-formed UTF-8 copied as it is, and what is not
 * well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF) written as \ufffd, the replacement character, once for
 * each maximal subpart as Unicode recommends (and Python's "replace"
 * does).
 * The output is therefore always valid UTF-8 and valid JSON, whatever
 * the input.
 *
 * struct jw writes one value (an object, an array or a scalar) as a
 * stream, with the commas and colons in their places: a member of an
 * object is given its key, an element of an array (or the top value)
 * gets key NULL.  Misuse (a key in an array, none in an object, a close
 * that does not match, more than JW_MAXDEPTH levels) is remembered and
 * returned by jw_end(), which also ends the value with a newline and
 * reports a write error.  Compact output, no spaces.
 *
 * Contract: nothing allocates; one struct jw per value, owned by its
 * caller; not thread-safe.  Only jw_end() returns an error (-EINVAL for
 * misuse, -EIO when the stream failed).
 */
#ifndef RUMPLAB_JSON_H
#define RUMPLAB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAXDEPTH	32

struct jw {
	FILE		*f;
	int		 depth;		/* levels open */
	uint32_t	 isobj;		/* bit d: level d is an object */
	uint32_t	 more;		/* bit d: level d has a member */
	int		 err;		/* the first misuse, -EINVAL */
};

void	jw_init(struct jw *w, FILE *f);
void	jw_object(struct jw *w, const char *key);	/* { */
void	jw_array(struct jw *w, const char *key);	/* [ */
void	jw_close(struct jw *w);				/* } or ] */
void	jw_str(struct jw *w, const char *key, const char *s);	/* NULL: null */
void	jw_strn(struct jw *w, const char *key, const char *s, size_t n);
void	jw_int(struct jw *w, const char *key, long long v);
void	jw_uint(struct jw *w, const char *key, unsigned long long v);
void	jw_double(struct jw *w, const char *key, double v); /* NaN, inf: null */
void	jw_bool(struct jw *w, const char *key, bool v);
void	jw_null(struct jw *w, const char *key);
/*
 * A number the caller formatted ("1234.000056"): written as it is, so it
 * must be a JSON number; anything else makes jw_end() fail with -EINVAL.
 */
__attribute__((format(printf, 3, 4)))
void	jw_numf(struct jw *w, const char *key, const char *fmt, ...);
/* Writes a newline and flushes: 0 or -errno.  What is still open is
 * closed (and is -EINVAL). */
int	jw_end(struct jw *w);

/* s[0..n) as a JSON string literal, quotes included (the rules above). */
void	json_quote(FILE *f, const char *s, size_t n);
/*
 * The length of the well-formed UTF-8 sequence at s (at most n bytes
 * looked at): 1 to 4, or 0 when s[0] does not begin one.
 */
size_t	utf8_seqlen(const unsigned char *s, size_t n);

#endif
