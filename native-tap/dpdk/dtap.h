/* Internals of the DPDK TAP shared by its source files. */
#ifndef MT_DTAP_INT_H
#define MT_DTAP_INT_H

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <jansson.h>
#include <rte_ethdev.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>

#include "mt_dtap.h"
#include "tap.h"

#define MTD_MAX_TUNNELS 8
#define MTD_MAX_CLIENTS 16
#define MTD_GRAVE_SIZE 256

enum { DIR_RX, DIR_TX };

struct mtd_tunnel {
	uint16_t port_id;
	char name[RTE_ETH_NAME_MAX_LEN];
	char ifname[IF_NAMESIZE]; /* the kernel interface behind the port, "" when there is none */
	bool lsc;		  /* the PMD advertises link-state-change interrupts */
	bool up;
	uint16_t nb_txq;
	bool shared_txq; /* fewer queues than lcores: lcores share them under txq_lock */
	rte_spinlock_t txq_lock[RTE_MAX_LCORE];
};

/* Per session slot, per lcore. Only the owning lcore writes; readers sum with relaxed loads.
 * seen = mirrored + filtered + sampled + errors. */
struct mtd_ctr {
	uint64_t seen;
	uint64_t mirrored;
	uint64_t filtered;
	uint64_t sampled;
	uint64_t errors;
	uint64_t sample_ctr; /* matching packets since the last mirrored one */
};

struct mtd_lcore_ctr {
	struct mtd_ctr slot[TAP_MAX_SESSIONS];
} __rte_cache_aligned;

/* A port's fragment table on one lcore (flow.h's rule): direct-mapped, a datagram takes the slot of an
 * earlier one with the same index. */
#define MTD_FRAG_SLOTS 1024

struct mtd_frags {
	struct frag_key k[MTD_FRAG_SLOTS];
};

/* What the callbacks read: immutable once published (RCU through the TAP's QSBR variable). */
struct mtd_view {
	uint32_t mask[2]; /* running sessions per direction, bit i = slot i */
	uint32_t need_flow;
	struct tap_session s[TAP_MAX_SESSIONS];
	uint8_t tunnel[TAP_MAX_SESSIONS]; /* index into mtd.tunnels */
};

struct mtd_port {
	struct mtd *tap;
	uint16_t port_id;
	char name[RTE_ETH_NAME_MAX_LEN];
	char ifname[IF_NAMESIZE];
	uint16_t nb_q[2]; /* rx and tx queues the NSF configured */
	/* Configuration (id 0: free slot), changed under mtd.lock. */
	struct tap_session s[TAP_MAX_SESSIONS];
	uint8_t tunnel[TAP_MAX_SESSIONS];
	/* Sessions running (active, callbacks on) as last reported in events: id, tunnel. */
	uint32_t running[TAP_MAX_SESSIONS];
	uint8_t running_tunnel[TAP_MAX_SESSIONS];
	/* The published view and the one the next change is written into. */
	struct mtd_view views[2];
	struct mtd_view *view;
	/* Callbacks per direction and queue while registered (or always, in gate mode). */
	const struct rte_eth_rxtx_callback **cb[2];
	bool registered[2];
	uint32_t gate[2];
	struct mtd_lcore_ctr *ctr; /* [RTE_MAX_LCORE] */
	struct mtd_frags *frags;   /* one per EAL lcore, by mtd.txq_of_lcore */
	uint64_t foreign;	   /* packets seen on threads without an lcore id (atomic) */
};

/* A callback removed from a queue: freed once no burst can still be running it. */
struct mtd_grave {
	const struct rte_eth_rxtx_callback *cb;
	uint64_t at_ns;
};

struct mtd_client {
	int fd;
	bool watch;
	size_t len;
	char buf[65536];
};

struct mtd {
	pthread_mutex_t lock; /* all configuration, the clients and the graves */
	enum mtd_off_mode off_mode;
	unsigned poll_ms;
	struct mtd_port *ports;
	uint16_t nb_ports;
	struct mtd_tunnel tunnels[MTD_MAX_TUNNELS];
	uint16_t nb_tunnels;
	struct rte_mempool *hdr_pool;
	struct rte_mempool *clone_pool;
	struct rte_mempool *rx_pool; /* for tunnels that need rx queues, created when one does */
	struct rte_rcu_qsbr *qsv;
	uint16_t txq_of_lcore[RTE_MAX_LCORE];
	struct mtd_grave graves[MTD_GRAVE_SIZE];
	unsigned nb_graves;
	/* control thread */
	pthread_t thread;
	bool thread_started;
	int wake_fd; /* eventfd: stop, or an LSC event */
	bool stop;
	int nl_fd;
	char ctl_path[108];
	int listen_fd;
	struct mtd_client *clients[MTD_MAX_CLIENTS];
};

/* datapath.c */
uint16_t mtd_rx_cb(uint16_t port_id, uint16_t queue, struct rte_mbuf *pkts[], uint16_t nb_pkts,
		   uint16_t max_pkts, void *arg);
uint16_t mtd_tx_cb(uint16_t port_id, uint16_t queue, struct rte_mbuf *pkts[], uint16_t nb_pkts, void *arg);

/* tap.c, all under mtd.lock */
struct mtd_port *mtd_port_find(struct mtd *t, const char *name);
int mtd_tunnel_find(struct mtd *t, const char *name);
/* Adds or replaces session s (s->id) on port p with tunnel index ti; nothing changes on failure. */
int mtd_session_set(struct mtd_port *p, const struct tap_session *s, unsigned ti, char *err, size_t errlen);
/* 0, or -1 when p has no session id. */
int mtd_session_remove(struct mtd_port *p, uint32_t id);
/* Reads the tunnels' link state and makes sessions and callbacks follow it. */
void mtd_reconcile_links(struct mtd *t);
void mtd_free_graves(struct mtd *t, bool all);
void mtd_session_counters(const struct mtd_port *p, unsigned slot, struct mtd_ctr *sum, json_t *per_lcore);

/* command.c */
json_t *mtd_session_json(const struct mtd *t, const struct mtd_port *p, unsigned slot);
json_t *mtd_link_event(const struct mtd_tunnel *tn);
json_t *mtd_session_event(const struct mtd *t, const struct mtd_port *p, uint32_t id, unsigned tunnel, bool active);
/* The reply to one request; sets *watch when the request was a valid "watch". */
json_t *mtd_handle(struct mtd *t, const char *request, bool *watch);

/* control.c */
int mtd_control_start(struct mtd *t, const char *ctl_path, char *err, size_t errlen);
void mtd_control_stop(struct mtd *t);
/* Sends one event line to every watcher (under mtd.lock); consumes ev. */
void mtd_emit(struct mtd *t, json_t *ev);

#endif
