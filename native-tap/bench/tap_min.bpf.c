// SPDX-License-Identifier: GPL-2.0
/* The least a tagging eBPF TAP can do, the benchmark's fixed reference: push a VLAN tag, clone the packet
 * to the tunnel, pop the tag (tap_min). No sessions, filters, sampling or counters. Two variants measure
 * where its cost goes: the tag passed to the tunnel in skb->cb and pushed there on the copy alone
 * (tap_min_cb with tap_min_tunnel on the tunnel's egress), and no tag at all (tap_min_untagged). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* cb[0] of a copy whose tag is in cb[1]. */
#define COPY_MARK 0x4d54c0deu

const volatile __u32 tunnel_ifindex;
const volatile __u16 vlan;

SEC("tc")
int tap_min(struct __sk_buff *skb)
{
	if (!bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), vlan)) {
		bpf_clone_redirect(skb, tunnel_ifindex, 0);
		bpf_skb_vlan_pop(skb);
	}
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tap_min_cb(struct __sk_buff *skb)
{
	__u32 c0 = skb->cb[0], c1 = skb->cb[1];

	skb->cb[0] = COPY_MARK;
	skb->cb[1] = vlan;
	bpf_clone_redirect(skb, tunnel_ifindex, 0);
	skb->cb[0] = c0;
	skb->cb[1] = c1;
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tap_min_tunnel(struct __sk_buff *skb)
{
	if (skb->cb[0] == COPY_MARK) {
		skb->cb[0] = 0;
		bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), skb->cb[1]);
	}
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tap_min_untagged(struct __sk_buff *skb)
{
	bpf_clone_redirect(skb, tunnel_ifindex, 0);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
