// SPDX-License-Identifier: GPL-2.0
/* Snaplen on a tunnel device's egress: the tunnel carries only TAP copies, each tagged with its
 * session VLAN. A copy whose VLAN has a snaplen is cut to that many bytes of the original frame (the
 * session tag not counted). Other frames pass untouched. Like the TAP it gives no verdict (TC_ACT_UNSPEC). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "tap.h"

/* VLAN id -> snaplen (64..65535). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} snaplen SEC(".maps");

SEC("tc")
int tap_snaplen(struct __sk_buff *skb)
{
	__u32 tag_len = 0, vid, *cap;

	if (skb->vlan_present) {
		vid = skb->vlan_tci & 0x0fff;
	} else {
		/* The tag is in the data when the tunnel cannot carry it as metadata. */
		__be16 h[2];

		if (bpf_skb_load_bytes(skb, 12, h, sizeof(h)) || h[0] != bpf_htons(ETH_P_8021Q))
			return TC_ACT_UNSPEC;
		vid = bpf_ntohs(h[1]) & 0x0fff;
		tag_len = 4;
	}
	cap = bpf_map_lookup_elem(&snaplen, &vid);
	if (!cap || skb->len <= *cap + tag_len)
		return TC_ACT_UNSPEC;
	bpf_skb_change_tail(skb, *cap + tag_len, 0);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
