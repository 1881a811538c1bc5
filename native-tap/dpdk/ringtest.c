/* mt-dtap-ringtest: runs one packet through the TAP on net_ring ports, which hand mbufs over as they
 * are, so a test can see what the PMDs of the lab cannot give it: chained (multi-segment) packets, tags
 * held in mbuf metadata, a tunnel that refuses the copy, and whether every mbuf went back to its pool.
 *
 *   mt-dtap-ringtest '{"frame":HEX,"segments":[N,...],"direction":"rx|tx","tci":T,"full":BOOL,
 *                      "session":{...set command fields...}}'
 *   mt-dtap-ringtest '{"frames":[HEX,...],"direction":"rx|tx","session":{...}}'
 *   mt-dtap-ringtest - < JSON
 *
 * The packet (split into segments of the given sizes, the last one taking the rest; "tci" puts a tag in
 * metadata) is received on port net_ring0 (rx) or sent on it (tx), with the session on net_ring0 and its
 * tunnel net_ring1 ("full": the tunnel's ring has no room). Prints one JSON object: the packet after
 * the TAP, the copy on the tunnel (null when none), the session's counters, and the mbufs still in use
 * per pool after everything was freed. Exit 0, or 1 with a line on stderr. With "frames", single-segment
 * packets go through one after the other, and the object has "copies" (the copy of each, or null)
 * instead of "packet" and "copy". */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "mt.h"
#include "mt_dtap.h"

#define MAX_FRAME 9000

static struct rte_mempool *pool;

static json_t *hex(const struct rte_mbuf *m)
{
	static uint8_t buf[MAX_FRAME];
	char out[2 * MAX_FRAME + 1];
	const uint8_t *p = rte_pktmbuf_read(m, 0, m->pkt_len, buf);

	for (uint32_t i = 0; i < m->pkt_len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * m->pkt_len] = '\0';
	return json_string(out);
}

static json_t *describe(const struct rte_mbuf *m)
{
	return json_pack("{s:o, s:i, s:i, s:I, s:i}", "bytes", hex(m), "segments", m->nb_segs, "pkt_len",
			 (json_int_t)m->pkt_len, "ol_flags", (json_int_t)m->ol_flags, "vlan_tci", m->vlan_tci);
}

static struct rte_mbuf *build(const char *frame, const json_t *segments)
{
	size_t len = strlen(frame) / 2, at = 0, i;
	struct rte_mbuf *head = NULL;
	json_t *v;

	json_array_foreach(segments, i, v) {
		size_t n = i + 1 == json_array_size(segments) ? len - at : (size_t)json_integer_value(v);
		struct rte_mbuf *seg = rte_pktmbuf_alloc(pool);
		uint8_t *p = seg ? (uint8_t *)rte_pktmbuf_append(seg, (uint16_t)n) : NULL;

		if (!p || at + n > len)
			return NULL;
		for (size_t k = 0; k < n; k++, at++)
			sscanf(frame + 2 * at, "%2hhx", &p[k]);
		if (!head)
			head = seg;
		else if (rte_pktmbuf_chain(head, seg))
			return NULL;
	}
	return head;
}

static struct rte_ring *port_ring(const char *port)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "ETH_RXTX0_%s", port);
	return rte_ring_lookup(name);
}

static void in_use(struct rte_mempool *mp, void *arg)
{
	json_object_set_new(arg, mp->name, json_integer(rte_mempool_in_use_count(mp)));
}

static int fail(const char *what)
{
	mt_err("%s", what);
	return 1;
}

/* Receives (rx) or sends (tx) *m through net_ring0: the TAP sees it; *m is the packet afterwards. */
static int pass(struct rte_mbuf **m, const char *dir, struct rte_ring *data_ring)
{
	if (!strcmp(dir, "rx")) {
		if (rte_ring_enqueue(data_ring, *m) || rte_eth_rx_burst(0, 0, m, 1) != 1)
			return fail("rx through net_ring0 failed");
	} else if (rte_eth_tx_burst(0, 0, m, 1) != 1 || rte_eth_rx_burst(0, 0, m, 1) != 1) {
		return fail("tx through net_ring0 failed");
	}
	return 0;
}

static json_t *session_stats(struct mtd *tap)
{
	char *reply = mtd_command(tap, "{\"cmd\":\"stats\",\"port\":\"net_ring0\"}");
	json_t *stats = json_loads(reply, 0, NULL), *one = json_incref(json_array_get(json_object_get(stats, "stats"), 0));

	free(reply);
	json_decref(stats);
	return one;
}

/* "frames": each through the TAP in turn; the copy of each. */
static json_t *run_frames(struct mtd *tap, const json_t *frames, const char *dir, struct rte_ring *data_ring,
			  struct rte_ring *tunnel_ring)
{
	json_t *copies = json_array(), *one = json_array(), *v;
	size_t i;

