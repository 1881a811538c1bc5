/* Maps shared by the TAP's eBPF programs (tap.bpf.c, tap_snap.bpf.c) and mtapctl. */
#ifndef MT_TAP_H
#define MT_TAP_H

#include <linux/types.h>

#define TAP_MAX_SESSIONS 16
#define TAP_MAX_VLANS 8

/* Direction bits; also the index into tap_active.mask (bit - 1). */
#define TAP_DIR_RX 1
#define TAP_DIR_TX 2

/* Filter fields in use (tap_session.flags). */
#define TAP_F_SRC 0x01
#define TAP_F_DST 0x02
#define TAP_F_PROTO 0x04
#define TAP_F_SPORT 0x08
#define TAP_F_DPORT 0x10
#define TAP_F_NET 0x20  /* source or destination in net/net_mask */
#define TAP_F_PORT 0x40 /* source or destination port is port */
#define TAP_F_ADDRS (TAP_F_SRC | TAP_F_DST | TAP_F_NET)
#define TAP_F_PORTS (TAP_F_SPORT | TAP_F_DPORT | TAP_F_PORT)

/* A copy is the original frame with the session tag outside it. It fits the tunnel when the frame without
 * that tag is at most the tunnel's MTU plus an Ethernet header and one more tag (the original's own). */
#define TAP_FRAME_OVERHEAD 18

/* One slot of the per-DEV session array; id 0 marks a free slot. Addresses and masks are in network
 * order, 32-bit words (IPv4 uses word 0). Ports are in host order. */
struct tap_session {
	__u32 id;
	__u32 tunnel_ifindex;
	__u32 sample;
	__u32 snaplen;
	/* Longest frame the tunnel takes as a copy: its MTU + TAP_FRAME_OVERHEAD, or no limit when the
	 * snaplen cuts copies below that. Kept up to date by mtapctl from the tunnel's MTU. */
	__u32 frame_max;
	__u8 dir;
	__u8 nvlans;
	__u8 flags;
	__u8 family; /* 4 or 6 when a TAP_F_ADDRS field is set */
	__u8 src_len;
	__u8 dst_len;
	__u8 proto;
	__u8 net_len;
	__u16 sport;
	__u16 dport;
	__u16 port;
	__u16 pad;
	__u16 vlans[TAP_MAX_VLANS];
	__u32 src[4];
	__u32 src_mask[4];
	__u32 dst[4];
	__u32 dst_mask[4];
	__u32 net[4];
	__u32 net_mask[4];
	char tunnel_name[16]; /* for show only */
};

/* Per-CPU, per session. Every packet a session looks at ends in exactly one of these; their sum is
 * what it saw. */
struct tap_stats {
	__u64 mirrored;
	__u64 filtered;
	__u64 sampled;
	__u64 oversized; /* the copy would not fit the tunnel's MTU: not sent */
	__u64 errors;    /* a helper failed */
	__u64 sample_ctr; /* matching packets since the last mirrored one (sampling state) */
};

/* What a session without a flow key needs per packet: a copy of its settings next to the masks, so that
 * such a packet reads one line of this map and its counters, and not the session map. */
struct tap_hot {
	__u32 tunnel_ifindex;
	__u32 frame_max;
	__u32 sample;
	__u16 vid; /* vlans[0] */
	__u16 pad;
};

/* The fragment table (per DEV, least recently used out): a datagram whose first fragment matched a session
 * with port parts. Its later fragments, which carry no ports, match that session too. */
#define TAP_FRAG_ENTRIES 4096

struct frag_key {
	__u32 src[4]; /* as in struct flow */
	__u32 dst[4];
	__u32 id;     /* IPv4 identification, IPv6 fragment identification */
	__u16 session;
	__u8 proto;
	__u8 family;
};

/* Sessions to run per direction: bit i = slot i. Written by mtapctl from session config and tunnel carrier.
 * need_flow has the bits of sessions that read the flow key (a filter, or several VLANs to hash over);
 * the packet is parsed only when one of them runs. hot[i] is valid while slot i has a bit in a mask. */
struct tap_active {
	__u32 mask[2]; /* [0] rx (ingress), [1] tx (egress) */
	__u32 need_flow;
	__u32 pad;
	struct tap_hot hot[TAP_MAX_SESSIONS];
};

#endif
