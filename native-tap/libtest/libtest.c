/* Exposes the shared parsers on the command line so tests can drive them case by case:
 *   mt-libtest vlan LIST MIN MAX | prefix TEXT | u32 TEXT MIN MAX
 * Prints the normalised value and exits 0, or prints the parser's error and exits 2. */
#include "mt.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	mt_prog = "mt-libtest";
	if (argc == 5 && !strcmp(argv[1], "vlan")) {
		uint64_t set[64];
		char out[20000];

		if (mt_parse_vlan_list(argv[2], (uint32_t)atoi(argv[3]), (uint32_t)atoi(argv[4]), set))
			return 2;
		mt_format_vlan_list(set, out, sizeof(out));
		puts(out);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "prefix")) {
		struct mt_prefix p;
		char out[64];

		if (mt_parse_prefix(argv[2], &p))
			return 2;
		mt_format_prefix(&p, out, sizeof(out));
		puts(out);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "u32")) {
		uint32_t v;

		if (mt_parse_u32("value", argv[2], (uint32_t)atoi(argv[3]), (uint32_t)atoi(argv[4]), &v))
			return 2;
		printf("%u\n", v);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "ifname")) {
		puts(mt_ifname_valid(argv[2]) ? "valid" : "invalid");
		return 0;
	}
	fprintf(stderr, "usage: mt-libtest vlan LIST MIN MAX | prefix TEXT | u32 TEXT MIN MAX | ifname NAME\n");
	return 2;
}
