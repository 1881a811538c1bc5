/* The PF's pinned maps: ports, MAC table, VLAN mirror masks, counters. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nicemu.h"

static const char *const stat_names[] = {
	"rx_bytes", "rx_packets", "rx_dropped", "tx_bytes", "tx_packets", "tx_dropped", "tx_errors",
};

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

/* Opens PF's state and maps; takes the PF lock unless the caller holds it. */
int nic_open(struct nic *n, const char *pf, bool lock)
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

int port_get(const struct nic *n, __u32 port, struct nic_port *p)
{
	memset(p, 0, sizeof(*p));
	return bpf_map_lookup_elem(n->ports, &port, p) ? mt_err("ports: %s", strerror(errno)) : 0;
}

int port_put(const struct nic *n, __u32 port, const struct nic_port *p)
{
	return bpf_map_update_elem(n->ports, &port, p, BPF_ANY) ? mt_err("ports: %s", strerror(errno)) : 0;
}

int vf_present(const struct nic *n, __u32 vf, struct nic_port *p)
{
	if (port_get(n, vf, p))
		return -1;
	return p->present ? 0 : mt_err("PF %s: VF %u not found", n->st.name, vf);
}

/* Recomputes the flood set from the ports map. */
int pf_mask_update(const struct nic *n)
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
int vlan_set_of(const struct nic *n, __u32 vf, uint64_t set[64])
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
int vlan_set_apply(const struct nic *n, __u32 vf, const uint64_t have[64], const uint64_t want[64])
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

int vlan_count(const uint64_t set[64])
{
	int count = 0;

	for (int i = 0; i < 64; i++)
		count += __builtin_popcountll(set[i]);
	return count;
}

int stats_read(const struct nic *n, __u32 port, struct nic_stats *sum)
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

int stats_reset(const struct nic *n, __u32 port)
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

void print_stats(struct mt_json *j, const struct nic_stats *s)
{
	const __u64 *v = (const __u64 *)s;

	for (size_t i = 0; i < sizeof(stat_names) / sizeof(stat_names[0]); i++) {
		if (j)
			mt_json_u64(j, stat_names[i], v[i]);
		else
			printf("%s %llu\n", stat_names[i], (unsigned long long)v[i]);
	}
}
