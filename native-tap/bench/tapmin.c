/* mt-bench-tapmin: attaches a variant of the minimal TAP (tap_min.bpf.c) to a device's egress, the way
 * mtapctl attaches the TAP (a tcx link pinned at PIN; a tc filter with MT_HOOKS=tc), or detaches it.
 * Variant cb also attaches the tunnel's program to TUN's egress, pinned at PIN-tunnel. */
#include "mt.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "tap_min.skel.h"

static void usage(void)
{
	fprintf(stderr, "usage: mt-bench-tapmin [-n NETNS] attach DEV TUN VLAN PIN [tag|cb|untagged]\n"
			"       mt-bench-tapmin [-n NETNS] detach DEV PIN\n");
}

static int attach_variant(struct tap_min_bpf *skel, struct mt_hook *h, const char *variant, int tun)
{
	struct mt_hook th = *h;
	char pin[PATH_MAX];
	int err;

	if (!strcmp(variant, "tag"))
		return mt_hook_attach(h, bpf_program__fd(skel->progs.tap_min));
	if (!strcmp(variant, "untagged"))
		return mt_hook_attach(h, bpf_program__fd(skel->progs.tap_min_untagged));
	/* cb: the tunnel's program first, so that no copy leaves untagged. */
	snprintf(pin, sizeof(pin), "%s-tunnel", h->pin);
	th.ifindex = tun;
	th.pin = pin;
	th.prio = h->prio + 1;
	err = mt_hook_attach(&th, bpf_program__fd(skel->progs.tap_min_tunnel));
	if (!err && (err = mt_hook_attach(h, bpf_program__fd(skel->progs.tap_min_cb))))
		mt_hook_detach(&th);
	return err;
}

int main(int argc, char **argv)
{
	const char *netns = NULL, *variant = "tag";
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
	if (argc - i == 6)
		variant = argv[i + 5];
	if (strcmp(argv[i], "attach") || argc - i < 5 || argc - i > 6 ||
	    mt_parse_u32("vlan", argv[i + 3], 1, 4094, &vlan) ||
	    (strcmp(variant, "tag") && strcmp(variant, "cb") && strcmp(variant, "untagged"))) {
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
	err = attach_variant(skel, &h, variant, (int)skel->rodata->tunnel_ifindex);
	tap_min_bpf__destroy(skel);
	return err ? 1 : 0;
}
