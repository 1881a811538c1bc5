// SPDX-License-Identifier: GPL-2.0
/* The least a tagging eBPF TAP can do, the benchmark's fixed reference: push a VLAN tag, clone the packet
 * to the tunnel, pop the tag. No sessions, filters, sampling or counters. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

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

char LICENSE[] SEC("license") = "GPL";
