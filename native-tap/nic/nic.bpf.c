// SPDX-License-Identifier: GPL-2.0
/* Embedded switch (VEB) of the emulated NIC: runs at the ingress (tcx) of every representor in the
 * PF's switch namespace. Ingress of a VF representor = the VF transmitted; of the uplink
 * representor = a frame arrived from the wire. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "nic.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NIC_PORTS);
	__type(key, __u32);
	__type(value, struct nic_port);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NIC_PORTS);
	__type(key, __u32); /* representor ifindex */
	__type(value, __u32); /* port */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} port_by_ifidx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NIC_MAX_VFS);
	__type(key, __u64); /* MAC in the low 48 bits, first byte most significant */
	__type(value, __u32); /* VF */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mac_table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NIC_VLANS);
	__type(key, __u32); /* VLAN id */
	__type(value, __u64); /* VFs mirroring it */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vlan_mirror SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nic_pf);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pf_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NIC_PORTS);
	__type(key, __u32);
	__type(value, struct nic_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} port_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NIC_DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} drops SEC(".maps");

struct vlan_tag {
	__be16 tci;
	__be16 proto;
};

static __always_inline struct nic_stats *stats_of(__u32 port)
{
	return bpf_map_lookup_elem(&port_stats, &port);
}

static __always_inline void count_drop(enum nic_drop reason)
{
	__u32 key = reason;
	__u64 *n = bpf_map_lookup_elem(&drops, &key);

	if (n)
		*n += 1;
}

static __always_inline void count_rx(__u32 port, __u32 bytes)
{
	struct nic_stats *st = stats_of(port);

	if (st) {
		st->rx_packets++;
		st->rx_bytes += bytes;
	}
}

static __always_inline void count_rx_drop(__u32 port, enum nic_drop reason)
{
	struct nic_stats *st = stats_of(port);

	if (st)
		st->rx_dropped++;
	count_drop(reason);
}

struct clone_ctx {
	struct __sk_buff *skb;
	__u64 mask;
	__u32 bytes;
};

/* bpf_loop body: one VF of the mask gets a copy (mirror copies and floods keep their tag). */
static long clone_one(__u32 vf, struct clone_ctx *c)
{
	struct nic_port *p;

	if (!c->mask)
		return 1;
	if (!(c->mask & (1ULL << vf)))
		return 0;
	c->mask &= ~(1ULL << vf);
	p = bpf_map_lookup_elem(&ports, &vf);
	if (!p || !p->present)
		return 0;
	if (!p->link_up)
		count_rx_drop(vf, NIC_DROP_LINK_DOWN);
	else if (bpf_clone_redirect(c->skb, p->ifindex, 0))
		count_rx_drop(vf, NIC_DROP_REDIRECT);
	else
		count_rx(vf, c->bytes);
	return 0;
}

static __always_inline void clone_to_vfs(struct __sk_buff *skb, __u64 mask, __u32 bytes)
{
	struct clone_ctx c = { .skb = skb, .mask = mask, .bytes = bytes };

	if (mask)
		bpf_loop(NIC_MAX_VFS, clone_one, &c, 0);
}

/* The frame goes to port `port`: redirected when its link is up, else dropped and counted. */
static __always_inline int deliver(struct __sk_buff *skb, __u32 port, __u32 bytes)
{
	struct nic_port *p = bpf_map_lookup_elem(&ports, &port);

	if (!p || !p->present)
		return TC_ACT_SHOT;
	if (!p->link_up) {
		count_rx_drop(port, NIC_DROP_LINK_DOWN);
		return TC_ACT_SHOT;
	}
	count_rx(port, bytes);
	return bpf_redirect(p->ifindex, 0);
}

/* Copies to the VFs of mask: clones for all but the lowest, which gets the frame itself. */
static __always_inline int mirror_last(struct __sk_buff *skb, __u64 mask, __u32 bytes)
{
	__u64 low = mask & -mask;
	__u32 vf = 0;

	if (!mask)
		return TC_ACT_SHOT;
	for (__u32 shift = 32; shift; shift >>= 1) {
		if (!(low & ((1ULL << shift) - 1))) {
			vf += shift;
			low >>= shift;
		}
	}
	clone_to_vfs(skb, mask & (mask - 1), bytes);
	return deliver(skb, vf, bytes);
}

