/* nicemu's parts: names and MACs (names.c), state files and the PF lock (files.c), ip(8) and links
 * (netdev.c), the pinned maps (maps.c), and one file per object of the command line (pf.c, vf.c). */
#ifndef NICEMU_H
#define NICEMU_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>

#include "mt.h"
#include "nic.h"

#define PIN_DIR MT_PIN_ROOT "/nic"
#define RUN_DIR "/run/mirrortunnel/nic"
#define UPLINK_REP "uplink"
#define NETNS_MAX 64
/* Directory in a PF's pins: its hooks are tc filters (the kernel had no tcx). */
#define TC_HOOKS "tc-hooks"

extern bool json;
extern const char *const link_mode_names[3];

/* Key/value state files: "key value" lines. */
#define KV_MAX 4
struct kv {
	const char *key;
	char val[NETNS_MAX + 1];
};

struct pf_state {
	char name[IFNAMSIZ];
	struct kv kv[KV_MAX]; /* switch_netns, uplink_netns, uplink_ifname, uplink_mac */
};
enum { PF_SWITCH_NS, PF_UPLINK_NS, PF_UPLINK_IF, PF_UPLINK_MAC };

/* An opened PF: state, lock and map fds. */
struct nic {
	struct pf_state st;
	int lock_fd;
	int ports, port_by_ifidx, mac_table, vlan_mirror, pf_cfg, port_stats, drops;
};

static inline const char *switch_ns(const struct nic *n) { return n->st.kv[PF_SWITCH_NS].val; }

/* ---- names.c ---- */
bool netns_name_valid(const char *s);
bool netns_exists(const char *s);
int check_netns(const char *what, const char *s);
int check_ifname(const char *what, const char *s);
int parse_mac(const char *s, __u8 mac[6]);
void format_mac(const __u8 mac[6], char buf[18]);
__u64 mac_key(const __u8 mac[6]);
void default_mac(const char *pf, __u32 vf, __u8 mac[6]);
int link_exists(const char *ns, const char *ifname);

/* ---- files.c ---- */
void pf_path(char *buf, size_t len, const char *base, const char *pf, const char *leaf);
int kv_write(const char *path, const struct kv *kv, int n);
int kv_read(const char *path, struct kv *kv, int n);
void pf_state_init(struct pf_state *st, const char *pf);
int pf_state_read(struct pf_state *st, const char *pf);
void vf_kv_init(struct kv kv[2]);
void vf_file(char *buf, size_t len, const char *pf, __u32 vf);
int lock_pf(const char *pf);

/* ---- netdev.c ---- */
int veth_create(const char *sns, const char *rep, const char *peer_ns, const char *peer, const char *mac);
int link_delete(const char *ns, const char *ifname);
int link_up_in(const char *ns, const char *ifname, bool up);
/* The end of a VF (or of the uplink) outside the NIC transmits only frames: see mt_link_tx_offload_off. */
int link_offload_off_in(const char *ns, const char *ifname);
/* The switch program on the ingress of representor REP, a tcx link pinned as PIN_DIR/<PF>/link_<REP>. */
int rep_hook_attach(const struct nic *n, const char *rep);
int rep_hook_detach(const struct nic *n, const char *rep);

/* ---- maps.c ---- */
int nic_open(struct nic *n, const char *pf, bool lock);
int port_get(const struct nic *n, __u32 port, struct nic_port *p);
int port_put(const struct nic *n, __u32 port, const struct nic_port *p);
int vf_present(const struct nic *n, __u32 vf, struct nic_port *p);
int pf_mask_update(const struct nic *n);
int vlan_set_of(const struct nic *n, __u32 vf, uint64_t set[64]);
int vlan_set_apply(const struct nic *n, __u32 vf, const uint64_t have[64], const uint64_t want[64]);
int vlan_count(const uint64_t set[64]);
int stats_read(const struct nic *n, __u32 port, struct nic_stats *sum);
int stats_reset(const struct nic *n, __u32 port);
void print_stats(struct mt_json *j, const struct nic_stats *s);

/* ---- pf.c, vf.c ---- */
int rep_attach(const struct nic *n, const char *rep, __u32 port, struct nic_port *p);
int vf_link_apply(const struct nic *n, __u32 vf, struct nic_port *p, enum nic_link_mode mode);
int cmd_pf_add(int argc, char **argv);
int cmd_pf_del(int argc, char **argv);
int cmd_pf_show(int argc, char **argv);
int cmd_vf_add(int argc, char **argv);
int cmd_vf_del(int argc, char **argv);
int cmd_vf_set(int argc, char **argv);
int cmd_vf_get(int argc, char **argv);

#endif
