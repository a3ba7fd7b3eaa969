/*
 * load_value.c — the loader's reporting and the scalar values of the
 * schema: names, booleans, numbers, sizes, durations, percentages, rates,
 * prefixes, addresses and MACs.  Each parser reports what it expected,
 * with an example, at the value's position, and returns -EINVAL.
 */
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lab/arena.h"
#include "lab/impair_spec.h"
#include "lab/load.h"

int
lerr(struct loader *L, struct lab_pos pos, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (L->quiet)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_add(L->d, pos, "%s", buf);
	return -EINVAL;
}

int
lnomem(struct loader *L)
{
	L->nomem = true;
	return -ENOMEM;
}

/* --- keys of a mapping --------------------------------------------------- */

static const struct keyspec *
find_key(const struct keyspec *keys, const char *k)
{
	while (keys != NULL) {
		for (; keys->key != NULL; keys++)
			if (strcmp(keys->key, k) == 0)
				return keys;
		keys = keys->more;
	}
	return NULL;
}

static void
unknown_key(struct loader *L, const struct ynode *k, const char *what,
    const struct keyspec *keys)
{
	const char *names[64] = { NULL }, *near;
	char known[512];
	int n = 0;
	size_t len = 0;

	while (keys != NULL && n < 64) {
		for (; keys->key != NULL && n < 64; keys++)
			names[n++] = keys->key;
		keys = keys->more;
	}
	if ((near = closest_name(k->str, names, n)) != NULL) {
		lerr(L, k->pos, "unknown key '%s' in %s (did you mean '%s'?)",
		    k->str, what, near);
		return;
	}
	known[0] = '\0';
	for (int i = 0; i < n && len < sizeof(known); i++)
		len += (size_t)snprintf(known + len, sizeof(known) - len,
		    "%s%s", i ? ", " : "", names[i]);
	lerr(L, k->pos, "unknown key '%s' in %s (known keys: %s)", k->str,
	    what, known);
}

/* Reports a key given twice; returns 1 if k repeats an earlier key. */
static int
repeated_key(struct loader *L, const struct ynode *map, int i,
    const char *what)
{
	const struct ynode *k = ymap_key(map, i);
	int j;

	for (j = 0; j < i; j++)
		if (strcmp(ymap_key(map, j)->str, k->str) == 0) {
			lerr(L, k->pos, "duplicate key '%s' in %s (first given "
			    "at line %d)", k->str, what,
			    ymap_key(map, j)->pos.line);
			return 1;
		}
	return 0;
}

int
load_keys(struct loader *L, const struct ynode *map, const char *what,
    const struct keyspec *keys, void *obj)
{
	const struct keyspec *ks;
	int i, r, rv = 0;

	if (yis_null(map))
		return 0;
	if (map->kind != Y_MAP)
		return lerr(L, map->pos, "%s must be a mapping of keys, like "
		    "{ key: value }, not %s", what, ykind_name(map));
	for (i = 0; 2 * i < map->n; i++) {
		const struct ynode *k = ymap_key(map, i);

		if (repeated_key(L, map, i, what)) {
			rv = -EINVAL;
			continue;
		}
		if ((ks = find_key(keys, k->str)) == NULL) {
			unknown_key(L, k, what, keys);
			rv = -EINVAL;
			continue;
		}
		r = ks->load(L, obj, k, ymap_value(map, i));
		if (r == -ENOMEM)
			return r;
		if (r != 0)
			rv = r;
	}
	return rv;
}

/* --- scalars ------------------------------------------------------------- */

static struct lab_pos
vpos(const struct ynode *v)
{
	struct lab_pos none = { 0, 0 };

	return v ? v->pos : none;
}

static const char *
shown(const struct ynode *v)
{
	if (v == NULL || yis_null(v))
		return "nothing";
	if (v->kind == Y_SEQ)
		return "a list";
	if (v->kind == Y_MAP)
		return "a mapping";
	return v->str;
}

/* A non-null scalar, or a report that `key` needs `expect`. */
static int
scalar(struct loader *L, const struct ynode *v, const char *key,
    const char *expect)
{
	if (v != NULL && v->kind == Y_SCALAR && !yis_null(v))
		return 0;
	return lerr(L, vpos(v), "'%s' must be %s (got %s)", key, expect,
	    shown(v));
}

int
v_str(struct loader *L, const struct ynode *v, const char *key,
    const char **out)
{
	if (scalar(L, v, key, "a string") != 0)
		return -EINVAL;
	*out = v->str;
	return 0;
}

static bool
name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= LAB_NAME_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

int
v_name(struct loader *L, const struct ynode *v, const char *what,
    const char **out)
{
	if (v == NULL || v->kind != Y_SCALAR || yis_null(v))
		return lerr(L, vpos(v), "%s must be a name (got %s)", what,
		    shown(v));
	if (!name_ok(v->str, v->len))
		return lerr(L, v->pos, "%s '%s' is not a valid name: use "
		    "letters, digits, '-', '_' and '.', starting with a letter "
		    "or digit, at most %d characters", what, v->str,
		    LAB_NAME_MAX - 1);
	*out = v->str;
	return 0;
}

