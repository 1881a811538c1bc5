/* vf add, del, set, get: a VF is a representor in the switch namespace, its veth peer in the function's
 * namespace, a port in the maps, and the i40e's sysfs attributes. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "nicemu.h"

const char *const link_mode_names[3] = {
	[NIC_LINK_AUTO] = "auto",
	[NIC_LINK_ENABLE] = "enable",
	[NIC_LINK_DISABLE] = "disable",
};

/* Maps a representor to its port; the switch program starts handling its frames. */
int rep_attach(const struct nic *n, const char *rep, __u32 port, struct nic_port *p)
{
	if (mt_netns_enter(switch_ns(n)))
		return -1;
	p->ifindex = (__u32)mt_ifindex(rep);
	if (!p->ifindex)
		return mt_err("%s not found in %s", rep, switch_ns(n));
	if (bpf_map_update_elem(n->port_by_ifidx, &p->ifindex, &port, BPF_ANY))
		return mt_err("port_by_ifidx: %s", strerror(errno));
	p->present = 1;
	return port_put(n, port, p) ? -1 : rep_hook_attach(n, rep);
}

/* Sets the representor up or down (the VF sees carrier or NO-CARRIER) and the delivery flag. */
int vf_link_apply(const struct nic *n, __u32 vf, struct nic_port *p, enum nic_link_mode mode)
{
	char rep[IFNAMSIZ];
	bool up = mode == NIC_LINK_ENABLE;

	if (mode == NIC_LINK_AUTO) {
		int carrier;

		if (mt_netns_enter(switch_ns(n)))
			return -1;
		carrier = mt_link_carrier(UPLINK_REP);
		if (carrier < 0)
			return mt_err("cannot read the carrier of %s: %s", UPLINK_REP, strerror(-carrier));
		up = carrier == 1;
	}
	snprintf(rep, sizeof(rep), "vf%u", vf);
	p->link_mode = (__u8)mode;
	if (!up) {
		p->link_up = 0;
		if (port_put(n, vf, p) || pf_mask_update(n))
			return -1;
	}
	if (link_up_in(switch_ns(n), rep, up))
		return -1;
	p->link_up = up;
	return port_put(n, vf, p) || pf_mask_update(n) ? -1 : 0;
}

static int vf_teardown(const struct nic *n, __u32 vf)
{
	uint64_t have[64], none[64] = { 0 };
	char rep[IFNAMSIZ], path[PATH_MAX];
	struct nic_port p;
	__u64 key;
	int err = 0;

	if (port_get(n, vf, &p))
		return -1;
	if (p.present) {
		struct nic_port gone = { 0 };

		if (port_put(n, vf, &gone) || pf_mask_update(n))
			return -1;
		key = mac_key(p.mac);
		bpf_map_delete_elem(n->mac_table, &key);
		if (p.ifindex)
			bpf_map_delete_elem(n->port_by_ifidx, &p.ifindex);
	}
	if (vlan_set_of(n, vf, have) || vlan_set_apply(n, vf, have, none) || stats_reset(n, vf))
		return -1;
	snprintf(rep, sizeof(rep), "vf%u", vf);
	if (netns_exists(switch_ns(n)))
		err = rep_hook_detach(n, rep) ?: link_delete(switch_ns(n), rep);
	vf_file(path, sizeof(path), n->st.name, vf);
	unlink(path);
	return err;
}

static int parse_vf(const char *s, __u32 *vf)
{
	return mt_parse_u32("VF", s, 0, NIC_MAX_VFS - 1, vf);
}

static int vf_build(struct nic *n, __u32 vf, const struct kv kv[2], const __u8 mac[6])
{
	struct nic_port p = { .link_mode = NIC_LINK_AUTO };
	char rep[IFNAMSIZ], macs[18];
	__u64 key = mac_key(mac);

	snprintf(rep, sizeof(rep), "vf%u", vf);
	format_mac(mac, macs);
	memcpy(p.mac, mac, 6);
	/* A real VF checksums and segments what it sends: the switch sees frames, as on the wire. */
	if (veth_create(switch_ns(n), rep, kv[0].val, kv[1].val, macs) ||
	    link_offload_off_in(kv[0].val, kv[1].val) || link_up_in(kv[0].val, kv[1].val, true))
		return -1;
	if (bpf_map_update_elem(n->mac_table, &key, &vf, BPF_NOEXIST))
		return mt_err("mac %s: %s", macs, strerror(errno));
	if (rep_attach(n, rep, vf, &p))
		return -1;
	return vf_link_apply(n, vf, &p, NIC_LINK_AUTO);
}

