// SPDX-License-Identifier: GPL-2.0
/* Software TAP: on a service interface's clsact ingress (rx) and egress (tx), each active session whose
 * filter and sampling accept the packet gets a copy tagged with one of its VLANs, cloned to the egress of
 * its tunnel device. The original always continues unchanged (TC_ACT_OK). */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define TAP_PKT struct __sk_buff
#define tap_load_bytes bpf_skb_load_bytes
#include "flow.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TAP_MAX_SESSIONS);
	__type(key, __u32);
	__type(value, struct tap_session);
} sessions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tap_active);
} active SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TAP_MAX_SESSIONS);
	__type(key, __u32);
	__type(value, struct tap_stats);
} stats SEC(".maps");

/* A global function: verified once on its own, not once per loop iteration and path of the caller. */
__noinline int tap_session_run(struct __sk_buff *skb, __u32 slot, const struct flow *f)
{
	struct tap_session *s = bpf_map_lookup_elem(&sessions, &slot);
	struct tap_stats *st = bpf_map_lookup_elem(&stats, &slot);
	__u32 idx = 0;
	__u16 vid;

	if (!skb || !f || !s || !st || !s->id)
		return 0;
	st->seen++;
	if (!filter_match(s, f)) {
		st->filtered++;
		return 0;
	}
	if (++st->sample_ctr < s->sample) {
		st->sampled++;
		return 0;
	}
	st->sample_ctr = 0;
	if (f->family && s->nvlans > 1)
		idx = (flow_hash(f) % s->nvlans) & (TAP_MAX_VLANS - 1);
	vid = s->vlans[idx];
	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), vid)) {
		st->errors++;
		return 0;
	}
	if (bpf_clone_redirect(skb, s->tunnel_ifindex, 0) == 0)
		st->mirrored++;
	else
		st->errors++;
	/* Restores the original; an in-payload tag it had ends up in skb metadata, which leaves the device
	 * as the same bytes. A failure here is counted once more: the copy may be fine, the original not. */
	if (bpf_skb_vlan_pop(skb))
		st->errors++;
	return 0;
}

static __always_inline int tap(struct __sk_buff *skb, __u32 dir_idx)
{
	__u32 zero = 0;
	struct tap_active *a = bpf_map_lookup_elem(&active, &zero);
	struct flow f = {};
	__u32 mask;

	if (!a)
		return TC_ACT_OK;
	mask = a->mask[dir_idx & 1];
	if (!mask)
		return TC_ACT_OK;
	if (mask & a->need_flow)
		parse_flow(skb, &f);
	for (__u32 i = 0; i < TAP_MAX_SESSIONS; i++)
		if (mask & (1u << i))
			tap_session_run(skb, i, &f);
	return TC_ACT_OK;
}

SEC("tc")
int tap_ingress(struct __sk_buff *skb)
{
	return tap(skb, 0);
}

SEC("tc")
int tap_egress(struct __sk_buff *skb)
{
	return tap(skb, 1);
}

char LICENSE[] SEC("license") = "GPL";