int
v_bool(struct loader *L, const struct ynode *v, const char *key, bool *out)
{
	if (v != NULL && v->kind == Y_SCALAR && !v->quoted) {
		if (strcasecmp(v->str, "true") == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v->str, "false") == 0) {
			*out = false;
			return 0;
		}
	}
	return lerr(L, vpos(v), "'%s' must be true or false (got %s)", key,
	    shown(v));
}

int
v_uint(struct loader *L, const struct ynode *v, const char *key,
    unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long x = 0;
	size_t i;

	if (v == NULL || v->kind != Y_SCALAR || v->len == 0 || v->len > 12)
		goto bad;
	for (i = 0; i < v->len; i++) {
		if (!isdigit((unsigned char)v->str[i]))
			goto bad;
		x = x * 10 + (unsigned long)(v->str[i] - '0');
	}
	if (x < min || x > max)
		goto bad;
	*out = x;
	return 0;
bad:
	return lerr(L, vpos(v), "'%s' must be a whole number from %lu to %lu "
	    "(got %s)", key, min, max, shown(v));
}

/*
 * A non-negative decimal number ("12", "2.5") at the start of s, up to
 * 1e12; *end points past it.  Returns -1 when there is none.
 */
static double
decimal(const char *s, const char **end)
{
	double v = 0, scale = 1;
	int digits = 0;

	for (; isdigit((unsigned char)*s) && digits < 13; s++, digits++)
		v = v * 10 + (*s - '0');
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s) && digits < 20;
		    s++, digits++) {
			scale /= 10;
			v += (*s - '0') * scale;
		}
	}
	*end = s;
	if (digits == 0 || isdigit((unsigned char)*s))
		return -1;
	return v;
}

struct unit {
	const char	*name;
	double		 mult;
};

/* number followed by one of the units (case-insensitive); -1 if not. */
static double
with_unit(const struct ynode *v, const struct unit *units)
{
	const char *end;
	double x;

	if (v == NULL || v->kind != Y_SCALAR || v->len > 32)
		return -1;
	if ((x = decimal(v->str, &end)) < 0)
		return -1;
	while (*end == ' ')
		end++;
	for (; units->name != NULL; units++)
		if (strcasecmp(end, units->name) == 0)
			return x * units->mult;
	return -1;
}

int
v_size(struct loader *L, const struct ynode *v, const char *key,
    uint32_t *out)
{
	static const struct unit u[] = {
		{ "", 1 }, { "b", 1 }, { "k", 1024 }, { "kib", 1024 },
		{ "m", 1048576 }, { "mib", 1048576 }, { "g", 1073741824.0 },
		{ "gib", 1073741824.0 }, { NULL, 0 } };
	double x = with_unit(v, u);

	if (x < LAB_BUS_SIZE_MIN || x > LAB_BUS_SIZE_MAX || x != (uint32_t)x)
		return lerr(L, vpos(v), "'%s' must be a bus size like 1M, "
		    "4MiB or 1048576, from 64K to 256M (got %s)", key,
		    shown(v));
	*out = (uint32_t)x;
	return 0;
}

int
v_duration(struct loader *L, const struct ynode *v, const char *key,
    uint64_t *us)
{
	static const struct unit u[] = {
		{ "us", 1 }, { "ms", 1000 }, { "s", 1e6 }, { NULL, 0 } };
	double x = with_unit(v, u);

	if (x < 0 && v != NULL && v->kind == Y_SCALAR &&
	    strcmp(v->str, "0") == 0)
		x = 0;
	if (x < 0 || x > 3600e6)
		return lerr(L, vpos(v), "'%s' must be a duration like 5ms, "
		    "250us or 1s, at most an hour (got %s)", key, shown(v));
	*us = (uint64_t)(x + 0.5);
	return 0;
}

int
v_percent(struct loader *L, const struct ynode *v, const char *key,
    double *pct)
{
	static const struct unit u[] = { { "%", 1 }, { "", 1 }, { NULL, 0 } };
	double x = with_unit(v, u);

	if (x < 0 || x > 100)
		return lerr(L, vpos(v), "'%s' must be a percentage from 0 to "
		    "100 like 0.1%% or 5%% (got %s)", key, shown(v));
	*pct = x;
	return 0;
}

