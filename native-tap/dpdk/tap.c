/* The TAP's state: creation, sessions, the views the callbacks read, callback registration and the
 * link-state switch. Everything here runs under mtd.lock. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dtap.h"
#include "mt.h"

#define DEFAULT_POOL 8191
#define HDR_ROOM 64 /* MACs and two tags */
#define GRAVE_NS 1000000000ull

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void port_names(uint16_t port_id, char *name, char *ifname)
{
	struct rte_eth_dev_info info;

	rte_eth_dev_get_name_by_port(port_id, name);
	ifname[0] = '\0';
	if (!rte_eth_dev_info_get(port_id, &info) && info.if_index)
		if_indextoname(info.if_index, ifname);
}

struct mtd_port *mtd_port_find(struct mtd *t, const char *name)
{
	for (uint16_t i = 0; i < t->nb_ports; i++)
		if (!strcmp(t->ports[i].name, name) || (t->ports[i].ifname[0] && !strcmp(t->ports[i].ifname, name)))
			return &t->ports[i];
	return NULL;
}

int mtd_tunnel_find(struct mtd *t, const char *name)
{
	for (uint16_t i = 0; i < t->nb_tunnels; i++)
		if (!strcmp(t->tunnels[i].name, name) || (t->tunnels[i].ifname[0] && !strcmp(t->tunnels[i].ifname, name)))
			return i;
	return -1;
}

/* ---- callbacks ---- */

static void grave_add(struct mtd *t, const struct rte_eth_rxtx_callback *cb)
{
	if (t->nb_graves == MTD_GRAVE_SIZE) {
		/* More removals within a second than there are graves: the oldest has had the longest. */
		rte_rcu_qsbr_synchronize(t->qsv, RTE_QSBR_THRID_INVALID);
		rte_free((void *)t->graves[0].cb);
		memmove(t->graves, t->graves + 1, sizeof(t->graves[0]) * (MTD_GRAVE_SIZE - 1));
		t->nb_graves--;
	}
	t->graves[t->nb_graves++] = (struct mtd_grave){ .cb = cb, .at_ns = now_ns() };
}

/* rte_eth_remove_*_callback leaves the memory to the caller: a burst may have read the callback's
 * address just before the removal. After a QSBR grace period no burst is inside our function; the
 * wait covers the few instructions between reading the list and calling it. */
void mtd_free_graves(struct mtd *t, bool all)
{
	uint64_t now = now_ns();
	unsigned n = 0;

	while (n < t->nb_graves && (all || now - t->graves[n].at_ns >= GRAVE_NS))
		n++;
	if (!n)
		return;
	rte_rcu_qsbr_synchronize(t->qsv, RTE_QSBR_THRID_INVALID);
	for (unsigned i = 0; i < n; i++)
		rte_free((void *)t->graves[i].cb);
	memmove(t->graves, t->graves + n, sizeof(t->graves[0]) * (t->nb_graves - n));
	t->nb_graves -= n;
}

static void callbacks_remove(struct mtd_port *p, unsigned dir, uint16_t nb)
{
	for (uint16_t q = 0; q < nb; q++) {
		if (dir == DIR_RX)
			rte_eth_remove_rx_callback(p->port_id, q, p->cb[dir][q]);
		else
			rte_eth_remove_tx_callback(p->port_id, q, p->cb[dir][q]);
		grave_add(p->tap, p->cb[dir][q]);
		p->cb[dir][q] = NULL;
	}
}

static int callbacks_add(struct mtd_port *p, unsigned dir)
{
	for (uint16_t q = 0; q < p->nb_q[dir]; q++) {
		p->cb[dir][q] = dir == DIR_RX ? rte_eth_add_rx_callback(p->port_id, q, mtd_rx_cb, p)
					      : rte_eth_add_tx_callback(p->port_id, q, mtd_tx_cb, p);
		if (!p->cb[dir][q]) {
			int err = -rte_errno;

			callbacks_remove(p, dir, q);
			return err;
		}
	}
	return 0;
}

static int callbacks_set(struct mtd_port *p, unsigned dir, bool on)
{
	if (on == p->registered[dir])
		return 0;
	if (on) {
		int err = callbacks_add(p, dir);

		if (err)
			return err;
	} else {
		callbacks_remove(p, dir, p->nb_q[dir]);
	}
	p->registered[dir] = on;
	mtd_emit(p->tap, json_pack("{s:s, s:s, s:s, s:b}", "event", "callbacks", "port", p->name, "direction",
				   dir == DIR_RX ? "rx" : "tx", "on", on));
	return 0;
}

