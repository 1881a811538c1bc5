/* nicemu: control program of the emulated SR-IOV NIC (an Intel i40e PF with its VFs).
 *
 * A PF is a switch namespace holding one representor per VF ("vf<N>") and one for the uplink
 * ("uplink"); nic.bpf.c at their clsact ingress is the embedded switch. Configuration lives in
 * pinned maps under /sys/fs/bpf/mirrortunnel/nic/<PF>/, the namespaces and interface names in
 * /run/mirrortunnel/nic/<PF>/ (file "pf", one file "vf<N>" per VF).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mt.h"
#include "nic.h"
#include "nic.skel.h"

#define PIN_DIR MT_PIN_ROOT "/nic"
#define RUN_DIR "/run/mirrortunnel/nic"
#define UPLINK_REP "uplink"
#define NETNS_MAX 64

static const char *const drop_names[NIC_DROP_MAX] = {
	[NIC_DROP_UNKNOWN_PORT] = "unknown_port",
	[NIC_DROP_SHORT] = "short_frame",
	[NIC_DROP_LOOPBACK] = "loopback",
	[NIC_DROP_NO_DEST] = "no_destination",
	[NIC_DROP_HAIRPIN] = "hairpin",
	[NIC_DROP_LINK_DOWN] = "vf_link_down",
	[NIC_DROP_REDIRECT] = "redirect_failed",
};

static const char *const link_mode_names[] = {
	[NIC_LINK_AUTO] = "auto",
	[NIC_LINK_ENABLE] = "enable",
	[NIC_LINK_DISABLE] = "disable",
};

static const char *const stat_names[] = {
	"rx_bytes", "rx_packets", "rx_dropped", "tx_bytes", "tx_packets", "tx_dropped", "tx_errors",
};

static bool json;

/* Key/value state files: "key value" lines. */
#define KV_MAX 4
struct kv {
	const char *key;
	char val[NETNS_MAX + 1];
};

struct pf_state {
	char name[IFNAMSIZ];
	struct kv kv[KV_MAX]; /* switch_netns, uplink_netns, uplink_ifname, uplink_mac */
};
enum { PF_SWITCH_NS, PF_UPLINK_NS, PF_UPLINK_IF, PF_UPLINK_MAC };

/* An opened PF: state, lock and map fds. */
struct nic {
	struct pf_state st;
	int lock_fd;
	int ports, port_by_ifidx, mac_table, vlan_mirror, pf_cfg, port_stats, drops;
};

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

static const char *switch_ns(const struct nic *n) { return n->st.kv[PF_SWITCH_NS].val; }

/* ---- validation ---- */

static bool netns_name_valid(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > NETNS_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

static bool netns_exists(const char *s)
{
	char path[PATH_MAX];

	if (!netns_name_valid(s))
		return false;
	snprintf(path, sizeof(path), "/run/netns/%s", s);
	return !access(path, F_OK);
}

static int check_netns(const char *what, const char *s)
{
	if (!netns_name_valid(s))
		return mt_err("%s: invalid network namespace name '%s'", what, s);
	if (!netns_exists(s))
		return mt_err("%s: network namespace '%s' not found", what, s);
	return 0;
}

static int check_ifname(const char *what, const char *s)
{
	return mt_ifname_valid(s) ? 0 : mt_err("%s: invalid interface name '%s'", what, s);
}

static int parse_mac(const char *s, __u8 mac[6])
{
	unsigned int b[6];
	char end;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
				      &b[5], &end) != 6)
		return mt_err("mac: '%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", s);
	for (int i = 0; i < 6; i++)
		mac[i] = (__u8)b[i];
	if (mac[0] & 1)
		return mt_err("mac: %s is a multicast address", s);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return mt_err("mac: %s is the zero address", s);
	return 0;
}

