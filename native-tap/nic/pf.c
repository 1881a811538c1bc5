/* pf add, del, show: a PF is its switch namespace with the uplink representor, the switch program and
 * its pinned maps. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nicemu.h"
#include "nic.skel.h"

static const char *const drop_names[NIC_DROP_MAX] = {
	[NIC_DROP_UNKNOWN_PORT] = "unknown_port",
	[NIC_DROP_SHORT] = "short_frame",
	[NIC_DROP_LOOPBACK] = "loopback",
	[NIC_DROP_NO_DEST] = "no_destination",
	[NIC_DROP_HAIRPIN] = "hairpin",
	[NIC_DROP_LINK_DOWN] = "vf_link_down",
	[NIC_DROP_REDIRECT] = "redirect_failed",
};

/* Removes every link, pin and file of PF. Works on half-made PFs; no state at all is fine. */
static int pf_teardown(const char *pf)
{
	struct pf_state st;
	const char *sns = st.kv[PF_SWITCH_NS].val;
	char path[PATH_MAX];
	int err = 0;

	if (!pf_state_read(&st, pf) && netns_exists(sns)) {
		for (__u32 vf = 0; vf < NIC_MAX_VFS; vf++) {
			char rep[IFNAMSIZ];

			snprintf(rep, sizeof(rep), "vf%u", vf);
			err = link_delete(sns, rep) ?: err;
		}
		err = link_delete(sns, UPLINK_REP) ?: err;
	}
	pf_path(path, sizeof(path), PIN_DIR, pf, NULL);
	if (mt_rmtree(path))
		err = mt_err("cannot remove %s", path);
	pf_path(path, sizeof(path), RUN_DIR, pf, NULL);
	if (mt_rmtree(path))
		err = mt_err("cannot remove %s", path);
	return err;
}

static int show_vf(struct nic *n, __u32 vf, const struct nic_port *p, struct mt_json *j)
{
	char path[PATH_MAX], mac[18], vlans[4096 * 6];
	uint64_t set[64];
	struct kv kv[2];
	bool carrier;

	vf_kv_init(kv);
	vf_file(path, sizeof(path), n->st.name, vf);
	kv_read(path, kv, 2);
	if (vlan_set_of(n, vf, set))
		return -1;
	mt_format_vlan_list(set, vlans, sizeof(vlans));
	format_mac(p->mac, mac);
	carrier = netns_exists(kv[0].val) && !mt_netns_enter(kv[0].val) && mt_link_carrier(kv[1].val) == 1;
	if (j) {
		mt_json_obj_begin(j, NULL);
		mt_json_u64(j, "vf", vf);
		mt_json_str(j, "netns", kv[0].val);
		mt_json_str(j, "ifname", kv[1].val);
		mt_json_str(j, "mac", mac);
		mt_json_str(j, "link_state", link_mode_names[p->link_mode % 3]);
		mt_json_bool(j, "carrier", carrier);
		mt_json_str(j, "loopback", p->loopback ? "on" : "off");
		mt_json_str(j, "vlan_mirror", vlans);
		mt_json_obj_end(j);
	} else {
		printf("    vf %u netns %s ifname %s mac %s link_state %s carrier %s loopback %s vlan_mirror %s\n",
		       vf, kv[0].val, kv[1].val, mac, link_mode_names[p->link_mode % 3], carrier ? "on" : "off",
		       p->loopback ? "on" : "off", *vlans ? vlans : "none");
	}
	return 0;
}

