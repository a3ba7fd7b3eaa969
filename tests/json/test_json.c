/*
 * test_json.c — proves the JSON writer (json/json.h): the structure it
 * writes (commas, keys, nesting, numbers, null), that misuse is caught,
 * and the escaping of strings byte by byte.  With arguments,
 * `test_json quote FILE...` writes a JSON array of the files' bytes as
 * strings, for tests/run/05-json.t to decode with jq and Python's json.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "tests/lib/tap.h"

/* What w wrote, with its newline cut. */
static char out[4096];

static FILE *
open_out(void)
{
	return fmemopen(out, sizeof(out), "w");
}

static int
finish(struct jw *w, FILE *f)
{
	int r = jw_end(w);
	size_t n;

	fclose(f);
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return r;
}

static void
quoted(const char *in, size_t n, const char *want, const char *what)
{
	struct jw w;
	FILE *f = open_out();

	jw_init(&w, f);
	jw_strn(&w, NULL, in, n);
	ok(finish(&w, f) == 0 && strcmp(out, want) == 0, "%s: %s", what, out);
}

static void
test_escapes(void)
{
	quoted("plain", 5, "\"plain\"", "plain text");
	quoted("a\"b\\c", 5, "\"a\\\"b\\\\c\"", "quote and backslash");
	quoted("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"", "short escapes");
	quoted("a\0b", 3, "\"a\\u0000b\"", "NUL inside");
	quoted("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"",
	    "control characters and DEL");
	quoted("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", "UTF-8 kept as it is");
	quoted("a\xff" "b", 3, "\"a\\ufffdb\"", "a stray byte");
	quoted("\xe2\x82", 2, "\"\\ufffd\"", "a cut sequence: one U+FFFD");
	quoted("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"", "an overlong form");
	quoted("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"", "a surrogate");
	quoted("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
	    "above U+10FFFF");
	quoted("\xe2\x82" "x", 3, "\"\\ufffdx\"", "a cut sequence, then text");
	ok(utf8_seqlen((const unsigned char *)"\xf0\x9f\x98\x80", 4) == 4 &&
	    utf8_seqlen((const unsigned char *)"\xf0\x9f\x98", 3) == 0 &&
	    utf8_seqlen((const unsigned char *)"\x80", 1) == 0,
	    "utf8_seqlen: whole, cut and stray");
}

static void
test_structure(void)
{
	struct jw w;
	FILE *f = open_out();

	jw_init(&w, f);
	jw_object(&w, NULL);
	jw_str(&w, "s", "x");
	jw_int(&w, "i", -3);
	jw_uint(&w, "u", 18446744073709551615ull);
	jw_double(&w, "d", 0.5);
	jw_double(&w, "nan", NAN);
	jw_bool(&w, "b", true);
	jw_null(&w, "n");
	jw_str(&w, "nul", NULL);
	jw_numf(&w, "t", "%u.%06u", 12u, 34u);
	jw_array(&w, "a");
	jw_int(&w, NULL, 1);
	jw_object(&w, NULL);
	jw_close(&w);
	jw_array(&w, NULL);
	jw_close(&w);
	jw_close(&w);
	jw_object(&w, "o");
	jw_close(&w);
	jw_close(&w);
	ok(finish(&w, f) == 0 && strcmp(out, "{\"s\":\"x\",\"i\":-3,"
	    "\"u\":18446744073709551615,\"d\":0.5,\"nan\":null,\"b\":true,"
	    "\"n\":null,\"nul\":null,\"t\":12.000034,\"a\":[1,{},[]],"
	    "\"o\":{}}") == 0, "members, elements, nesting: %s", out);
}

/* Each misuse makes jw_end() say -EINVAL and the output still parses. */
static void
test_misuse(void)
{
	struct jw w;
	FILE *f;

	f = open_out();
	jw_init(&w, f);
	jw_object(&w, NULL);
	jw_int(&w, NULL, 1);
	ok(finish(&w, f) == -EINVAL && strcmp(out, "{}") == 0,
	    "a member without a key: -EINVAL, %s", out);
	f = open_out();
	jw_init(&w, f);
	jw_array(&w, NULL);
	jw_int(&w, "k", 1);
	ok(finish(&w, f) == -EINVAL, "a key in an array: -EINVAL");
	f = open_out();
	jw_init(&w, f);
	jw_array(&w, NULL);
	jw_array(&w, NULL);
	ok(finish(&w, f) == -EINVAL && strcmp(out, "[[]]") == 0,
	    "left open: closed, -EINVAL, %s", out);
	f = open_out();
	jw_init(&w, f);
	jw_close(&w);
	ok(finish(&w, f) == -EINVAL, "a close with nothing open: -EINVAL");
	f = open_out();
	jw_init(&w, f);
	jw_int(&w, NULL, 1);
	jw_int(&w, NULL, 2);
	ok(finish(&w, f) == -EINVAL && strcmp(out, "1") == 0,
	    "two top values: -EINVAL");
	f = open_out();
	jw_init(&w, f);
	jw_numf(&w, NULL, "%s", "0x10");
	ok(finish(&w, f) == -EINVAL, "jw_numf of what is not a number");
	f = open_out();
	jw_init(&w, f);
	for (int i = 0; i < JW_MAXDEPTH + 2; i++)
		jw_array(&w, NULL);
	ok(finish(&w, f) == -EINVAL, "deeper than JW_MAXDEPTH: -EINVAL");
}

/* `quote FILE...`: an array of the files' contents as strings. */
static int
quote_files(int argc, char **argv)
{
	static char buf[1 << 16];
	struct jw w;
	size_t n;
	FILE *f;
	int i;

	jw_init(&w, stdout);
	jw_array(&w, NULL);
	for (i = 0; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		jw_strn(&w, NULL, buf, n);
	}
	jw_close(&w);
	return jw_end(&w) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "quote") == 0)
		return quote_files(argc - 2, argv + 2);
	test_escapes();
	test_structure();
	test_misuse();
	tap_plan(tap_n);
	return tap_done();
}