static void format_mac(const __u8 mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static __u64 mac_key(const __u8 mac[6])
{
	__u64 k = 0;

	for (int i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k;
}

/* Locally administered default: 02:<4 bytes of a hash of the PF name>:<VF>. */
static void default_mac(const char *pf, __u32 vf, __u8 mac[6])
{
	__u32 h = 2166136261u;

	for (const char *p = pf; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	mac[0] = 0x02;
	mac[1] = h >> 24;
	mac[2] = h >> 16;
	mac[3] = h >> 8;
	mac[4] = h;
	mac[5] = (__u8)vf;
}

/* 1 when IFNAME exists in namespace NS, 0 when not, -1 on error (printed). */
static int link_exists(const char *ns, const char *ifname)
{
	if (mt_netns_enter(ns))
		return -1;
	return mt_ifindex(ifname) > 0;
}

/* ---- files ---- */

static void pf_path(char *buf, size_t len, const char *base, const char *pf, const char *leaf)
{
	snprintf(buf, len, "%s/%s%s%s", base, pf, leaf ? "/" : "", leaf ? leaf : "");
}

static int kv_write(const char *path, const struct kv *kv, int n)
{
	char tmp[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return mt_err("cannot write %s: %s", tmp, strerror(errno));
	for (int i = 0; i < n; i++)
		fprintf(f, "%s %s\n", kv[i].key, kv[i].val);
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return mt_err("cannot write %s: %s", path, strerror(errno));
	}
	return 0;
}

/* Fills the values of the keys listed in kv; missing keys stay empty. -errno when unreadable. */
static int kv_read(const char *path, struct kv *kv, int n)
{
	char line[256], key[32], val[NETNS_MAX + 1];
	FILE *f = fopen(path, "r");

	for (int i = 0; i < n; i++)
		kv[i].val[0] = '\0';
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %64s", key, val) != 2)
			continue;
		for (int i = 0; i < n; i++)
			if (!strcmp(kv[i].key, key))
				snprintf(kv[i].val, sizeof(kv[i].val), "%s", val);
	}
	fclose(f);
	return 0;
}

static void pf_state_init(struct pf_state *st, const char *pf)
{
	static const char *const keys[KV_MAX] = { "switch_netns", "uplink_netns", "uplink_ifname", "uplink_mac" };

	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", pf);
	for (int i = 0; i < KV_MAX; i++)
		st->kv[i].key = keys[i];
}

static int pf_state_read(struct pf_state *st, const char *pf)
{
	char path[PATH_MAX];

	pf_state_init(st, pf);
	pf_path(path, sizeof(path), RUN_DIR, pf, "pf");
	return kv_read(path, st->kv, KV_MAX);
}

static void vf_kv_init(struct kv kv[2])
{
	kv[0].key = "netns";
	kv[1].key = "ifname";
	kv[0].val[0] = kv[1].val[0] = '\0';
}

static void vf_file(char *buf, size_t len, const char *pf, __u32 vf)
{
	char leaf[16];

	snprintf(leaf, sizeof(leaf), "vf%u", vf);
	pf_path(buf, len, RUN_DIR, pf, leaf);
}

/* ---- ip(8), run with an argument array; its stderr becomes our one error line ---- */

static int run_ip(const char *const argv[])
{
	char err[512] = "";
	int pfd[2], status;
	ssize_t got = 0, r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return mt_err("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return mt_err("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		execvp("ip", (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	while (got < (ssize_t)sizeof(err) - 1 && (r = read(pfd[0], err + got, sizeof(err) - 1 - got)) > 0)
		got += r;
	close(pfd[0]);
	err[got] = '\0';
	err[strcspn(err, "\n")] = '\0';
	if (waitpid(pid, &status, 0) < 0)
		return mt_err("waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return mt_err("ip %s %s %s: %s", argv[3], argv[4], argv[5], *err ? err : "failed (is iproute2 installed?)");
}

/* Creates representor REP in the switch namespace, its peer PEER in PEER_NS with MAC (or NULL). */
static int veth_create(const char *sns, const char *rep, const char *peer_ns, const char *peer,
		       const char *mac)
{
	const char *argv[] = { "ip", "-n", sns, "link", "add", rep, "type", "veth", "peer", "name", peer,
			       "netns", peer_ns, mac ? "address" : NULL, mac, NULL };

	return run_ip(argv);
}

/* Deletes IFNAME in NS when present (its veth peer goes with it). */
static int link_delete(const char *ns, const char *ifname)
{
	const char *argv[] = { "ip", "-n", ns, "link", "del", ifname, NULL };
	int r = link_exists(ns, ifname);

	return r <= 0 ? r : run_ip(argv);
}

static int link_up_in(const char *ns, const char *ifname, bool up)
{
	int err;

	if (mt_netns_enter(ns))
		return -1;
	err = mt_link_set_up(ifname, up);
	return err ? mt_err("cannot set %s %s in %s: %s", ifname, up ? "up" : "down", ns, strerror(-err)) : 0;
}

/* ---- maps ---- */

static int map_open(const char *pf, const char *name)
{
	char path[PATH_MAX];
	int fd;

	pf_path(path, sizeof(path), PIN_DIR, pf, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		mt_err("PF %s: cannot open %s: %s (run 'nicemu pf del %s' and add it again)", pf, path,
		       strerror(errno), pf);
	return fd;
}

static int lock_pf(const char *pf)
{
	char path[PATH_MAX];
	int fd;

	pf_path(path, sizeof(path), RUN_DIR, pf, NULL);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Opens PF's state and maps; takes the PF lock unless the caller holds it. */
static int nic_open(struct nic *n, const char *pf, bool lock)
{
	struct { int *fd; const char *name; } maps[] = {
		{ &n->ports, "ports" }, { &n->port_by_ifidx, "port_by_ifidx" }, { &n->mac_table, "mac_table" },
		{ &n->vlan_mirror, "vlan_mirror" }, { &n->pf_cfg, "pf_cfg" }, { &n->port_stats, "port_stats" },
		{ &n->drops, "drops" },
	};

	if (!mt_ifname_valid(pf))
		return mt_err("invalid PF name '%s'", pf);
	n->lock_fd = lock ? lock_pf(pf) : -1;
	if ((lock && n->lock_fd < 0) || pf_state_read(&n->st, pf) || !*switch_ns(n))
		return mt_err("PF %s not found", pf);
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		*maps[i].fd = map_open(pf, maps[i].name);
		if (*maps[i].fd < 0)
			return -1;
	}
	return 0;
}

static int port_get(const struct nic *n, __u32 port, struct nic_port *p)
{
	memset(p, 0, sizeof(*p));
	return bpf_map_lookup_elem(n->ports, &port, p) ? mt_err("ports: %s", strerror(errno)) : 0;
}

static int port_put(const struct nic *n, __u32 port, const struct nic_port *p)
{
	return bpf_map_update_elem(n->ports, &port, p, BPF_ANY) ? mt_err("ports: %s", strerror(errno)) : 0;
}

static int vf_present(const struct nic *n, __u32 vf, struct nic_port *p)
{
	if (port_get(n, vf, p))
		return -1;
	return p->present ? 0 : mt_err("PF %s: VF %u not found", n->st.name, vf);
}

/* Recomputes the flood set from the ports map. */
static int pf_mask_update(const struct nic *n)
{
	struct nic_pf pf = { 0 };
	struct nic_port p;
	__u32 zero = 0;

	for (__u32 vf = 0; vf < NIC_MAX_VFS; vf++) {
		if (port_get(n, vf, &p))
			return -1;
		if (p.present && p.link_up)
			pf.vf_up_mask |= 1ULL << vf;
	}
	return bpf_map_update_elem(n->pf_cfg, &zero, &pf, BPF_ANY) ? mt_err("pf_cfg: %s", strerror(errno)) : 0;
}

/* The VLAN set of one VF, read from the per-VLAN masks. */
static int vlan_set_of(const struct nic *n, __u32 vf, uint64_t set[64])
{
	memset(set, 0, 64 * sizeof(uint64_t));
	for (__u32 vid = 0; vid < NIC_VLANS; vid++) {
		__u64 mask = 0;

		if (bpf_map_lookup_elem(n->vlan_mirror, &vid, &mask))
			return mt_err("vlan_mirror: %s", strerror(errno));
		if (mask & (1ULL << vf))
			set[vid / 64] |= 1ULL << (vid % 64);
	}
	return 0;
}

/* Makes VF's VLAN set equal to `want`, touching only the VLANs that change. */
static int vlan_set_apply(const struct nic *n, __u32 vf, const uint64_t have[64], const uint64_t want[64])
{
	for (__u32 vid = 0; vid < NIC_VLANS; vid++) {
		uint64_t bit = 1ULL << (vid % 64);
		__u64 mask;

		if ((have[vid / 64] & bit) == (want[vid / 64] & bit))
			continue;
		if (bpf_map_lookup_elem(n->vlan_mirror, &vid, &mask))
			return mt_err("vlan_mirror: %s", strerror(errno));
		mask = (want[vid / 64] & bit) ? mask | (1ULL << vf) : mask & ~(1ULL << vf);
		if (bpf_map_update_elem(n->vlan_mirror, &vid, &mask, BPF_ANY))
			return mt_err("vlan_mirror: %s", strerror(errno));
	}
	return 0;
}

static int vlan_count(const uint64_t set[64])
{
	int count = 0;

	for (int i = 0; i < 64; i++)
		count += __builtin_popcountll(set[i]);
	return count;
}

static int stats_read(const struct nic *n, __u32 port, struct nic_stats *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct nic_stats *per;

	memset(sum, 0, sizeof(*sum));
	if (ncpu <= 0)
		return mt_err("cannot count CPUs");
	per = calloc((size_t)ncpu, sizeof(*per));
	if (!per)
		return mt_err("out of memory");
	if (bpf_map_lookup_elem(n->port_stats, &port, per)) {
		free(per);
		return mt_err("port_stats: %s", strerror(errno));
	}
	for (int c = 0; c < ncpu; c++) {
		const __u64 *src = (const __u64 *)&per[c];
		__u64 *dst = (__u64 *)sum;

		for (size_t i = 0; i < sizeof(*sum) / sizeof(__u64); i++)
			dst[i] += src[i];
	}
	free(per);
	return 0;
}

static int stats_reset(const struct nic *n, __u32 port)
{
	int ncpu = libbpf_num_possible_cpus();
	struct nic_stats *zero = calloc(ncpu > 0 ? (size_t)ncpu : 1, sizeof(*zero));
	int err = 0;

	if (!zero)
		return mt_err("out of memory");
	if (bpf_map_update_elem(n->port_stats, &port, zero, BPF_ANY))
		err = mt_err("port_stats: %s", strerror(errno));
	free(zero);
	return err;
}

static int tc_attach(const char *ns, const char *ifname, int prog_fd)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1, .prog_fd = prog_fd);
	int err;

	if (mt_netns_enter(ns))
		return -1;
	hook.ifindex = mt_ifindex(ifname);
	if (!hook.ifindex)
		return mt_err("%s not found in %s", ifname, ns);
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return mt_err("cannot add clsact to %s: %s", ifname, strerror(-err));
	err = bpf_tc_attach(&hook, &opts);
	return err ? mt_err("cannot attach the switch to %s: %s", ifname, strerror(-err)) : 0;
}

/* Maps a representor to its port; the switch program starts handling its frames. */
static int rep_attach(const struct nic *n, const char *rep, __u32 port, struct nic_port *p)
{
	char path[PATH_MAX];
	int prog_fd, err;

	if (mt_netns_enter(switch_ns(n)))
		return -1;
	p->ifindex = (__u32)mt_ifindex(rep);
	if (!p->ifindex)
		return mt_err("%s not found in %s", rep, switch_ns(n));
	if (bpf_map_update_elem(n->port_by_ifidx, &p->ifindex, &port, BPF_ANY))
		return mt_err("port_by_ifidx: %s", strerror(errno));
	p->present = 1;
	if (port_put(n, port, p))
		return -1;
	pf_path(path, sizeof(path), PIN_DIR, n->st.name, "prog");
	prog_fd = bpf_obj_get(path);
	if (prog_fd < 0)
		return mt_err("cannot open %s: %s", path, strerror(errno));
	err = tc_attach(switch_ns(n), rep, prog_fd);
	close(prog_fd);
	return err;
}

/* ---- link state ---- */

/* Sets the representor up or down (the VF sees carrier or NO-CARRIER) and the delivery flag. */
static int vf_link_apply(const struct nic *n, __u32 vf, struct nic_port *p, enum nic_link_mode mode)
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

/* ---- teardown (idempotent, used by del and to undo a failed add) ---- */

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
		err = link_delete(switch_ns(n), rep);
	vf_file(path, sizeof(path), n->st.name, vf);
	unlink(path);
	return err;
}

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

/* ---- show ---- */

static void print_stats(struct mt_json *j, const struct nic_stats *s)
{
	const __u64 *v = (const __u64 *)s;

	for (size_t i = 0; i < sizeof(stat_names) / sizeof(stat_names[0]); i++) {
		if (j)
			mt_json_u64(j, stat_names[i], v[i]);
		else
			printf("%s %llu\n", stat_names[i], (unsigned long long)v[i]);
	}
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

static int cmd_pf_show(int argc, char **argv)
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

/* ---- pf add / del ---- */

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
	if (veth_create(sns, UPLINK_REP, uns, upif, mac) || link_up_in(sns, UPLINK_REP, true) ||
	    link_up_in(uns, upif, true))
		return -1;

	if (mt_bpffs_ensure())
		return -1;
	pf_path(pins, sizeof(pins), PIN_DIR, pf, NULL);
	err = mt_mkdirs(pins);
	if (err)
		return mt_err("cannot create %s: %s", pins, strerror(-err));
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

static int cmd_pf_add(int argc, char **argv)
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

static int cmd_pf_del(int argc, char **argv)
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

/* ---- vf ---- */

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
	if (veth_create(switch_ns(n), rep, kv[0].val, kv[1].val, macs) || link_up_in(kv[0].val, kv[1].val, true))
		return -1;
	if (bpf_map_update_elem(n->mac_table, &key, &vf, BPF_NOEXIST))
		return mt_err("mac %s: %s", macs, strerror(errno));
	if (rep_attach(n, rep, vf, &p))
		return -1;
	return vf_link_apply(n, vf, &p, NIC_LINK_AUTO);
}

static int cmd_vf_add(int argc, char **argv)
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

static int cmd_vf_del(int argc, char **argv)
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

static int cmd_vf_set(int argc, char **argv)
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

static int cmd_vf_get(int argc, char **argv)
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
