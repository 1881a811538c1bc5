/* Shared user-space helpers of the native Mirror Tunnel tools (mtapctl, nicemu, bench). */
#ifndef MT_H
#define MT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#define MT_BPFFS "/sys/fs/bpf"
#define MT_PIN_ROOT MT_BPFFS "/mirrortunnel"

/* Program name used as the prefix of every error line. */
extern const char *mt_prog;

/* Prints "<prog>: <message>\n" on stderr. Returns -1 so callers can `return mt_err(...)`. */
int mt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Joins network namespace /run/netns/NAME (the calling thread). NULL or "" keeps the current one. */
int mt_netns_enter(const char *name);

/* Name used in pin paths for a namespace: NAME itself, or "root" for NULL/"". */
const char *mt_netns_label(const char *name);

/* Mounts bpffs on /sys/fs/bpf when it is not mounted; creates directories like mkdir -p. */
int mt_bpffs_ensure(void);
int mt_mkdirs(const char *path);
/* Removes a directory tree made of pins and empty directories. Missing is fine. */
int mt_rmtree(const char *path);

/* Interface names: 1..15 chars, no '/', ':', whitespace, not "." or "..", not starting with '-' (other
 * tools would take such a name for an option). */
bool mt_ifname_valid(const char *name);
/* ifindex in the current namespace, 0 when absent. */
int mt_ifindex(const char *name);
/* Sets IFF_UP on or off. 0 or -errno. */
int mt_link_set_up(const char *name, bool up);
/* The link's MTU, or -errno. */
int mt_link_mtu(const char *name);
/* The kernel checksums and segments every frame before the device transmits it, as a NIC's own
 * checksum and segmentation offloads would: the device then never carries a GSO packet. 0 or -errno. */
int mt_link_tx_offload_off(const char *name);
/* 1 when the link is up and has carrier (read at once, not after link-watch), 0 when not, -errno. */
int mt_link_carrier(const char *name);

/* Strict numbers: decimal only, whole string, within [min, max]. 0 or -1 (with an error printed that
 * names `what`). */
int mt_parse_u32(const char *what, const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* VLAN list in the i40e sysfs syntax: "2,4,18-22". Sets bits of `set` (4096 bits, VLAN 0..4095).
 * Ranges must be ascending; each id must lie within [min, max]. 0 or -1 with an error printed. */
int mt_parse_vlan_list(const char *s, uint32_t min, uint32_t max, uint64_t set[64]);
/* Writes the set back in the same syntax ("2,4,18-22", "" when empty). */
void mt_format_vlan_list(const uint64_t set[64], char *buf, size_t len);

/* IPv4 or IPv6 prefix "10.0.0.0/8", "2001:db8::/32", or a bare address (full length). Host bits
 * must be zero. family is AF_INET or AF_INET6; addr holds 4 or 16 bytes. */
struct mt_prefix {
	int family;
	uint8_t len;
	uint8_t addr[16];
};
int mt_parse_prefix(const char *s, struct mt_prefix *out);
void mt_format_prefix(const struct mt_prefix *p, char *buf, size_t len);

/* Link change events from rtnetlink (RTM_NEWLINK/RTM_DELLINK) of the current namespace. */
struct mt_link_event {
	int ifindex;
	char ifname[16];
	bool deleted;
	bool carrier; /* IFF_UP and IFF_LOWER_UP */
};
/* Opens a NETLINK_ROUTE socket subscribed to RTMGRP_LINK. fd or -errno. */
int mt_linkwatch_open(void);
/* Waits up to timeout_ms (-1: forever) for events; calls cb for each one. Returns the number of
 * events, 0 on timeout, -errno on error (-EINTR when a signal arrived). */
int mt_linkwatch_poll(int fd, int timeout_ms, void (*cb)(const struct mt_link_event *, void *), void *ctx);

/* A tc program on a device's ingress or egress. Where the kernel has tcx (6.6+) it is a BPF link pinned at
 * `pin`, with no qdisc: attaching and detaching never disturb the device's traffic, and a detached hook
 * leaves nothing in the path. Elsewhere (`tc`) it is a cls_bpf filter of handle and priority `prio` on a
 * clsact qdisc that is created when missing and never removed: creating or deleting a qdisc on a busy
 * device drops the packets in flight. */
struct mt_hook {
	int ifindex;
	bool egress;
	bool tc;
	const char *pin;
	uint32_t prio;
};
/* Whether new hooks are tcx links: the kernel has tcx and MT_HOOKS=tc (for tests) is not set. The kind
 * of an existing hook is its owner's to remember. */
bool mt_hook_tcx(void);
/* The hook runs a program of ours now (a pinned link left by a deleted device does not count). */
bool mt_hook_attached(const struct mt_hook *h);
/* Readies the device for later attaches (the clsact qdisc of a tc hook). 0 or -1 (printed). */
int mt_hook_prepare(const struct mt_hook *h);
/* Attaches prog_fd unless a program of ours runs there already (tcx) or replaces it (tc). 0 or -1. */
int mt_hook_attach(const struct mt_hook *h, int prog_fd);
/* Detaches; nothing attached is fine. 0 or -1 (printed). */
int mt_hook_detach(const struct mt_hook *h);

/* Minimal JSON writer with automatic commas. Strings are escaped. */
struct mt_json {
	FILE *out;
	int depth;
	bool need_comma[32];
};
void mt_json_init(struct mt_json *j, FILE *out);
void mt_json_obj_begin(struct mt_json *j, const char *key); /* key NULL inside arrays / at top */
void mt_json_obj_end(struct mt_json *j);
void mt_json_arr_begin(struct mt_json *j, const char *key);
void mt_json_arr_end(struct mt_json *j);
void mt_json_str(struct mt_json *j, const char *key, const char *val);
void mt_json_u64(struct mt_json *j, const char *key, uint64_t val);
void mt_json_i64(struct mt_json *j, const char *key, int64_t val);
void mt_json_bool(struct mt_json *j, const char *key, bool val);
/* Ends the document with a newline and flushes. */
void mt_json_done(struct mt_json *j);

#endif
