// SPDX-License-Identifier: GPL-2.0
/* Software TAP: on a service interface's ingress (rx) and egress (tx), each active session whose filter
 * and sampling accept the packet gets a copy tagged with one of its VLANs, cloned to the egress of its
 * tunnel device. The original always continues unchanged, and so do the device's other tc programs:
 * the TAP returns TC_ACT_UNSPEC (TCX_NEXT), never a verdict. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "tap.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TAP_MAX_SESSIONS);
	__type(key, __u32);
	__type(value, struct tap_session);
} sessions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TAP_FRAG_ENTRIES);
	__type(key, struct frag_key);
	__type(value, __u8);
} frags SEC(".maps");

static const __u8 noted = 1;

#define TAP_PKT struct __sk_buff
#define tap_load_bytes bpf_skb_load_bytes
#define TAP_FRAGS void
#define tap_frag_note(t, k) bpf_map_update_elem(&frags, (k), &noted, BPF_ANY)
#define tap_frag_forget(t, k) bpf_map_delete_elem(&frags, (k))
#define tap_frag_seen(t, k) (bpf_map_lookup_elem(&frags, (k)) != NULL)
#include "flow.h"

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

/* The copy would not fit the tunnel. Its frame is the original's, with a tag the original brought as
 * metadata inside the session's. A GSO packet fits when each of its segments does (the tunnel device
 * segments it), which bpf_check_mtu measures against the tunnel's MTU now. */
static __always_inline int oversized(struct __sk_buff *skb, const struct tap_hot *h)
{
	__u32 mtu = 0;

	if (skb->len + (skb->vlan_present ? 4 : 0) <= h->frame_max)
		return 0;
	return !skb->gso_size || bpf_check_mtu(skb, h->tunnel_ifindex, &mtu, 0, BPF_MTU_CHK_SEGS);
}

/* Tags the packet with the session's VLAN, clones it to the tunnel, untags it. */
static __always_inline void mirror(struct __sk_buff *skb, const struct tap_hot *h, struct tap_stats *st,
				   __u16 vid)
{
	if (bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), vid)) {
		st->errors++;
		return;
	}
	if (bpf_clone_redirect(skb, h->tunnel_ifindex, 0) == 0)
		st->mirrored++;
	else
		st->errors++;
	/* Restores the original; an in-payload tag it had ends up in skb metadata, which leaves the device
	 * as the same bytes. A failure here is counted once more: the copy may be fine, the original not. */
	if (bpf_skb_vlan_pop(skb))
		st->errors++;
}

/* Sampling and the tunnel's MTU, which every session applies; 1 when the packet is to be copied. */
static __always_inline int admit(struct __sk_buff *skb, const struct tap_hot *h, struct tap_stats *st)
{
	if (h->sample > 1) {
		if (++st->sample_ctr < h->sample) {
			st->sampled++;
			return 0;
		}
		st->sample_ctr = 0;
	}
	if (oversized(skb, h)) {
		st->oversized++;
		return 0;
	}
	return 1;
}

/* A session with no filter and one VLAN (most of them): its settings from the active map, no flow key.
 * Inlined into the loop. */
static __always_inline void session_plain(struct __sk_buff *skb, __u32 slot, const struct tap_hot *h)
{
	struct tap_stats *st = bpf_map_lookup_elem(&stats, &slot);

	if (st && admit(skb, h, st))
		mirror(skb, h, st, h->vid);
}

/* A session that reads the flow key (a filter, or VLANs to hash over). A global function: verified
 * once on its own, not once per loop iteration and path of the caller. */
__noinline int session_flow(struct __sk_buff *skb, __u32 slot, const struct flow *f,
			    const struct tap_hot *h)
{
	struct tap_session *s = bpf_map_lookup_elem(&sessions, &slot);
	struct tap_stats *st = bpf_map_lookup_elem(&stats, &slot);
	__u16 vid;

	if (!skb || !f || !h || !s || !st)
		return 0;
	if (!session_match(NULL, s, f)) {
		st->filtered++;
		return 0;
	}
	if (!admit(skb, h, st))
		return 0;
	vid = h->vid;
	if (s->nvlans > 1 && f->family)
		vid = s->vlans[(flow_hash(f) % s->nvlans) & (TAP_MAX_VLANS - 1)];
	mirror(skb, h, st, vid);
	return 0;
}

static __always_inline int tap(struct __sk_buff *skb, __u32 dir_idx)
{
	__u32 zero = 0, mask, flows;
	struct tap_active *a = bpf_map_lookup_elem(&active, &zero);
	struct flow f;

	if (!a)
		return TC_ACT_UNSPEC;
	mask = a->mask[dir_idx & 1];
	flows = mask & a->need_flow;
	if (flows) {
		__builtin_memset(&f, 0, sizeof(f));
		parse_flow(skb, &f);
	}
	for (__u32 i = 0; i < TAP_MAX_SESSIONS && mask; i++, mask >>= 1, flows >>= 1) {
		if (flows & 1)
			session_flow(skb, i, &f, &a->hot[i]);
		else if (mask & 1)
			session_plain(skb, i, &a->hot[i]);
	}
	return TC_ACT_UNSPEC;
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