int cmd_vf_add(int argc, char **argv)
{
	char path[PATH_MAX], rep[IFNAMSIZ];
	struct kv kv[2];
	struct nic_port p;
	struct nic n;
	__u8 mac[6];
	bool have_mac = false;
	__u32 vf, other;
	int r;

	if (argc < 2)
		return mt_err("vf add: expected PF VF netns NS ifname NAME [mac MAC]");
	if (parse_vf(argv[1], &vf))
		return -1;
	vf_kv_init(kv);
	for (int i = 2; i < argc; i += 2) {
		if (i + 1 >= argc)
			return mt_err("vf add: '%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "netns") || !strcmp(argv[i], "ifname")) {
			struct kv *e = &kv[argv[i][0] == 'i'];

			if (strlen(argv[i + 1]) > NETNS_MAX)
				return mt_err("%s: '%s' is too long", argv[i], argv[i + 1]);
			snprintf(e->val, sizeof(e->val), "%s", argv[i + 1]);
		} else if (!strcmp(argv[i], "mac")) {
			if (parse_mac(argv[i + 1], mac))
				return -1;
			have_mac = true;
		} else
			return mt_err("vf add: unknown argument '%s'", argv[i]);
	}
	if (!*kv[0].val || !*kv[1].val)
		return mt_err("vf add: netns and ifname are required");
	if (check_netns("netns", kv[0].val) || check_ifname("ifname", kv[1].val) || nic_open(&n, argv[0], true))
		return -1;
	if (!have_mac)
		default_mac(argv[0], vf, mac);
	if (port_get(&n, vf, &p))
		return -1;
	if (p.present)
		return mt_err("PF %s: VF %u exists", argv[0], vf);
	if (!bpf_map_lookup_elem(n.mac_table, &(__u64){ mac_key(mac) }, &other))
		return mt_err("mac: already used by VF %u", other);
	r = link_exists(kv[0].val, kv[1].val);
	if (r)
		return r < 0 ? -1 : mt_err("ifname %s exists in %s", kv[1].val, kv[0].val);
	snprintf(rep, sizeof(rep), "vf%u", vf);
	r = link_exists(switch_ns(&n), rep);
	if (r)
		return r < 0 ? -1 : mt_err("representor %s exists in %s (run 'nicemu vf del %s %u')", rep,
					   switch_ns(&n), argv[0], vf);

	vf_file(path, sizeof(path), argv[0], vf);
	if (kv_write(path, kv, 2) || vf_build(&n, vf, kv, mac)) {
		vf_teardown(&n, vf);
		return -1;
	}
	return 0;
}

int cmd_vf_del(int argc, char **argv)
{
	struct nic_port p;
	struct nic n;
	__u32 vf;

	if (argc != 2)
		return mt_err("vf del: expected PF VF");
	if (parse_vf(argv[1], &vf) || nic_open(&n, argv[0], true) || vf_present(&n, vf, &p))
		return -1;
	return vf_teardown(&n, vf);
}

static int set_vlan_mirror(struct nic *n, __u32 vf, const char *value)
{
	uint64_t have[64], list[64], want[64];
	char op[8];
	const char *vlans;
	bool add;
	int count;

	/* "add 2,4,18-22" or "rem 15-17", as written to the sysfs file. */
	if (sscanf(value, "%7s", op) != 1 || (strcmp(op, "add") && strcmp(op, "rem")))
		return mt_err("vlan_mirror: expected \"add VLANS\" or \"rem VLANS\", got '%s'", value);
	add = !strcmp(op, "add");
	vlans = value + strspn(value, " \t") + 3;
	if (*vlans != ' ' && *vlans != '\t')
		return mt_err("vlan_mirror: expected \"%s VLANS\"", op);
	vlans += strspn(vlans, " \t");
	/* add: VLAN 1..4094; rem: 0..4095 so that "rem 0-4095" clears. */
	if (mt_parse_vlan_list(vlans, add ? 1 : 0, add ? 4094 : 4095, list) || vlan_set_of(n, vf, have))
		return -1;
	for (int i = 0; i < 64; i++)
		want[i] = add ? have[i] | list[i] : have[i] & ~list[i];
	count = vlan_count(want);
	if (count > NIC_MAX_MIRROR_VLANS)
		return mt_err("vlan_mirror: VF %u would mirror %d VLANs, at most %d", vf, count,
			      NIC_MAX_MIRROR_VLANS);
	return vlan_set_apply(n, vf, have, want);
}