/* ---- views ---- */

static bool slot_active(const struct mtd_port *p, unsigned slot)
{
	return p->s[slot].id && p->tap->tunnels[p->tunnel[slot]].up;
}

/* Publishes the view of p's configuration and tunnels, then makes the callbacks follow. On a callback
 * that cannot be added, returns the error with the callbacks of that direction off. */
static int apply(struct mtd_port *p, char *err, size_t errlen)
{
	struct mtd *t = p->tap;
	struct mtd_view *nv = p->view == &p->views[0] ? &p->views[1] : &p->views[0];
	int rc = 0;

	memset(nv, 0, sizeof(*nv));
	for (unsigned i = 0; i < TAP_MAX_SESSIONS; i++) {
		const struct tap_session *s = &p->s[i];

		if (!s->id)
			continue;
		nv->s[i] = *s;
		nv->tunnel[i] = p->tunnel[i];
		if (!slot_active(p, i))
			continue;
		if (s->dir & TAP_DIR_RX)
			nv->mask[DIR_RX] |= 1u << i;
		if (s->dir & TAP_DIR_TX)
			nv->mask[DIR_TX] |= 1u << i;
		if (s->flags || s->nvlans > 1)
			nv->need_flow |= 1u << i;
	}
	if (memcmp(nv, p->view, sizeof(*nv))) {
		__atomic_store_n(&p->view, nv, __ATOMIC_RELEASE);
		rte_rcu_qsbr_synchronize(t->qsv, RTE_QSBR_THRID_INVALID);
	}
	for (unsigned dir = DIR_RX; dir <= DIR_TX; dir++) {
		bool want = nv->mask[dir] != 0;

		if (t->off_mode == MTD_OFF_UNREGISTER) {
			int e = callbacks_set(p, dir, want);

			if (e && !rc) {
				rc = fail(err, errlen, "cannot add %s callbacks on %s: %s", dir == DIR_RX ? "rx" : "tx",
					  p->name, rte_strerror(-e));
				want = false;
			}
		}
		__atomic_store_n(&p->gate[dir], want, __ATOMIC_RELAXED);
	}
	for (unsigned i = 0; i < TAP_MAX_SESSIONS; i++) {
		bool active = slot_active(p, i) && (((p->s[i].dir & TAP_DIR_RX) && p->gate[DIR_RX]) ||
						    ((p->s[i].dir & TAP_DIR_TX) && p->gate[DIR_TX]));
		uint32_t id = active ? p->s[i].id : 0;

		if (p->running[i] && p->running[i] != id)
			mtd_emit(t, mtd_session_event(t, p, p->running[i], p->running_tunnel[i], false));
		if (id && p->running[i] != id)
			mtd_emit(t, mtd_session_event(t, p, id, p->tunnel[i], true));
		p->running[i] = id;
		p->running_tunnel[i] = p->tunnel[i];
	}
	return rc;
}

/* ---- sessions ---- */

static int slot_of(const struct mtd_port *p, uint32_t id)
{
	for (int i = 0; i < TAP_MAX_SESSIONS; i++)
		if (p->s[i].id == id)
			return i;
	return -1;
}

int mtd_session_set(struct mtd_port *p, const struct tap_session *s, unsigned ti, char *err, size_t errlen)
{
	int slot = slot_of(p, s->id);
	struct tap_session old;
	uint8_t old_ti;

	if (slot < 0) {
		slot = slot_of(p, 0);
		if (slot < 0)
			return fail(err, errlen, "port %s has %d sessions already", p->name, TAP_MAX_SESSIONS);
		/* The slot has been out of every published view since its session was removed. */
		for (unsigned l = 0; l < RTE_MAX_LCORE; l++)
			memset(&p->ctr[l].slot[slot], 0, sizeof(struct mtd_ctr));
	}
	old = p->s[slot];
	old_ti = p->tunnel[slot];
	p->s[slot] = *s;
	p->tunnel[slot] = (uint8_t)ti;
	if (apply(p, err, errlen)) {
		char ignored[8];

		p->s[slot] = old;
		p->tunnel[slot] = old_ti;
		apply(p, ignored, sizeof(ignored));
		return -1;
	}
	return 0;
}