	json_array_append_new(one, json_integer(1));
	json_array_foreach(frames, i, v) {
		struct rte_mbuf *m = build(json_string_value(v), one), *copy = NULL;

		if (!m || pass(&m, dir, data_ring)) {
			json_decref(copies);
			copies = NULL;
			break;
		}
		if (rte_ring_dequeue(tunnel_ring, (void **)&copy))
			copy = NULL;
		json_array_append_new(copies, copy ? describe(copy) : json_null());
		rte_pktmbuf_free(m);
		rte_pktmbuf_free(copy);
	}
	json_decref(one);
	return json_pack("{s:o*, s:o}", "copies", copies, "stats", session_stats(tap));
}

static int run(struct mtd *tap, const json_t *spec)
{
	struct rte_ring *tunnel_ring = port_ring("net_ring1"), *data_ring = port_ring("net_ring0");
	json_t *set = json_deep_copy(json_object_get(spec, "session")), *out;
	const json_t *frames = json_object_get(spec, "frames");
	const char *dir = json_string_value(json_object_get(spec, "direction"));
	struct rte_mbuf *m = NULL, *copy = NULL;
	unsigned nfill = 0;
	char *reply, *req;

	json_object_set_new(set, "cmd", json_string("set"));
	json_object_set_new(set, "port", json_string("net_ring0"));
	json_object_set_new(set, "tunnel", json_string("net_ring1"));
	req = json_dumps(set, JSON_COMPACT);
	reply = mtd_command(tap, req);
	if (!strstr(reply, "\"ok\":true"))
		return fail(reply);
	free(req);
	free(reply);
	json_decref(set);
	if (!tunnel_ring || !data_ring)
		return fail("cannot find the rings");
	if (frames) {
		out = run_frames(tap, frames, dir, data_ring, tunnel_ring);
		if (!json_object_get(out, "copies"))
			return fail("cannot build a packet or pass it");
		goto report;
	}
	m = build(json_string_value(json_object_get(spec, "frame")), json_object_get(spec, "segments"));
	if (!m)
		return fail("cannot build the packet");
	if (json_object_get(spec, "tci")) {
		m->vlan_tci = (uint16_t)json_integer_value(json_object_get(spec, "tci"));
		m->ol_flags |= !strcmp(dir, "rx") ? RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED : RTE_MBUF_F_TX_VLAN;
	}
	while (json_is_true(json_object_get(spec, "full")) && rte_ring_free_count(tunnel_ring)) {
		struct rte_mbuf *f = rte_pktmbuf_alloc(pool);

		if (!f || rte_ring_enqueue(tunnel_ring, f))
			return fail("cannot fill the tunnel's ring");
		nfill++;
	}
	if (pass(&m, dir, data_ring))
		return 1;
	/* The fillers come out first, then the copy if there is one. */
	for (; nfill; nfill--) {
		struct rte_mbuf *f = NULL;

		if (!rte_ring_dequeue(tunnel_ring, (void **)&f))
			rte_pktmbuf_free(f);
	}
	if (rte_ring_dequeue(tunnel_ring, (void **)&copy))
		copy = NULL;
	out = json_pack("{s:o, s:o, s:o}", "packet", describe(m), "copy", copy ? describe(copy) : json_null(), "stats",
			session_stats(tap));
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(copy);
report:
	json_object_set_new(out, "in_use", json_object());
	rte_mempool_walk(in_use, json_object_get(out, "in_use"));
	json_dumpf(out, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(out);
	return 0;
}

int main(int argc, char **argv)
{
	char *eal[] = { argv[0], "--no-huge", "-m", "128", "--no-pci", "--no-shconf", "--no-telemetry", "-l", "0",
			"--log-level=lib.eal:crit", "--vdev", "net_ring0", "--vdev", "net_ring1" };
	struct rte_eth_conf conf = { 0 };
	uint16_t port = 0, tunnel = 1;
	struct mtd_conf tc = { .ports = &port, .nb_ports = 1, .tunnels = &tunnel, .nb_tunnels = 1, .pool_size = 63 };
	struct mtd *tap;
	json_t *spec = NULL;
	char err[256];
	int rc;

	mt_prog = "mt-dtap-ringtest";
	if (argc == 2)
		spec = strcmp(argv[1], "-") ? json_loads(argv[1], 0, NULL) : json_loadf(stdin, 0, NULL);
	if (!spec)
		return fail("usage: mt-dtap-ringtest JSON|- (- reads it from stdin)");
	if (rte_eal_init(sizeof(eal) / sizeof(eal[0]), eal) < 0)
		return fail("cannot initialise DPDK's EAL");
	pool = rte_pktmbuf_pool_create("data", 2047, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (!pool || rte_eth_dev_configure(port, 1, 1, &conf) ||
	    rte_eth_rx_queue_setup(port, 0, 64, 0, NULL, pool) || rte_eth_tx_queue_setup(port, 0, 64, 0, NULL) ||
	    rte_eth_dev_start(port))
		return fail("cannot start net_ring0");
	tap = mtd_create(&tc, err, sizeof(err));
	if (!tap)
		return fail(err);
	rc = run(tap, spec);
	mtd_destroy(tap);
	json_decref(spec);
	rte_eal_cleanup();
	return rc;
}