static int show_pf(const char *pf, struct mt_json *j)
{
	struct nic n;
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	__u64 drops[NIC_DROP_MAX] = { 0 }, *per;
	bool carrier;

	if (nic_open(&n, pf, true))
		return -1;
	carrier = !mt_netns_enter(switch_ns(&n)) && mt_link_carrier(UPLINK_REP) == 1;
	if (j) {
		mt_json_obj_begin(j, NULL);
		mt_json_str(j, "pf", pf);
		mt_json_str(j, "switch_netns", n.st.kv[PF_SWITCH_NS].val);
		mt_json_str(j, "uplink_netns", n.st.kv[PF_UPLINK_NS].val);
		mt_json_str(j, "uplink_ifname", n.st.kv[PF_UPLINK_IF].val);
		mt_json_str(j, "uplink_mac", n.st.kv[PF_UPLINK_MAC].val);
		mt_json_bool(j, "uplink_carrier", carrier);
		mt_json_arr_begin(j, "vfs");
	} else {
		printf("pf %s switch-netns %s uplink-netns %s uplink-ifname %s uplink-mac %s carrier %s\n", pf,
		       n.st.kv[PF_SWITCH_NS].val, n.st.kv[PF_UPLINK_NS].val, n.st.kv[PF_UPLINK_IF].val,
		       n.st.kv[PF_UPLINK_MAC].val, carrier ? "on" : "off");
	}
	for (__u32 vf = 0; vf < NIC_MAX_VFS && !err; vf++) {
		struct nic_port p;

		err = port_get(&n, vf, &p);
		if (!err && p.present)
			err = show_vf(&n, vf, &p, j);
	}
	per = calloc(ncpu > 0 ? (size_t)ncpu : 1, sizeof(*per));
	for (__u32 r = 0; per && r < NIC_DROP_MAX; r++)
		if (!bpf_map_lookup_elem(n.drops, &r, per))
			for (int c = 0; c < ncpu; c++)
				drops[r] += per[c];
	free(per);
	if (j) {
		mt_json_arr_end(j);
		mt_json_obj_begin(j, "drops");
		for (int r = 0; r < NIC_DROP_MAX; r++)
			mt_json_u64(j, drop_names[r], drops[r]);
		mt_json_obj_end(j);
		mt_json_obj_end(j);
	} else {
		printf("    drops");
		for (int r = 0; r < NIC_DROP_MAX; r++)
			printf(" %s %llu", drop_names[r], (unsigned long long)drops[r]);
		printf("\n");
	}
	return err;
}

int cmd_pf_show(int argc, char **argv)
{
	struct mt_json jw, *j = json ? &jw : NULL;
	struct dirent **names = NULL;
	int count = 0, err = 0;

	if (argc > 1)
		return mt_err("pf show: too many arguments");
	if (argc == 1 && !mt_ifname_valid(argv[0]))
		return mt_err("invalid PF name '%s'", argv[0]);
	if (argc == 0) {
		count = scandir(RUN_DIR, &names, NULL, alphasort);
		if (count < 0)
			count = 0;
	}
	if (j) {
		mt_json_init(j, stdout);
		mt_json_arr_begin(j, NULL);
	}
	if (argc == 1)
		err = show_pf(argv[0], j);
	for (int i = 0; i < count; i++) {
		if (!err && names[i]->d_name[0] != '.')
			err = show_pf(names[i]->d_name, j);
		free(names[i]);
	}
	free(names);
	if (j) {
		mt_json_arr_end(j);
		mt_json_done(j);
	}
	return err;
}

static int pf_build(const char *pf, const struct pf_state *st, const char *mac)
{
	const char *sns = st->kv[PF_SWITCH_NS].val, *uns = st->kv[PF_UPLINK_NS].val;
	const char *upif = st->kv[PF_UPLINK_IF].val;
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	struct nic_port up = { .link_up = 1 };
	char pins[PATH_MAX], path[PATH_MAX];
	struct nic_bpf *skel;
	struct nic n;
	FILE *f;
	int err;

	/* Representors are switch ports: no IPv6 autoconfiguration chatter from them. */
	if (mt_netns_enter(sns))
		return -1;
	f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w");
	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	/* The wire carries frames, never a GSO packet. */
	if (veth_create(sns, UPLINK_REP, uns, upif, mac) || link_offload_off_in(uns, upif) ||
	    link_up_in(sns, UPLINK_REP, true) || link_up_in(uns, upif, true))
		return -1;

	if (mt_bpffs_ensure())
		return -1;
	pf_path(pins, sizeof(pins), PIN_DIR, pf, NULL);
	err = mt_mkdirs(pins);
	if (err)
		return mt_err("cannot create %s: %s", pins, strerror(-err));
	/* The kind of hook the representors get, for the PF's lifetime. */
	pf_path(path, sizeof(path), PIN_DIR, pf, TC_HOOKS);
	if (!mt_hook_tcx() && mkdir(path, 0700))
		return mt_err("cannot create %s: %s", path, strerror(errno));
	oopts.pin_root_path = pins;
	skel = nic_bpf__open_opts(&oopts);
	if (!skel)
		return mt_err("cannot open the switch program: %s", strerror(errno));
	err = nic_bpf__load(skel);
	if (err) {
		nic_bpf__destroy(skel);
		return mt_err("cannot load the switch program: %s", strerror(-err));
	}
	pf_path(path, sizeof(path), PIN_DIR, pf, "prog");
	err = bpf_program__pin(skel->progs.nic_switch, path);
	nic_bpf__destroy(skel);
	if (err)
		return mt_err("cannot pin %s: %s", path, strerror(-err));

	if (nic_open(&n, pf, false))
		return -1;
	return rep_attach(&n, UPLINK_REP, NIC_UPLINK, &up);
}

