/* mt-l2fwd: an example NSF with the DPDK TAP. It forwards every packet between the ports of each pair
 * (0<->1, 2<->3, ... of the ports that are not tunnels) unchanged, like DPDK's l2fwd without MAC
 * rewriting, and links the TAP, which it serves on a Unix socket. */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "mt.h"
#include "mt_dtap.h"

#define MAX_BURST 256
#define TX_RETRIES 8
#define RING_SIZE 1024

struct port_stats {
	uint64_t rx;
	uint64_t tx;
	uint64_t dropped;
	uint64_t cpu_ns; /* --cpu-stats: thread CPU time of the bursts that received on this port */
} __rte_cache_aligned;

static volatile bool quit;
static uint16_t data_ports[RTE_MAX_ETHPORTS];
static uint16_t nb_data;
static char data_names[RTE_MAX_ETHPORTS][RTE_ETH_NAME_MAX_LEN];
static struct port_stats stats[RTE_MAX_ETHPORTS];
static unsigned burst = 32;
static unsigned idle_us;
static bool cpu_stats;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mt-l2fwd [EAL options] -- --tunnel PORT[,PORT...] [--ctl PATH] [--burst N] [--idle-us N]\n"
		"                [--off unregister|gate] [--poll-ms N] [--pool N] [--cpu-stats]\n"
		"Forwards between the ports that are not tunnels, in pairs (0<->1, 2<->3, ... in port order), and\n"
		"runs the DPDK TAP on them. --tunnel names the tunnel ports (DPDK port names, e.g. net_tap0);\n"
		"--ctl serves the TAP's JSON commands on a Unix socket; --burst is the rx burst size (default 32);\n"
		"--idle-us sleeps that long after a poll that found nothing (default 0: busy polling); --off,\n"
		"--poll-ms and --pool set the TAP's off mode, link polling period and mbuf pool size; --cpu-stats\n"
		"adds each port's cpu_ns: the thread CPU time spent forwarding what it received, TAP included.\n"
		"Prints \"ready\" once forwarding, and the port counters as JSON on SIGINT/SIGTERM.\n");
}

static void on_signal(int sig)
{
	quit = true;
}

static uint16_t peer_of(unsigned i)
{
	return data_ports[i ^ 1];
}

static uint64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int forward_loop(void *arg)
{
	unsigned me = rte_lcore_index((int)rte_lcore_id()), lcores = rte_lcore_count();
	struct rte_mbuf *pkts[MAX_BURST];

	while (!quit) {
		bool idle = true;

		for (unsigned i = me; i < nb_data; i += lcores) {
			uint16_t in = data_ports[i], out = peer_of(i);
			uint64_t t0 = cpu_stats ? thread_ns() : 0;
			uint16_t n = rte_eth_rx_burst(in, 0, pkts, (uint16_t)burst), sent;

			if (!n)
				continue;
			idle = false;
			sent = rte_eth_tx_burst(out, 0, pkts, n);
			for (int t = 0; sent < n && t < TX_RETRIES; t++)
				sent += rte_eth_tx_burst(out, 0, pkts + sent, (uint16_t)(n - sent));
			stats[in].rx += n;
			stats[out].tx += sent;
			if (sent < n) {
				stats[out].dropped += n - sent;
				rte_pktmbuf_free_bulk(pkts + sent, n - sent);
			}
			if (cpu_stats)
				stats[in].cpu_ns += thread_ns() - t0;
		}
		if (idle && idle_us)
			rte_delay_us_sleep(idle_us);
	}
	return 0;
}

static int port_start(uint16_t port, struct rte_mempool *pool)
{
	struct rte_eth_conf conf = { 0 };
	int socket = rte_eth_dev_socket_id(port), rc;

	rc = rte_eth_dev_configure(port, 1, 1, &conf);
	if (!rc)
		rc = rte_eth_rx_queue_setup(port, 0, RING_SIZE, (unsigned)socket, NULL, pool);
	if (!rc)
		rc = rte_eth_tx_queue_setup(port, 0, RING_SIZE, (unsigned)socket, NULL);
	if (!rc)
		rc = rte_eth_dev_start(port);
	if (!rc)
		rc = rte_eth_promiscuous_enable(port);
	return rc;
}

static int parse_tunnels(char *list, uint16_t *tunnels, uint16_t *nb)
{
	for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
		if (*nb == RTE_MAX_ETHPORTS)
			return mt_err("--tunnel: too many ports");
		if (rte_eth_dev_get_port_by_name(name, &tunnels[*nb]))
			return mt_err("--tunnel: no DPDK port '%s'", name);
		(*nb)++;
	}
	return *nb ? 0 : mt_err("--tunnel: name at least one port");
}