static __always_inline __u64 mac_key(const __u8 *m)
{
	return ((__u64)m[0] << 40) | ((__u64)m[1] << 32) | ((__u64)m[2] << 24) |
	       ((__u64)m[3] << 16) | ((__u64)m[4] << 8) | m[5];
}

SEC("tc")
int nic_switch(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u32 ifindex = skb->ifindex, src, dst, bytes, zero = 0, uplink = NIC_UPLINK;
	__u64 srcbit, mirror = 0, dmac;
	struct nic_port *sport, *dport;
	struct nic_stats *st;
	struct nic_pf *pf;
	__u32 *port, *vfp;
	__u16 vid = 0;
	__u8 group;

	port = bpf_map_lookup_elem(&port_by_ifidx, &ifindex);
	if (!port) {
		count_drop(NIC_DROP_UNKNOWN_PORT);
		return TC_ACT_SHOT;
	}
	src = *port;
	sport = bpf_map_lookup_elem(&ports, &src);
	st = stats_of(src);
	pf = bpf_map_lookup_elem(&pf_cfg, &zero);
	if (!sport || !st || !pf)
		return TC_ACT_SHOT;
	if ((void *)(eth + 1) > data_end) {
		st->tx_errors++;
		count_drop(NIC_DROP_SHORT);
		return TC_ACT_SHOT;
	}
	/* Wire length: an accelerated tag is not part of skb->len. */
	bytes = skb->len + (skb->vlan_present ? 4 : 0);
	st->tx_packets++;
	st->tx_bytes += bytes;

	if (skb->vlan_present) {
		vid = skb->vlan_tci & 0x0fff;
	} else if (eth->h_proto == bpf_htons(ETH_P_8021Q) || eth->h_proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_tag *tag = (void *)(eth + 1);

		if ((void *)(tag + 1) <= data_end)
			vid = bpf_ntohs(tag->tci) & 0x0fff;
	}
	if (vid) {
		__u32 key = vid;
		__u64 *m = bpf_map_lookup_elem(&vlan_mirror, &key);

		if (m)
			mirror = *m;
	}
	srcbit = src < NIC_MAX_VFS ? 1ULL << src : 0;
	mirror &= ~srcbit;
	group = eth->h_dest[0] & 1;
	dmac = mac_key(eth->h_dest);
	/* Packet pointers are invalid after the first clone: everything needed is read above. */

	if (group) {
		/* A monitor that is also a flood target gets one copy. */
		clone_to_vfs(skb, (pf->vf_up_mask & ~srcbit) | mirror, bytes);
		if (src == NIC_UPLINK)
			return TC_ACT_SHOT;
		if (sport->loopback) {
			count_drop(NIC_DROP_LOOPBACK);
			return TC_ACT_SHOT;
		}
		dport = bpf_map_lookup_elem(&ports, &uplink);
		if (dport && !bpf_clone_redirect(skb, dport->ifindex, 0))
			count_rx(NIC_UPLINK, bytes);
		else
			count_rx_drop(NIC_UPLINK, NIC_DROP_REDIRECT);
		return TC_ACT_SHOT;
	}

	vfp = bpf_map_lookup_elem(&mac_table, &dmac);
	dst = vfp ? *vfp : NIC_UPLINK;
	if (dst < NIC_MAX_VFS)
		mirror &= ~(1ULL << dst);

	/* A frame that goes nowhere itself (counted as such) leaves as its last mirror copy: moved, not
	 * cloned, as the silicon spends nothing on it either. */
	if (dst == NIC_UPLINK && src == NIC_UPLINK) {
		st->tx_dropped++;
		count_drop(NIC_DROP_NO_DEST);
		return mirror_last(skb, mirror, bytes);
	}
	if (dst == src) {
		st->tx_dropped++;
		count_drop(NIC_DROP_HAIRPIN);
		return mirror_last(skb, mirror, bytes);
	}
	if (dst == NIC_UPLINK && sport->loopback) {
		count_drop(NIC_DROP_LOOPBACK);
		return mirror_last(skb, mirror, bytes);
	}
	clone_to_vfs(skb, mirror, bytes);
	return deliver(skb, dst, bytes);
}

char LICENSE[] SEC("license") = "GPL";
