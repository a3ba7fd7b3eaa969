/*
 * jsonpath.c — one value out of a JSON text (lab/jsonpath.h).
 *
 * A scanner over the text with an end pointer, never a copy: skipping a
 * value checks its syntax as it goes (strings, numbers, literals, nested
 * objects and arrays up to JP_DEPTH), and following the path compares
 * keys with their escapes decoded.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lab/jsonpath.h"

#define JP_DEPTH	64
#define JP_KEYMAX	256

struct scan {
	const char	*p, *end, *start;
	char		*why;
	size_t		 whylen;
};

static int
bad(struct scan *s, const char *what)
{
	snprintf(s->why, s->whylen, "not JSON at byte %ld: %s",
	    (long)(s->p - s->start), what);
	return -EINVAL;
}

static void
ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int
hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* Appends byte c to out (cut at len - 1). */
static void
put(char *out, size_t len, size_t *n, char c)
{
	if (out != NULL && *n + 1 < len)
		out[*n] = c;
	(*n)++;
}

static void
put_utf8(char *out, size_t len, size_t *n, unsigned u)
{
	if (u < 0x80) {
		put(out, len, n, (char)u);
	} else if (u < 0x800) {
		put(out, len, n, (char)(0xc0 | u >> 6));
		put(out, len, n, (char)(0x80 | (u & 0x3f)));
	} else {
		put(out, len, n, (char)(0xe0 | u >> 12));
		put(out, len, n, (char)(0x80 | ((u >> 6) & 0x3f)));
		put(out, len, n, (char)(0x80 | (u & 0x3f)));
	}
}

/* A string at s->p (its quote); decoded into out when out is not NULL.
 * Surrogate pairs come out as '?': no key or value here needs them. */
static int
string(struct scan *s, char *out, size_t len, size_t *n)
{
	unsigned u;

	*n = 0;
	s->p++;
	while (s->p < s->end && *s->p != '"') {
		unsigned char c = (unsigned char)*s->p;

		if (c < 0x20)
			return bad(s, "a control character in a string");
		if (c != '\\') {
			put(out, len, n, (char)c);
			s->p++;
			continue;
		}
		if (s->end - s->p < 2)
			return bad(s, "an escape cut short");
		switch (s->p[1]) {
		case '"': case '\\': case '/':
			put(out, len, n, s->p[1]); break;
		case 'b': put(out, len, n, '\b'); break;
		case 'f': put(out, len, n, '\f'); break;
		case 'n': put(out, len, n, '\n'); break;
		case 'r': put(out, len, n, '\r'); break;
		case 't': put(out, len, n, '\t'); break;
		case 'u':
			if (s->end - s->p < 6 || hex4(s->p + 2, &u) != 0)
				return bad(s, "a bad \\u escape");
			put_utf8(out, len, n, u >= 0xd800 && u < 0xe000 ? '?' :
			    u);
			s->p += 4;
			break;
		default:
			return bad(s, "an unknown escape");
		}
		s->p += 2;
	}
	if (s->p >= s->end)
		return bad(s, "a string without its closing quote");
	s->p++;
	if (out != NULL && len > 0)
		out[*n < len ? *n : len - 1] = '\0';
	return 0;
}

static int skip_value(struct scan *s, int depth);

/* The members or elements of an object or array, each skipped. */
static int
skip_container(struct scan *s, int depth)
{
	char close = *s->p == '{' ? '}' : ']';
	bool obj = close == '}', first = true;
	size_t n;
	int r;

	s->p++;
	for (;;) {
		ws(s);
		if (s->p < s->end && *s->p == close && first) {
			s->p++;
			return 0;
		}
		if (obj) {
			if (s->p >= s->end || *s->p != '"')
				return bad(s, "an object key is not a string");
			if ((r = string(s, NULL, 0, &n)) != 0)
				return r;
			ws(s);
			if (s->p >= s->end || *s->p++ != ':')
				return bad(s, "no ':' after a key");
		}
		if ((r = skip_value(s, depth + 1)) != 0)
			return r;
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			first = false;
			continue;
		}
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return 0;
		}
		return bad(s, obj ? "no ',' or '}' in an object" :
		    "no ',' or ']' in an array");
	}
}

static int
literal(struct scan *s, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
		return bad(s, "an unknown word");
	s->p += n;
	return 0;
}

static int
number(struct scan *s)
{
	const char *b = s->p;

	if (s->p < s->end && *s->p == '-')
		s->p++;
	while (s->p < s->end && ((*s->p >= '0' && *s->p <= '9') ||
	    *s->p == '.' || *s->p == 'e' || *s->p == 'E' || *s->p == '+' ||
	    *s->p == '-'))
		s->p++;
	return s->p > b && (s->p[-1] >= '0' && s->p[-1] <= '9') ? 0 :
	    bad(s, "a bad number");
}