int
v_rate(struct loader *L, const struct ynode *v, const char *key,
    uint64_t *bps)
{
	static const struct unit u[] = {
		{ "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 },
		{ "gbit", 1e9 }, { NULL, 0 } };
	double x = with_unit(v, u);

	if (x < 1000 || x > 1e12)
		return lerr(L, vpos(v), "'%s' must be a rate like 64kbit, "
		    "10mbit or 1gbit, from 1kbit to 1000gbit (got %s)", key,
		    shown(v));
	*bps = (uint64_t)x;
	return 0;
}

/* --- addresses ----------------------------------------------------------- */

static const char *
example(int family, bool prefix)
{
	if (family == AF_INET6)
		return prefix ? "fd00:1::/64" : "fd00:1::1";
	if (family == AF_INET)
		return prefix ? "10.0.1.0/24" : "10.0.1.1";
	return prefix ? "10.0.1.0/24 or fd00:1::/64" : "10.0.1.1 or fd00:1::1";
}

static int
wrong_family(struct loader *L, const struct ynode *v, const char *key,
    int family)
{
	if (family == AF_INET)
		return lerr(L, v->pos, "'%s' takes IPv4 (got %s); IPv6 goes "
		    "under '%s6'", key, v->str, key);
	return lerr(L, v->pos, "'%s' takes IPv6 (got %s); IPv4 goes under "
	    "'%.*s'", key, v->str, (int)strlen(key) - 1, key);
}

int
v_prefix(struct loader *L, const struct ynode *v, const char *key,
    int family, struct lab_ip *out)
{
	char buf[IP_STRLEN];
	struct lab_ip net;
	int r;

	if (scalar(L, v, key, "a prefix") != 0)
		return -EINVAL;
	if ((r = ip_parse(v->str, 0, out, NULL)) == -ERANGE)
		return lerr(L, v->pos, "'%s' %s has a bad prefix length (0-32 "
		    "for IPv4, 0-128 for IPv6)", key, v->str);
	if (r != 0)
		return lerr(L, v->pos, "'%s' must be a prefix like %s (got "
		    "%s)", key, example(family, true), v->str);
	if (family != 0 && out->family != family)
		return wrong_family(L, v, key, family);
	if (!ip_is_network(out)) {
		ip_network(&net, out);
		return lerr(L, v->pos, "'%s' %s has host bits set (did you "
		    "mean %s?)", key, v->str, ip_str(&net, buf));
	}
	return 0;
}

int
v_host(struct loader *L, const struct ynode *v, const char *key, int family,
    struct lab_ip *out)
{
	char buf[IP_STRLEN];
	bool had_len;

	if (scalar(L, v, key, "an address") != 0)
		return -EINVAL;
	if (ip_parse(v->str, IP_LEN_OPTIONAL, out, &had_len) != 0)
		return lerr(L, v->pos, "'%s' must be an address like %s (got "
		    "%s)", key, example(family, false), v->str);
	if (had_len)
		return lerr(L, v->pos, "'%s' is an address without a prefix "
		    "length (write %s)", key, ip_addr_str(out, buf));
	if (family != 0 && out->family != family)
		return wrong_family(L, v, key, family);
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
v_mac(struct loader *L, const struct ynode *v, uint8_t mac[6])
{
	const char *s;
	int i, hi, lo;

	if (scalar(L, v, "mac", "a MAC address or 'stable'") != 0)
		return -EINVAL;
	s = v->str;
	if (v->len != 17)
		goto bad;
	for (i = 0; i < 6; i++, s += 3) {
		if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0 ||
		    (i < 5 && s[2] != ':'))
			goto bad;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if (mac[0] & 1)
		return lerr(L, v->pos, "'mac' %s is a multicast address; a "
		    "node needs a unicast one (even first octet, like "
		    "b2:a0:00:00:00:01)", v->str);
	if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
		return lerr(L, v->pos, "'mac' 00:00:00:00:00:00 is not a "
		    "usable address (like b2:a0:00:00:00:01)");
	return 0;
bad:
	return lerr(L, v->pos, "'mac' must be six hex octets like "
	    "b2:a0:00:00:00:01, or 'stable' (got %s)", v->str);
}

int
v_list(struct loader *L, const struct ynode *v, const char *key)
{
	if (yis_null(v))
		return 0;
	if (v->kind == Y_SEQ)
		return v->n;
	if (v->kind == Y_SCALAR)
		return 1;
	return lerr(L, v->pos, "'%s' must be a value or a list of values, "
	    "not a mapping", key);
}

const struct ynode *
v_item(const struct ynode *v, int i)
{
	return v->kind == Y_SEQ ? v->kids[i] : v;
}

int
v_impair(struct loader *L, const struct ynode *v, int dirs, const char **out)
{
	struct impset set;
	char why[256];

	if (v_str(L, v, "impair", out) != 0)
		return -EINVAL;
	if (impspec_parse_str(*out, dirs, dirs, &set, why, sizeof(why)) != 0)
		return lerr(L, v->pos, "impair: %s", why);
	return 0;
}

int
v_routing(struct loader *L, const struct ynode *k, const struct ynode *v,
    enum lab_routing *out)
{
	static const struct { const char *s; enum lab_routing r; } w[] = {
		{ "static", ROUTING_STATIC }, { "none", ROUTING_NONE },
		{ "rip", ROUTING_RIP } };
	size_t i;

	for (i = 0; v != NULL && v->kind == Y_SCALAR && i < 3; i++)
		if (strcmp(v->str, w[i].s) == 0) {
			*out = w[i].r;
			return 0;
		}
	return lerr(L, v ? v->pos : k->pos, "'routing' must be static "
	    "(computed shortest-path routes), rip (rump.routed on the routers) "
	    "or none (got %s)", v && v->kind == Y_SCALAR ? v->str :
	    "something else");
}
