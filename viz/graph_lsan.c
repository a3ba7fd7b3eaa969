/*
 * graph_lsan.c — leaks LeakSanitizer must not blame on rumplab.
 *
 * The test build (SAN=1) runs rumplab with detect_leaks=1.  Graphviz
 * 2.42 keeps memory it never frees even after gvFreeContext(): its
 * plugin configuration, HTML label tables, and through pango the
 * fontconfig and glib caches.  Those allocations are made inside the
 * libraries, so suppressions by library name hide them and nothing of
 * ours (a leak of ours never has a library frame below malloc).  LSan
 * calls this function when it starts; in a build without sanitizers it
 * is never called.  One list for the whole rumplab program: add a line
 * here for another library rather than defining the function twice.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libgvc.so\n"
	    "leak:libcgraph.so\n"
	    "leak:libgvplugin_\n"
	    "leak:libfontconfig.so\n"
	    "leak:libpango\n"
	    "leak:libcairo.so\n"
	    "leak:libglib-2.0.so\n";
}

/* The suppressed counts are not news: print nothing about them. */
const char *__lsan_default_options(void);

const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}
