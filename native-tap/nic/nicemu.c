/* nicemu: control program of the emulated SR-IOV NIC (an Intel i40e PF with its VFs).
 *
 * A PF is a switch namespace holding one representor per VF ("vf<N>") and one for the uplink
 * ("uplink"); nic.bpf.c at their ingress is the embedded switch. Configuration lives in pinned maps
 * under /sys/fs/bpf/mirrortunnel/nic/<PF>/, the namespaces and interface names in
 * /run/mirrortunnel/nic/<PF>/ (file "pf", one file "vf<N>" per VF).
 */
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "nicemu.h"

bool json;

static void usage(void)
{
	fprintf(stderr,
		"Usage: nicemu [-j] pf add PF switch-netns NS uplink-netns UNS [uplink-ifname NAME] [uplink-mac MAC]\n"
		"       nicemu pf del PF\n"
		"       nicemu [-j] pf show [PF]\n"
		"       nicemu vf add PF VF netns NS ifname NAME [mac MAC]\n"
		"       nicemu vf del PF VF\n"
		"       nicemu vf set PF VF vlan_mirror \"add|rem VLANS\" | loopback on|off | link_state enable|disable|auto\n"
		"       nicemu [-j] vf get PF VF vlan_mirror|loopback|link_state|stats\n");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *obj, *verb;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "pf", "add", cmd_pf_add }, { "pf", "del", cmd_pf_del }, { "pf", "show", cmd_pf_show },
		{ "vf", "add", cmd_vf_add }, { "vf", "del", cmd_vf_del }, { "vf", "set", cmd_vf_set },
		{ "vf", "get", cmd_vf_get },
	};

	mt_prog = "nicemu";
	/* Errors are reported in one line each; libbpf's logs only on request. */
	if (!getenv("NICEMU_DEBUG"))
		libbpf_set_print(NULL);
	argc--, argv++;
	if (argc > 0 && !strcmp(argv[0], "-j")) {
		json = true;
		argc--, argv++;
	}
	if (argc == 1 && !strcmp(argv[0], "help")) {
		usage();
		return 0;
	}
	if (argc == 1 && !strcmp(argv[0], "pf"))
		return cmd_pf_show(0, NULL) ? 1 : 0;
	for (size_t i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[0], cmds[i].obj) && !strcmp(argv[1], cmds[i].verb))
			return cmds[i].fn(argc - 2, argv + 2) ? 1 : 0;
	usage();
	return 2;
}
