/*
 * json.c — the JSON writer (json/json.h): string escaping per RFC 8259
 * over bytes that may not be UTF-8, and a streaming writer that puts the
 * commas, colons and brackets where they belong.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "json/json.h"

/*
 * The lead byte's sequence length and the range of its second byte (the
 * ranges rule out overlong forms, surrogates and code points above
 * U+10FFFF); 0 for a byte that cannot lead (continuation, C0, C1, F5-FF).
 */
static size_t
utf8_lead(unsigned char c, unsigned *lo, unsigned *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c == 0xe0)
		*lo = 0xa0;
	else if (c == 0xed)
		*hi = 0x9f;
	else if (c == 0xf0)
		*lo = 0x90;
	else if (c == 0xf4)
		*hi = 0x8f;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/*
 * How many bytes at s begin a well-formed sequence without ending one:
 * the "maximal subpart" that Unicode (chapter 3, U+FFFD substitution)
 * replaces with one U+FFFD, as Python's errors="replace" does.  At least 1.
 */
static size_t
utf8_badlen(const unsigned char *s, size_t n)
{
	unsigned lo, hi;
	size_t len = utf8_lead(s[0], &lo, &hi), i = 1;

	if (len == 0 || n < 2 || s[1] < lo || s[1] > hi)
		return 1;
	for (i = 2; i < len && i < n && s[i] >= 0x80 && s[i] <= 0xbf; i++)
		;
	return i;
}

size_t
utf8_seqlen(const unsigned char *s, size_t n)
{
	unsigned lo, hi;
	size_t len, i;

	if (n == 0 || (len = utf8_lead(s[0], &lo, &hi)) == 0 || n < len)
		return 0;
	if (len > 1 && (s[1] < lo || s[1] > hi))
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void
json_quote(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + n;
	size_t run, k;

	fputc('"', f);
	while (s < end) {
		/* Copy what needs no escape in one go. */
		for (run = 0; s + run < end; run += k) {
			if (s[run] < 0x20 || s[run] == '"' || s[run] == '\\' ||
			    s[run] == 0x7f)
				break;
			if ((k = utf8_seqlen(s + run, (size_t)(end - s - run)))
			    == 0)
				break;
		}
		fwrite(s, 1, run, f);
		if ((s += run) == end)
			break;
		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(f, "\\u%04x", *s);
				break;
			}
			/* Not UTF-8: one U+FFFD for its maximal subpart. */
			fputs("\\ufffd", f);
			s += utf8_badlen(s, (size_t)(end - s)) - 1;
		}
		s++;
	}
	fputc('"', f);
}

void
jw_init(struct jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

/* Before any value: its comma, and its key where one belongs. */
static bool
member(struct jw *w, const char *key)
{
	int d = w->depth;
	bool obj = d > 0 && (w->isobj & (1u << d));

	if (w->err != 0)
		return false;
	if ((d == 0 && (key != NULL || w->more & 1u)) ||
	    (d > 0 && obj != (key != NULL))) {
		w->err = -EINVAL;
		return false;
	}
	if (w->more & (1u << d))
		fputc(',', w->f);
	w->more |= 1u << d;
	if (key != NULL) {
		json_quote(w->f, key, strlen(key));
		fputc(':', w->f);
	}
	return true;
}

static void
open_level(struct jw *w, const char *key, bool obj)
{
	if (!member(w, key))
		return;
	if (w->depth + 1 >= JW_MAXDEPTH) {
		w->err = -EINVAL;
		return;
	}
	w->depth++;
	w->more &= ~(1u << w->depth);
	if (obj)
		w->isobj |= 1u << w->depth;
	else
		w->isobj &= ~(1u << w->depth);
	fputc(obj ? '{' : '[', w->f);
}

void
jw_object(struct jw *w, const char *key)
{
	open_level(w, key, true);
}

void
jw_array(struct jw *w, const char *key)
{
	open_level(w, key, false);
}

void
jw_close(struct jw *w)
{
	if (w->err != 0)
		return;
	if (w->depth == 0) {
		w->err = -EINVAL;
		return;
	}
	fputc(w->isobj & (1u << w->depth) ? '}' : ']', w->f);
	w->depth--;
}

void
jw_strn(struct jw *w, const char *key, const char *s, size_t n)
{
	if (member(w, key))
		json_quote(w->f, s, n);
}

void
jw_str(struct jw *w, const char *key, const char *s)
{
	if (s == NULL)
		jw_null(w, key);
	else
		jw_strn(w, key, s, strlen(s));
}

void
jw_int(struct jw *w, const char *key, long long v)
{
	if (member(w, key))
		fprintf(w->f, "%lld", v);
}

void
jw_uint(struct jw *w, const char *key, unsigned long long v)
{
	if (member(w, key))
		fprintf(w->f, "%llu", v);
}

void
jw_double(struct jw *w, const char *key, double v)
{
	if (!isfinite(v))
		jw_null(w, key);
	else if (member(w, key))
		fprintf(w->f, "%.15g", v);
}

void
jw_bool(struct jw *w, const char *key, bool v)
{
	if (member(w, key))
		fputs(v ? "true" : "false", w->f);
}

void
jw_null(struct jw *w, const char *key)
{
	if (member(w, key))
		fputs("null", w->f);
}

/* RFC 8259 section 6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static bool
is_number(const char *s)
{
	size_t n;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		s += strspn(s, "0123456789");
	else
		return false;
	if (*s == '.') {
		if ((n = strspn(++s, "0123456789")) == 0)
			return false;
		s += n;
	}
	if (*s == 'e' || *s == 'E') {
		if (*++s == '+' || *s == '-')
			s++;
		if ((n = strspn(s, "0123456789")) == 0)
			return false;
		s += n;
	}
	return *s == '\0';
}

void
jw_numf(struct jw *w, const char *key, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) || !is_number(buf)) {
		if (w->err == 0)
			w->err = -EINVAL;
		return;
	}
	if (member(w, key))
		fputs(buf, w->f);
}

int
jw_end(struct jw *w)
{
	if (w->err == 0 && w->depth != 0)
		w->err = -EINVAL;
	for (; w->depth > 0; w->depth--)	/* still parseable */
		fputc(w->isobj & (1u << w->depth) ? '}' : ']', w->f);
	fputc('\n', w->f);
	if (fflush(w->f) != 0 || ferror(w->f))
		return w->err != 0 ? w->err : -EIO;
	return w->err;
}
