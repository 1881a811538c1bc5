/* Emulated SR-IOV NIC (i40e-like): layout of the maps shared by nic.bpf.c and nicemu. */
#ifndef NIC_H
#define NIC_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define NIC_MAX_VFS 64             /* VF 0..63: one bit each in a __u64 mask */
#define NIC_UPLINK NIC_MAX_VFS     /* port index of the uplink representor */
#define NIC_PORTS (NIC_MAX_VFS + 1)
#define NIC_VLANS 4096
#define NIC_MAX_MIRROR_VLANS 192   /* i40e limit per VF */

enum nic_link_mode {
	NIC_LINK_AUTO,
	NIC_LINK_ENABLE,
	NIC_LINK_DISABLE,
};

/* One per port (VF or uplink), indexed by port. */
struct nic_port {
	__u32 ifindex;  /* representor in the switch namespace */
	__u8 present;
	__u8 loopback;  /* VF transmissions never reach the uplink */
	__u8 link_up;   /* representor up: frames may be delivered to the VF */
	__u8 link_mode; /* enum nic_link_mode, read by nicemu only */
	__u8 mac[6];
	__u8 pad[2];
};

/* Single entry: VFs present with their link up, the flood set. */
struct nic_pf {
	__u64 vf_up_mask;
};

/* Per port, from the port's point of view: tx = into the switch, rx = out of it. */
struct nic_stats {
	__u64 rx_bytes;
	__u64 rx_packets;
	__u64 rx_dropped;
	__u64 tx_bytes;
	__u64 tx_packets;
	__u64 tx_dropped;
	__u64 tx_errors;
};

enum nic_drop {
	NIC_DROP_UNKNOWN_PORT, /* frame on an interface that is no representor of this PF */
	NIC_DROP_SHORT,        /* shorter than an Ethernet header (tx_errors) */
	NIC_DROP_LOOPBACK,     /* uplink-bound frame of a VF with loopback on */
	NIC_DROP_NO_DEST,      /* unicast from the uplink to a MAC no VF owns */
	NIC_DROP_HAIRPIN,      /* unicast to the sender's own MAC (tx_dropped) */
	NIC_DROP_LINK_DOWN,    /* destination VF link disabled (its rx_dropped) */
	NIC_DROP_REDIRECT,     /* the kernel refused the redirect (destination rx_dropped) */
	NIC_DROP_MAX,
};

#endif
