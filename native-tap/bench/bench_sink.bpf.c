// SPDX-License-Identifier: GPL-2.0
/* The cheapest receiver a veth can have: tc ingress drops every frame. The benchmark puts it on
 * the far end of every path and tunnel, so the sender's CPU pays as little as possible for work a
 * real NIC would do elsewhere. Frames are counted by the veth before they get here. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int mt_bench_sink(struct __sk_buff *skb)
{
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