int cmd_pf_add(int argc, char **argv)
{
	const char *pf, *mac_arg = NULL;
	struct pf_state st;
	char dir[PATH_MAX], path[PATH_MAX], mac[18] = "";
	__u8 macb[6];
	int lock, err;

	if (argc < 1)
		return mt_err("pf add: missing PF");
	pf = argv[0];
	if (!mt_ifname_valid(pf))
		return mt_err("invalid PF name '%s'", pf);
	pf_state_init(&st, pf);
	for (int i = 1; i < argc; i += 2) {
		int k;

		if (i + 1 >= argc)
			return mt_err("pf add: '%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "switch-netns"))
			k = PF_SWITCH_NS;
		else if (!strcmp(argv[i], "uplink-netns"))
			k = PF_UPLINK_NS;
		else if (!strcmp(argv[i], "uplink-ifname"))
			k = PF_UPLINK_IF;
		else if (!strcmp(argv[i], "uplink-mac")) {
			mac_arg = argv[i + 1];
			continue;
		} else
			return mt_err("pf add: unknown argument '%s'", argv[i]);
		if (strlen(argv[i + 1]) > NETNS_MAX)
			return mt_err("%s: '%s' is too long", argv[i], argv[i + 1]);
		snprintf(st.kv[k].val, sizeof(st.kv[k].val), "%s", argv[i + 1]);
	}
	if (!*st.kv[PF_UPLINK_IF].val)
		snprintf(st.kv[PF_UPLINK_IF].val, sizeof(st.kv[PF_UPLINK_IF].val), "%s", pf);
	if (!*st.kv[PF_SWITCH_NS].val || !*st.kv[PF_UPLINK_NS].val)
		return mt_err("pf add: switch-netns and uplink-netns are required");
	if (check_netns("switch-netns", st.kv[PF_SWITCH_NS].val) ||
	    check_netns("uplink-netns", st.kv[PF_UPLINK_NS].val) ||
	    check_ifname("uplink-ifname", st.kv[PF_UPLINK_IF].val))
		return -1;
	if (mac_arg) {
		if (parse_mac(mac_arg, macb))
			return -1;
		format_mac(macb, mac);
	}
	snprintf(st.kv[PF_UPLINK_MAC].val, sizeof(st.kv[PF_UPLINK_MAC].val), "%s", *mac ? mac : "auto");
	pf_path(dir, sizeof(dir), PIN_DIR, pf, NULL);
	pf_path(path, sizeof(path), RUN_DIR, pf, NULL);
	if (!access(dir, F_OK) || !access(path, F_OK))
		return mt_err("PF %s exists", pf);
	err = link_exists(st.kv[PF_SWITCH_NS].val, UPLINK_REP);
	if (err)
		return err < 0 ? -1 : mt_err("switch-netns %s already holds a PF", st.kv[PF_SWITCH_NS].val);
	err = link_exists(st.kv[PF_UPLINK_NS].val, st.kv[PF_UPLINK_IF].val);
	if (err)
		return err < 0 ? -1 : mt_err("uplink-ifname %s exists in %s", st.kv[PF_UPLINK_IF].val,
					     st.kv[PF_UPLINK_NS].val);

	/* The state file comes first: whatever happens next, pf del finds what to remove. */
	err = mt_mkdirs(RUN_DIR);
	if (err)
		return mt_err("cannot create %s: %s", RUN_DIR, strerror(-err));
	if (mkdir(path, 0700))
		return mt_err(errno == EEXIST ? "PF %s exists" : "cannot create the state of %s", pf);
	lock = lock_pf(pf);
	pf_path(path, sizeof(path), RUN_DIR, pf, "pf");
	if (lock < 0 || kv_write(path, st.kv, KV_MAX) || pf_build(pf, &st, *mac ? mac : NULL)) {
		pf_teardown(pf);
		return -1;
	}
	close(lock);
	return json ? cmd_pf_show(1, (char *[]){ (char *)pf }) : 0;
}

int cmd_pf_del(int argc, char **argv)
{
	int lock;

	if (argc != 1)
		return mt_err("pf del: expected PF");
	if (!mt_ifname_valid(argv[0]))
		return mt_err("invalid PF name '%s'", argv[0]);
	lock = lock_pf(argv[0]);
	if (pf_teardown(argv[0]))
		return -1;
	if (lock >= 0)
		close(lock);
	return 0;
}