static int
skip_value(struct scan *s, int depth)
{
	size_t n;

	if (depth > JP_DEPTH)
		return bad(s, "nested too deep");
	ws(s);
	if (s->p >= s->end)
		return bad(s, "a value is missing");
	switch (*s->p) {
	case '{': case '[':
		return skip_container(s, depth);
	case '"':
		return string(s, NULL, 0, &n);
	case 't':
		return literal(s, "true");
	case 'f':
		return literal(s, "false");
	case 'n':
		return literal(s, "null");
	default:
		return number(s);
	}
}

/* --- the path ------------------------------------------------------------- */

static bool
keychar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* The next segment of the path: a key (into key) or an index (*idx). */
static int
segment(const char **pp, char *key, size_t keylen, long *idx)
{
	const char *p = *pp;
	size_t n = 0;

	*idx = -1;
	if (*p == '.') {
		p++;
		while (keychar(*p) && n + 1 < keylen)
			key[n++] = *p++;
		key[n] = '\0';
		if (n == 0 && *p != '\0')
			return -EINVAL;
	} else if (*p == '[') {
		*idx = 0;
		for (p++; *p >= '0' && *p <= '9' && *idx < 1000000; p++)
			*idx = *idx * 10 + (*p - '0');
		if (p[-1] == '[' || *p != ']')
			return -EINVAL;
		p++;
	} else
		return -EINVAL;
	*pp = p;
	return 0;
}

/* The path from its first segment: "$" and a lone "." go, and a path
 * that starts with a key gets its dot (buf holds it). */
static const char *
path_start(const char *path, char *buf, size_t len)
{
	if (*path == '$')
		path++;
	if (*path == '.' && path[1] == '\0')
		path++;
	if (*path != '\0' && *path != '.' && *path != '[') {
		snprintf(buf, len, ".%s", path);
		return buf;
	}
	return path;
}

int
jpath_check(const char *path, char *why, size_t whylen)
{
	char key[JP_KEYMAX], buf[JP_KEYMAX + 2];
	const char *p = path_start(path, buf, sizeof(buf));
	long idx;

	while (*p != '\0')
		if (strlen(path) >= JP_KEYMAX ||
		    segment(&p, key, sizeof(key), &idx) != 0) {
			snprintf(why, whylen, "'%s' is not a path like "
			    ".nodes[0].name (keys of letters, digits, _ and -, "
			    "[N] for an array's element)", path);
			return -EINVAL;
		}
	return 0;
}

/* Moves s to the member `key` of the object at s->p; -ENOENT if none. */
static int
enter_key(struct scan *s, const char *key)
{
	char k[JP_KEYMAX];
	size_t n;
	int r;

	if (*s->p != '{')
		return -ENOENT;
	s->p++;
	for (;;) {
		ws(s);
		if (s->p < s->end && *s->p == '}')
			return -ENOENT;
		if (s->p >= s->end || *s->p != '"')
			return bad(s, "an object key is not a string");
		if ((r = string(s, k, sizeof(k), &n)) != 0)
			return r;
		ws(s);
		if (s->p >= s->end || *s->p++ != ':')
			return bad(s, "no ':' after a key");
		ws(s);
		if (n < sizeof(k) && strcmp(k, key) == 0)
			return 0;
		if ((r = skip_value(s, 1)) != 0)
			return r;
		ws(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
		else
			return -ENOENT;
	}
}

static int
enter_index(struct scan *s, long idx)
{
	long i;
	int r;

	if (*s->p != '[')
		return -ENOENT;
	s->p++;
	for (i = 0;; i++) {
		ws(s);
		if (s->p < s->end && *s->p == ']')
			return -ENOENT;
		if (i == idx)
			return 0;
		if ((r = skip_value(s, 1)) != 0)
			return r;
		ws(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
		else
			return -ENOENT;
	}
}

int
jpath_eval(const char *json, size_t len, const char *path, char *out,
    size_t outlen, char *why, size_t whylen)
{
	struct scan s = { json, json + len, json, why, whylen };
	char key[JP_KEYMAX], buf[JP_KEYMAX + 2];
	const char *p = path_start(path, buf, sizeof(buf)), *b, *seg;
	size_t n;
	long idx;
	int r;

	ws(&s);
	while (*p != '\0') {
		seg = p;
		if (segment(&p, key, sizeof(key), &idx) != 0) {
			snprintf(why, whylen, "a bad path '%s'", path);
			return -EINVAL;
		}
		if (s.p >= s.end)
			return bad(&s, "a value is missing");
		r = idx >= 0 ? enter_index(&s, idx) : enter_key(&s, key);
		if (r == -ENOENT)
			snprintf(why, whylen, "no %.*s in the output",
			    (int)(p - seg), seg);
		if (r != 0)
			return r;
		ws(&s);
	}
	if (s.p < s.end && *s.p == '"')
		return string(&s, out, outlen, &n);
	b = s.p;
	if ((r = skip_value(&s, 0)) != 0)
		return r;
	snprintf(out, outlen, "%.*s", (int)(s.p - b), b);
	return 0;
}
