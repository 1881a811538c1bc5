/* mt-bench-tapmin: attaches the minimal TAP (tap_min.bpf.c) to a device's egress, the way mtapctl
 * attaches the TAP (a tcx link pinned at PIN; a tc filter with MT_HOOKS=tc), or detaches it. */
#include "mt.h"

#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "tap_min.skel.h"

static void usage(void)
{
	fprintf(stderr, "usage: mt-bench-tapmin [-n NETNS] attach DEV TUN VLAN PIN\n"
			"       mt-bench-tapmin [-n NETNS] detach DEV PIN\n");
}

int main(int argc, char **argv)
{
	const char *netns = NULL;
	struct tap_min_bpf *skel;
	struct mt_hook h = { .egress = true, .tc = !mt_hook_tcx(), .prio = 0x4d55 };
	uint32_t vlan;
	int i = 1, err;

	mt_prog = "mt-bench-tapmin";
	libbpf_set_print(NULL);
	if (argc > 2 && !strcmp(argv[1], "-n")) {
		netns = argv[2];
		i = 3;
	}
	if (argc - i < 3 || mt_netns_enter(netns)) {
		usage();
		return 2;
	}
	h.ifindex = mt_ifindex(argv[i + 1]);
	if (!h.ifindex)
		return mt_err("no device %s", argv[i + 1]), 1;
	if (!strcmp(argv[i], "detach") && argc - i == 3) {
		h.pin = argv[i + 2];
		return mt_hook_detach(&h) ? 1 : 0;
	}
	if (strcmp(argv[i], "attach") || argc - i != 5 || mt_parse_u32("vlan", argv[i + 3], 1, 4094, &vlan)) {
		usage();
		return 2;
	}
	h.pin = argv[i + 4];
	skel = tap_min_bpf__open();
	if (!skel)
		return mt_err("cannot open the program: %s", strerror(errno)), 1;
	skel->rodata->tunnel_ifindex = (uint32_t)mt_ifindex(argv[i + 2]);
	skel->rodata->vlan = (uint16_t)vlan;
	if (!skel->rodata->tunnel_ifindex)
		return mt_err("no device %s", argv[i + 2]), 1;
	err = tap_min_bpf__load(skel);
	if (err)
		return mt_err("cannot load the program: %s", strerror(-err)), 1;
	err = mt_hook_attach(&h, bpf_program__fd(skel->progs.tap_min));
	tap_min_bpf__destroy(skel);
	return err ? 1 : 0;
}
