/* The TAP's packet logic, shared by the eBPF TAP (tap.bpf.c) and the DPDK TAP (native-tap/dpdk): the
 * flow key, the session filter with its fragment rule, and the symmetric flow hash, so both TAPs filter
 * alike and send a flow to the same VLAN. The includer defines:
 * - TAP_PKT, its packet type, and tap_load_bytes(const TAP_PKT *pkt, __u32 off, void *to, __u32 len),
 *   which returns 0 when it copied len bytes;
 * - TAP_FRAGS, its fragment table type, with tap_frag_note(TAP_FRAGS *t, const struct frag_key *k),
 *   tap_frag_forget(TAP_FRAGS *t, const struct frag_key *k) and tap_frag_seen(TAP_FRAGS *t,
 *   const struct frag_key *k) (1 when k was noted and is still there). */
#ifndef MT_TAP_FLOW_H
#define MT_TAP_FLOW_H

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/types.h>
#include <bpf/bpf_endian.h>
#include "tap.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* flow.frag */
#define FRAG_NONE 0
#define FRAG_FIRST 1 /* offset 0, more fragments follow: it has the ports */
#define FRAG_LATER 2 /* offset > 0: no transport header */

struct flow {
	__u8 family; /* 0: not IP */
	__u8 proto;
	__u8 has_ports;
	__u8 frag;
	__u16 sport;
	__u16 dport;
	__u32 frag_id; /* IPv4 identification, IPv6 fragment header's identification */
	__u32 src[4];
	__u32 dst[4];
};

/* filter_match */
#define MATCH_NO 0
#define MATCH_YES 1
#define MATCH_FRAG 2 /* a later fragment and a session with port parts; all other parts match */

#define IPV6_EXT_MAX 4

static __always_inline int is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

static __always_inline int has_ports(__u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP;
}

/* Reads the flow key with tap_load_bytes (which must work on non-linear packets). In-payload 802.1Q/802.1ad
 * tags (up to two) are skipped; a tag held in metadata (skb, mbuf) is not in the data at all. */
static __always_inline void parse_flow(const TAP_PKT *pkt, struct flow *f)
{
	__u32 off = ETH_HLEN;
	__be16 proto;

	if (tap_load_bytes(pkt, 12, &proto, sizeof(proto)))
		return;
	for (int i = 0; i < 2 && is_vlan(proto); i++) {
		if (tap_load_bytes(pkt, off + 2, &proto, sizeof(proto)))
			return;
		off += 4;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		__u8 h[20];

		if (tap_load_bytes(pkt, off, h, sizeof(h)))
			return;
		f->family = 4;
		f->proto = h[9];
		__builtin_memcpy(&f->src[0], &h[12], 4);
		__builtin_memcpy(&f->dst[0], &h[16], 4);
		if ((h[6] & 0x1f) | h[7])
			f->frag = FRAG_LATER;
		else if (h[6] & 0x20)
			f->frag = FRAG_FIRST;
		f->frag_id = (__u32)h[4] << 8 | h[5];
		off += (h[0] & 0x0f) * 4;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		__u8 h[40];
		__u8 nh;

		if (tap_load_bytes(pkt, off, h, sizeof(h)))
			return;
		f->family = 6;
		__builtin_memcpy(f->src, &h[8], 16);
		__builtin_memcpy(f->dst, &h[24], 16);
		nh = h[6];
		off += 40;
		for (int i = 0; i < IPV6_EXT_MAX; i++) {
			__u8 e[8]; /* every extension header has at least 8 bytes */

			if (nh != 0 && nh != 43 && nh != 44 && nh != 51 && nh != 60)
				break;
			if (tap_load_bytes(pkt, off, e, sizeof(e)))
				return;
			if (nh == 44) {
				if ((e[2] << 8 | e[3]) & 0xfff8)
					f->frag = FRAG_LATER;
				else if (e[3] & 1)
					f->frag = FRAG_FIRST;
				__builtin_memcpy(&f->frag_id, &e[4], 4);
				off += 8;
			} else if (nh == 51) {
				off += (e[1] + 2) * 4;
			} else {
				off += (e[1] + 1) * 8;
			}
			nh = e[0];
			/* What follows a later fragment's header is payload. A first fragment stops here too, so
			 * that all fragments of a datagram have the protocol their fragment header names. */
			if (f->frag)
				break;
		}
		f->proto = nh;
	} else {
		return;
	}
	if (has_ports(f->proto) && f->frag != FRAG_LATER) {
		__be16 p[2];

		if (tap_load_bytes(pkt, off, p, sizeof(p)) == 0) {
			f->sport = bpf_ntohs(p[0]);
			f->dport = bpf_ntohs(p[1]);
			f->has_ports = 1;
		}
	}
}

