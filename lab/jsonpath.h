/*
 * jsonpath.h — one value out of a JSON text, named by a path: what a
 * check with `json:` compares (lab/load_check.c judges the path,
 * lab/checkrun.c reads the command's output).
 *
 *   PATH: [$] { .KEY | [INDEX] }     .nodes[0].name, $.lab, [2], . (all)
 *   KEY: letters, digits, '_', '-'   (the usual keys of --json output)
 *
 * The text is untrusted (a command's output): it is read once, bounds
 * checked, nested at most 64 deep, never modified.  The value comes back
 * as text: a string unquoted with its escapes decoded (\uXXXX as UTF-8),
 * a number, true, false or null as written, an object or array as its
 * JSON text.  Contract: 0, or -EINVAL with a reason in `why`.
 */
#ifndef RUMPLAB_JSONPATH_H
#define RUMPLAB_JSONPATH_H

#include <stddef.h>

int	jpath_check(const char *path, char *why, size_t whylen);
/*
 * The value at path in json[0..len) into out (NUL-terminated, cut to
 * outlen).  0; -ENOENT when the path leads nowhere (why names the part
 * missing); -EINVAL when the text is not JSON (why says where).
 */
int	jpath_eval(const char *json, size_t len, const char *path, char *out,
	    size_t outlen, char *why, size_t whylen);

#endif