static void print_stats(void)
{
	struct mt_json j;

	mt_json_init(&j, stdout);
	mt_json_obj_begin(&j, NULL);
	mt_json_arr_begin(&j, "ports");
	for (uint16_t i = 0; i < nb_data; i++) {
		mt_json_obj_begin(&j, NULL);
		mt_json_str(&j, "port", data_names[i]);
		mt_json_u64(&j, "rx", stats[data_ports[i]].rx);
		mt_json_u64(&j, "tx", stats[data_ports[i]].tx);
		mt_json_u64(&j, "dropped", stats[data_ports[i]].dropped);
		if (cpu_stats)
			mt_json_u64(&j, "cpu_ns", stats[data_ports[i]].cpu_ns);
		mt_json_obj_end(&j);
	}
	mt_json_arr_end(&j);
	mt_json_obj_end(&j);
	mt_json_done(&j);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tunnel", required_argument, NULL, 't' }, { "ctl", required_argument, NULL, 'c' },
		{ "burst", required_argument, NULL, 'b' },  { "idle-us", required_argument, NULL, 'i' },
		{ "off", required_argument, NULL, 'o' },    { "poll-ms", required_argument, NULL, 'p' },
		{ "pool", required_argument, NULL, 'P' },   { "cpu-stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mtd_conf conf = { 0 };
	uint16_t tunnels[RTE_MAX_ETHPORTS], port;
	struct rte_mempool *pool;
	struct mtd *tap;
	char err[256];
	int eal, opt, rc = 0;

	mt_prog = "mt-l2fwd";
	eal = rte_eal_init(argc, argv);
	if (eal < 0) {
		mt_err("cannot initialise DPDK's EAL: %s", rte_strerror(rte_errno));
		return 2;
	}
	argc -= eal;
	argv += eal;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		uint32_t v = 0;
		int bad = 0;

		switch (opt) {
		case 't': bad = parse_tunnels(optarg, tunnels, &conf.nb_tunnels); break;
		case 'c': conf.ctl_path = optarg; break;
		case 'b': bad = mt_parse_u32("--burst", optarg, 1, MAX_BURST, &v); burst = v; break;
		case 'i': bad = mt_parse_u32("--idle-us", optarg, 0, 1000000, &v); idle_us = v; break;
		case 'p': bad = mt_parse_u32("--poll-ms", optarg, 1, 10, &v); conf.poll_ms = v; break;
		case 'P': bad = mt_parse_u32("--pool", optarg, 63, 1u << 20, &v); conf.pool_size = v; break;
		case 'o':
			if (!strcmp(optarg, "unregister"))
				conf.off_mode = MTD_OFF_UNREGISTER;
			else if (!strcmp(optarg, "gate"))
				conf.off_mode = MTD_OFF_GATE;
			else
				bad = mt_err("--off: '%s' is not unregister or gate", optarg);
			break;
		case 's': cpu_stats = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (bad)
			return 2;
	}
	if (optind < argc || !conf.nb_tunnels) {
		usage(stderr);
		return 2;
	}
	RTE_ETH_FOREACH_DEV(port) {
		bool tunnel = false;

		for (uint16_t i = 0; i < conf.nb_tunnels; i++)
			tunnel |= tunnels[i] == port;
		if (tunnel)
			continue;
		rte_eth_dev_get_name_by_port(port, data_names[nb_data]);
		data_ports[nb_data++] = port;
	}
	if (nb_data == 0 || nb_data % 2) {
		mt_err("%u ports besides the tunnels: forwarding needs pairs", nb_data);
		return 2;
	}
	/* Each rx ring full, a burst in flight per port, and the lcores' caches. */
	pool = rte_pktmbuf_pool_create("l2fwd", (RING_SIZE + MAX_BURST) * nb_data + 256 * rte_lcore_count() + 1023,
				       256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (!pool) {
		mt_err("cannot create the mbuf pool: %s", rte_strerror(rte_errno));
		return 1;
	}
	for (uint16_t i = 0; i < nb_data; i++) {
		rc = port_start(data_ports[i], pool);
		if (rc) {
			mt_err("cannot start port %u: %s", data_ports[i], rte_strerror(-rc));
			return 1;
		}
	}
	conf.ports = data_ports;
	conf.nb_ports = nb_data;
	conf.tunnels = tunnels;
	tap = mtd_create(&conf, err, sizeof(err));
	if (!tap) {
		mt_err("%s", err);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready\n");
	fflush(stdout);
	rte_eal_mp_remote_launch(forward_loop, NULL, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	mtd_destroy(tap);
	for (uint16_t i = 0; i < nb_data; i++) {
		rte_eth_dev_stop(data_ports[i]);
		rte_eth_dev_close(data_ports[i]);
	}
	print_stats();
	rte_eal_cleanup();
	return 0;
}