int cmd_vf_set(int argc, char **argv)
{
	struct nic_port p;
	struct nic n;
	__u32 vf;

	if (argc < 4)
		return mt_err("vf set: expected PF VF ATTRIBUTE VALUE");
	if (parse_vf(argv[1], &vf))
		return -1;
	if (!strcmp(argv[2], "vlan_mirror")) {
		char value[256] = "";

		/* Accept the value as one word ("add 2,4") or as two ("add" "2,4"). */
		if (argc > 5)
			return mt_err("vf set: too many arguments");
		snprintf(value, sizeof(value), "%s%s%s", argv[3], argc == 5 ? " " : "", argc == 5 ? argv[4] : "");
		if (nic_open(&n, argv[0], true) || vf_present(&n, vf, &p))
			return -1;
		return set_vlan_mirror(&n, vf, value);
	}
	if (argc != 4)
		return mt_err("vf set: too many arguments");
	if (!strcmp(argv[2], "loopback")) {
		bool on = !strcasecmp(argv[3], "on");

		if (!on && strcasecmp(argv[3], "off"))
			return mt_err("loopback: expected on or off, got '%s'", argv[3]);
		if (nic_open(&n, argv[0], true) || vf_present(&n, vf, &p))
			return -1;
		p.loopback = on;
		return port_put(&n, vf, &p);
	}
	if (!strcmp(argv[2], "link_state")) {
		int mode = -1;

		for (int m = 0; m < 3; m++)
			if (!strcasecmp(argv[3], link_mode_names[m]))
				mode = m;
		if (mode < 0)
			return mt_err("link_state: expected enable, disable or auto, got '%s'", argv[3]);
		if (nic_open(&n, argv[0], true) || vf_present(&n, vf, &p))
			return -1;
		return vf_link_apply(&n, vf, &p, (enum nic_link_mode)mode);
	}
	return mt_err("vf set: unknown attribute '%s' (vlan_mirror, loopback, link_state)", argv[2]);
}

int cmd_vf_get(int argc, char **argv)
{
	static const char *const attrs[] = { "vlan_mirror", "loopback", "link_state", "stats" };
	struct mt_json j;
	struct nic_port p;
	struct nic_stats s;
	char value[4096 * 6];
	struct nic n;
	int attr = -1;
	__u32 vf;

	if (argc != 3)
		return mt_err("vf get: expected PF VF vlan_mirror|loopback|link_state|stats");
	for (int a = 0; a < 4; a++)
		if (!strcmp(argv[2], attrs[a]))
			attr = a;
	if (attr < 0)
		return mt_err("vf get: unknown attribute '%s' (vlan_mirror, loopback, link_state, stats)", argv[2]);
	if (parse_vf(argv[1], &vf) || nic_open(&n, argv[0], true) || vf_present(&n, vf, &p))
		return -1;
	if (attr == 3) {
		if (stats_read(&n, vf, &s))
			return -1;
		if (json) {
			mt_json_init(&j, stdout);
			mt_json_obj_begin(&j, NULL);
			print_stats(&j, &s);
			mt_json_obj_end(&j);
			mt_json_done(&j);
		} else
			print_stats(NULL, &s);
		return 0;
	}
	if (attr == 0) {
		uint64_t set[64];

		if (vlan_set_of(&n, vf, set))
			return -1;
		mt_format_vlan_list(set, value, sizeof(value));
	} else
		snprintf(value, sizeof(value), "%s",
			 attr == 1 ? (p.loopback ? "on" : "off") : link_mode_names[p.link_mode % 3]);
	if (json) {
		mt_json_init(&j, stdout);
		mt_json_obj_begin(&j, NULL);
		mt_json_str(&j, attrs[attr], value);
		mt_json_obj_end(&j);
		mt_json_done(&j);
	} else
		printf("%s\n", value);
	return 0;
}