int mtd_session_remove(struct mtd_port *p, uint32_t id)
{
	char ignored[8];
	int slot = slot_of(p, id);

	if (slot < 0)
		return -1;
	memset(&p->s[slot], 0, sizeof(p->s[slot]));
	apply(p, ignored, sizeof(ignored));
	return 0;
}

void mtd_session_counters(const struct mtd_port *p, unsigned slot, struct mtd_ctr *sum, json_t *per_lcore)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned l = 0; l < RTE_MAX_LCORE; l++) {
		const struct mtd_ctr *c = &p->ctr[l].slot[slot];
		struct mtd_ctr v = {
			.seen = __atomic_load_n(&c->seen, __ATOMIC_RELAXED),
			.mirrored = __atomic_load_n(&c->mirrored, __ATOMIC_RELAXED),
			.filtered = __atomic_load_n(&c->filtered, __ATOMIC_RELAXED),
			.sampled = __atomic_load_n(&c->sampled, __ATOMIC_RELAXED),
			.errors = __atomic_load_n(&c->errors, __ATOMIC_RELAXED),
		};

		if (!v.seen)
			continue;
		sum->seen += v.seen;
		sum->mirrored += v.mirrored;
		sum->filtered += v.filtered;
		sum->sampled += v.sampled;
		sum->errors += v.errors;
		if (per_lcore)
			json_array_append_new(per_lcore, json_pack("{s:i, s:I, s:I, s:I, s:I, s:I}", "lcore", l, "seen",
								   v.seen, "mirrored", v.mirrored, "filtered", v.filtered,
								   "sampled", v.sampled, "errors", v.errors));
	}
}

/* ---- link state ---- */

/* The PMD's link status and, for a port backed by a kernel interface, that interface's carrier:
 * net_af_packet reports its link up whatever the carrier does. */
static bool tunnel_link_up(const struct mtd_tunnel *tn)
{
	struct rte_eth_link link;

	if (rte_eth_link_get_nowait(tn->port_id, &link) || link.link_status != RTE_ETH_LINK_UP)
		return false;
	return !tn->ifname[0] || mt_link_carrier(tn->ifname) == 1;
}

void mtd_reconcile_links(struct mtd *t)
{
	bool changed = false;

	for (uint16_t i = 0; i < t->nb_tunnels; i++) {
		struct mtd_tunnel *tn = &t->tunnels[i];
		bool up = tunnel_link_up(tn);

		if (up == tn->up)
			continue;
		tn->up = up;
		changed = true;
		mtd_emit(t, mtd_link_event(tn));
	}
	if (!changed)
		return;
	for (uint16_t i = 0; i < t->nb_ports; i++) {
		char err[256];

		if (apply(&t->ports[i], err, sizeof(err)))
			mtd_emit(t, json_pack("{s:s, s:s}", "event", "error", "message", err));
	}
}

