/*
 * asan_options.c — AddressSanitizer's defaults, linked into every fuzz
 * target (ASAN_OPTIONS given at run time still has the last word).
 *
 * quarantine_size_mb=4: ASan holds freed memory back from reuse so that
 * a use after free meets poisoned bytes; 256 MiB of it by default.  A
 * target that frees about as much as it allocates then takes every
 * block from memory it has not touched for a while: fresh pages, each a
 * page fault, which on this kind of machine (a PVM guest) costs 12-17 us.
 *
 * The trade: a use after free is still caught when less than 4 MiB was
 * freed between the free and the use, which covers a use in the call
 * that freed or a few after it, but not one of memory freed some inputs
 * before.  An input of fuzz_ext2 frees 1.9 MB on average over its
 * corpus, 7 MB for the slowest (libFuzzer's own copies of it included;
 * counted with ASan's free hook).
 *
 * Measured side by side on the two cores, same corpus and seed:
 * fuzz_ext2 in 90 s ran 5,778 inputs with the default and 47,449 with
 * 4 MiB (32,074 with 16), its peak RSS 560 MiB against 111;
 * fuzz_topology in 60 s 61,081 against 98,003.
 */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=4";
}