static __always_inline int prefix_match(const __u32 *addr, const __u32 *pfx, const __u32 *mask)
{
	for (int i = 0; i < 4; i++)
		if ((addr[i] & mask[i]) != pfx[i])
			return 0;
	return 1;
}

/* MATCH_YES, MATCH_NO, or MATCH_FRAG: a later fragment has no ports; session_match decides it. */
static __always_inline int filter_match(const struct tap_session *s, const struct flow *f)
{
	if (!s->flags)
		return MATCH_YES;
	if (!f->family)
		return MATCH_NO;
	if ((s->flags & TAP_F_ADDRS) && s->family != f->family)
		return MATCH_NO;
	if ((s->flags & TAP_F_SRC) && !prefix_match(f->src, s->src, s->src_mask))
		return MATCH_NO;
	if ((s->flags & TAP_F_DST) && !prefix_match(f->dst, s->dst, s->dst_mask))
		return MATCH_NO;
	if ((s->flags & TAP_F_NET) && !prefix_match(f->src, s->net, s->net_mask) &&
	    !prefix_match(f->dst, s->net, s->net_mask))
		return MATCH_NO;
	if ((s->flags & TAP_F_PROTO) && s->proto != f->proto)
		return MATCH_NO;
	if ((s->flags & TAP_F_PORTS) && !f->has_ports)
		return f->frag == FRAG_LATER && has_ports(f->proto) ? MATCH_FRAG : MATCH_NO;
	if ((s->flags & TAP_F_SPORT) && s->sport != f->sport)
		return MATCH_NO;
	if ((s->flags & TAP_F_DPORT) && s->dport != f->dport)
		return MATCH_NO;
	if ((s->flags & TAP_F_PORT) && s->port != f->sport && s->port != f->dport)
		return MATCH_NO;
	return MATCH_YES;
}

static __always_inline void frag_key(struct frag_key *k, const struct flow *f, __u32 session)
{
	__builtin_memcpy(k->src, f->src, sizeof(k->src));
	__builtin_memcpy(k->dst, f->dst, sizeof(k->dst));
	k->id = f->frag_id;
	k->session = (__u16)session;
	k->proto = f->proto;
	k->family = f->family;
}

/* 1 when session s takes the packet. Port parts see only a datagram's first fragment: one that matches
 * is noted in the fragment table (one that does not removes a note of an earlier datagram with its id),
 * and the later fragments of a noted datagram match as well; a later fragment not noted (its first one
 * did not match, came after it, or was evicted) does not. */
static __always_inline int session_match(TAP_FRAGS *t, const struct tap_session *s, const struct flow *f)
{
	struct frag_key k;
	int m = filter_match(s, f);

	if (f->frag == FRAG_FIRST && (s->flags & TAP_F_PORTS)) {
		frag_key(&k, f, s->id);
		if (m == MATCH_YES)
			tap_frag_note(t, &k);
		else
			tap_frag_forget(t, &k);
	} else if (m == MATCH_FRAG) {
		frag_key(&k, f, s->id);
		return tap_frag_seen(t, &k);
	}
	return m;
}

static __always_inline __u32 fmix32(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* Of an IP packet: symmetric in (source, destination) address, and over them and the protocol only, so that
 * both directions of a flow and every fragment of a datagram (only the first carries ports) hash alike.
 * Flows spread over the VLANs by address pair, not by port pair ("sd" receive-side scaling). */
static __always_inline __u32 flow_hash(const struct flow *f)
{
	__u32 x = 0, s = 0;

	for (int i = 0; i < 4; i++) {
		x ^= f->src[i] ^ f->dst[i];
		s += f->src[i] + f->dst[i];
	}
	return fmix32(fmix32(fmix32(x) ^ s) ^ f->proto);
}

#endif