static int lsc_event(uint16_t port_id, enum rte_eth_event_type type, void *arg, void *ret_param)
{
	struct mtd *t = arg;
	uint64_t one = 1;

	if (write(t->wake_fd, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

/* ---- create / destroy ---- */

static int tunnel_setup(struct mtd *t, struct mtd_tunnel *tn, char *err, size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned lcores = rte_lcore_count(), socket = (unsigned)rte_eth_dev_socket_id(tn->port_id);
	int rc = rte_eth_dev_info_get(tn->port_id, &info);

	if (rc)
		return fail(err, errlen, "tunnel port %u: %s", tn->port_id, rte_strerror(-rc));
	port_names(tn->port_id, tn->name, tn->ifname);
	if (!(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS))
		return fail(err, errlen, "tunnel %s cannot send chained mbufs (no multi-segment tx)", tn->name);
	tn->lsc = *info.dev_flags & RTE_ETH_DEV_INTR_LSC;
	tn->nb_txq = (uint16_t)RTE_MIN(lcores, (unsigned)info.max_tx_queues);
	tn->shared_txq = tn->nb_txq < lcores;
	for (unsigned q = 0; q < RTE_MAX_LCORE; q++)
		rte_spinlock_init(&tn->txq_lock[q]);
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	conf.intr_conf.lsc = tn->lsc;
	rc = rte_eth_dev_configure(tn->port_id, 0, tn->nb_txq, &conf);
	if (rc) {
		/* Some PMDs (net_tap) want as many rx queues as tx queues; they are never polled. */
		rc = rte_eth_dev_configure(tn->port_id, tn->nb_txq, tn->nb_txq, &conf);
		if (!rc && !t->rx_pool) {
			snprintf(name, sizeof(name), "mtd_rx_%p", (void *)t);
			t->rx_pool = rte_pktmbuf_pool_create(name, 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)socket);
			rc = t->rx_pool ? 0 : -rte_errno;
		}
		for (uint16_t q = 0; !rc && q < tn->nb_txq; q++)
			rc = rte_eth_rx_queue_setup(tn->port_id, q, 64, socket, NULL, t->rx_pool);
	}
	for (uint16_t q = 0; !rc && q < tn->nb_txq; q++)
		rc = rte_eth_tx_queue_setup(tn->port_id, q, 512, socket, NULL);
	if (!rc && tn->lsc)
		rc = rte_eth_dev_callback_register(tn->port_id, RTE_ETH_EVENT_INTR_LSC, lsc_event, t);
	if (!rc)
		rc = rte_eth_dev_start(tn->port_id);
	if (rc)
		return fail(err, errlen, "cannot start tunnel %s: %s", tn->name, rte_strerror(-rc));
	return 0;
}

static int port_setup(struct mtd *t, struct mtd_port *p, uint16_t port_id, char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	int rc = rte_eth_dev_info_get(port_id, &info);

	if (rc)
		return fail(err, errlen, "port %u: %s", port_id, rte_strerror(-rc));
	p->tap = t;
	p->port_id = port_id;
	port_names(port_id, p->name, p->ifname);
	p->nb_q[DIR_RX] = info.nb_rx_queues;
	p->nb_q[DIR_TX] = info.nb_tx_queues;
	if (!p->nb_q[DIR_RX] && !p->nb_q[DIR_TX])
		return fail(err, errlen, "port %s has no queues: configure it before mtd_create()", p->name);
	p->view = &p->views[0];
	for (unsigned dir = DIR_RX; dir <= DIR_TX; dir++) {
		p->cb[dir] = calloc(p->nb_q[dir] ? p->nb_q[dir] : 1, sizeof(p->cb[dir][0]));
		if (!p->cb[dir])
			return fail(err, errlen, "out of memory");
	}
	p->ctr = rte_zmalloc("mtd_ctr", sizeof(struct mtd_lcore_ctr) * RTE_MAX_LCORE, RTE_CACHE_LINE_SIZE);
	p->frags = rte_zmalloc("mtd_frags", sizeof(struct mtd_frags) * rte_lcore_count(), RTE_CACHE_LINE_SIZE);
	if (!p->ctr || !p->frags)
		return fail(err, errlen, "out of DPDK memory for counters");
	for (unsigned dir = DIR_RX; t->off_mode == MTD_OFF_GATE && dir <= DIR_TX; dir++) {
		rc = callbacks_add(p, dir);
		if (rc)
			return fail(err, errlen, "cannot add callbacks on %s: %s", p->name, rte_strerror(-rc));
		p->registered[dir] = true;
	}
	return 0;
}

static int check_conf(const struct mtd_conf *c, char *err, size_t errlen)
{
	if (!c->nb_ports || !c->nb_tunnels)
		return fail(err, errlen, "a TAP needs at least one port and one tunnel");
	if (c->nb_tunnels > MTD_MAX_TUNNELS)
		return fail(err, errlen, "at most %d tunnels", MTD_MAX_TUNNELS);
	if (c->poll_ms > 10)
		return fail(err, errlen, "poll period %u ms: at most 10", c->poll_ms);
	for (uint16_t i = 0; i < c->nb_ports + c->nb_tunnels; i++) {
		uint16_t id = i < c->nb_ports ? c->ports[i] : c->tunnels[i - c->nb_ports];

		if (!rte_eth_dev_is_valid_port(id))
			return fail(err, errlen, "no port %u", id);
		for (uint16_t k = 0; k < i; k++)
			if ((k < c->nb_ports ? c->ports[k] : c->tunnels[k - c->nb_ports]) == id)
				return fail(err, errlen, "port %u is named twice (ports and tunnels differ)", id);
	}
	return 0;
}

struct mtd *mtd_create(const struct mtd_conf *conf, char *err, size_t errlen)
{
	struct mtd *t;
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned pool = conf->pool_size ? conf->pool_size : DEFAULT_POOL;
	unsigned cache = RTE_MIN(256u, pool / 2); /* a mempool's cache may hold at most 2/3 of it */
	unsigned lcore, idx = 0;
	size_t qsz;

	if (check_conf(conf, err, errlen))
		return NULL;
	t = rte_zmalloc("mtd", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (!t) {
		fail(err, errlen, "out of DPDK memory");
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->off_mode = conf->off_mode;
	t->poll_ms = conf->poll_ms ? conf->poll_ms : 10;
	t->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	t->nl_fd = -1;
	t->listen_fd = -1;
	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++)
		t->txq_of_lcore[lcore] = UINT16_MAX;
	RTE_LCORE_FOREACH(lcore)
		t->txq_of_lcore[lcore] = (uint16_t)idx++;
	snprintf(name, sizeof(name), "mtd_hdr_%p", (void *)t);
	t->hdr_pool = rte_pktmbuf_pool_create(name, pool, cache, 0, RTE_PKTMBUF_HEADROOM + HDR_ROOM, (int)rte_socket_id());
	snprintf(name, sizeof(name), "mtd_clone_%p", (void *)t);
	t->clone_pool = rte_pktmbuf_pool_create(name, pool, cache, 0, 0, (int)rte_socket_id());
	qsz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	t->qsv = rte_zmalloc("mtd_qsbr", qsz, RTE_CACHE_LINE_SIZE);
	t->ports = rte_zmalloc("mtd_ports", sizeof(t->ports[0]) * conf->nb_ports, RTE_CACHE_LINE_SIZE);
	if (t->wake_fd < 0 || !t->hdr_pool || !t->clone_pool || !t->qsv || !t->ports) {
		fail(err, errlen, "cannot allocate the TAP's pools and state: %s", rte_strerror(rte_errno));
		goto fail;
	}
	rte_rcu_qsbr_init(t->qsv, RTE_MAX_LCORE);
	/* Every lcore id: threads registered with rte_thread_register() later get one too. */
	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++)
		rte_rcu_qsbr_thread_register(t->qsv, lcore);
	for (; t->nb_tunnels < conf->nb_tunnels; t->nb_tunnels++) {
		t->tunnels[t->nb_tunnels].port_id = conf->tunnels[t->nb_tunnels];
		if (tunnel_setup(t, &t->tunnels[t->nb_tunnels], err, errlen))
			goto fail;
	}
	for (; t->nb_ports < conf->nb_ports; t->nb_ports++)
		if (port_setup(t, &t->ports[t->nb_ports], conf->ports[t->nb_ports], err, errlen)) {
			t->nb_ports++;
			goto fail;
		}
	pthread_mutex_lock(&t->lock);
	mtd_reconcile_links(t);
	pthread_mutex_unlock(&t->lock);
	if (mtd_control_start(t, conf->ctl_path, err, errlen))
		goto fail;
	return t;
fail:
	mtd_destroy(t);
	return NULL;
}

void mtd_destroy(struct mtd *t)
{
	if (!t)
		return;
	mtd_control_stop(t);
	pthread_mutex_lock(&t->lock);
	for (uint16_t i = 0; i < t->nb_ports; i++) {
		struct mtd_port *p = &t->ports[i];

		for (unsigned dir = DIR_RX; dir <= DIR_TX; dir++) {
			if (p->registered[dir])
				callbacks_remove(p, dir, p->nb_q[dir]);
			free(p->cb[dir]);
		}
		rte_free(p->ctr);
		rte_free(p->frags);
	}
	mtd_free_graves(t, true);
	for (uint16_t i = 0; i < t->nb_tunnels; i++) {
		struct mtd_tunnel *tn = &t->tunnels[i];

		if (tn->lsc)
			rte_eth_dev_callback_unregister(tn->port_id, RTE_ETH_EVENT_INTR_LSC, lsc_event, t);
		rte_eth_dev_stop(tn->port_id);
	}
	pthread_mutex_unlock(&t->lock);
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	rte_mempool_free(t->hdr_pool);
	rte_mempool_free(t->clone_pool);
	rte_mempool_free(t->rx_pool);
	rte_free(t->qsv);
	rte_free(t->ports);
	pthread_mutex_destroy(&t->lock);
	rte_free(t);
}
