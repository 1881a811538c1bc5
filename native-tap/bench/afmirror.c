/* mt-bench-afmirror: a user-space copy mirror, the classic alternative to an in-kernel TAP. It reads
 * the packets of interface IN from a TPACKET_V3 ring and writes a copy of each, with an 802.1Q tag
 * pushed, to interface OUT with sendmmsg. Prints "ready" once capturing, and a JSON summary on
 * SIGINT/SIGTERM, with the CPU time it used. */
#define _GNU_SOURCE
#include "mt.h"
#include "pin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define SLOT 2048
#define BLOCK_SIZE (1u << 20)
#define TAG_LEN 4
#define MACS_LEN 12

enum direction { DIR_RX = 1, DIR_TX = 2, DIR_BOTH = 3 };

struct mirror {
	int rx_fd, tx_fd;
	uint8_t *ring;
	unsigned int nblocks;
	uint16_t vid;
	enum direction dir;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint8_t slots[BATCH][SLOT];
	unsigned int pending;
	uint64_t copies, send_errors, skipped;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mt-bench-afmirror [-n NETNS] [-c CPU] [-v VLAN] [-d rx|tx|both] [-b BLOCKS] IN OUT\n"
		"Copies the packets of IN (direction tx by default) to OUT with VLAN tag VLAN (default 100)\n"
		"pushed. The ring has BLOCKS blocks of 1 MiB (default 16). The thread is pinned to CPU if given.\n");
}

static int bind_to(int fd, const char *ifname, uint16_t proto)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(proto) };

	sll.sll_ifindex = mt_ifindex(ifname);
	if (!sll.sll_ifindex)
		return mt_err("no interface '%s'", ifname);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		return mt_err("bind to %s: %s", ifname, strerror(errno));
	return 0;
}

static int open_ring(struct mirror *m, const char *in)
{
	int version = TPACKET_V3;
	struct tpacket_req3 req = {
		.tp_block_size = BLOCK_SIZE,
		.tp_block_nr = m->nblocks,
		.tp_frame_size = SLOT,
		.tp_frame_nr = BLOCK_SIZE / SLOT * m->nblocks,
		.tp_retire_blk_tov = 1, /* ms: a block is handed over at the latest this long after its first packet */
	};

	/* Protocol 0 until bound to IN, so no packet of another interface lands in the ring. */
	m->rx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (m->rx_fd < 0)
		return mt_err("socket: %s", strerror(errno));
	if (setsockopt(m->rx_fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) ||
	    setsockopt(m->rx_fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		return mt_err("TPACKET_V3 ring: %s", strerror(errno));
	m->ring = mmap(NULL, (size_t)BLOCK_SIZE * m->nblocks, PROT_READ | PROT_WRITE, MAP_SHARED, m->rx_fd, 0);
	if (m->ring == MAP_FAILED)
		return mt_err("mmap ring: %s", strerror(errno));
	return bind_to(m->rx_fd, in, ETH_P_ALL);
}

static int open_tx(struct mirror *m, const char *out)
{
	int one = 1;

	/* Protocol 0: this socket only sends. */
	m->tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (m->tx_fd < 0)
		return mt_err("socket: %s", strerror(errno));
	if (setsockopt(m->tx_fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		return mt_err("PACKET_QDISC_BYPASS: %s", strerror(errno));
	for (unsigned int i = 0; i < BATCH; i++) {
		m->iov[i].iov_base = m->slots[i];
		m->msgs[i].msg_hdr.msg_iov = &m->iov[i];
		m->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return bind_to(m->tx_fd, out, 0);
}

static void flush(struct mirror *m)
{
	unsigned int done = 0;

	while (done < m->pending) {
		int r = sendmmsg(m->tx_fd, m->msgs + done, m->pending - done, 0);

		if (r <= 0) {
			/* The rest of the batch is lost, as on a full NIC queue. */
			m->send_errors += m->pending - done;
			break;
		}
		done += (unsigned int)r;
		m->copies += (uint64_t)r;
	}
	m->pending = 0;
}

static void put_tag(uint8_t *p, uint16_t tpid, uint16_t tci)
{
	uint16_t be[2] = { htons(tpid), htons(tci) };

	memcpy(p, be, TAG_LEN);
}

/* Queues one tagged copy: MACs, our tag, the original's offloaded tag if any, the rest. */
static void copy_packet(struct mirror *m, const struct tpacket3_hdr *h)
{
	const uint8_t *frame = (const uint8_t *)h + h->tp_mac;
	uint8_t *slot = m->slots[m->pending];
	size_t len = h->tp_snaplen, off = MACS_LEN;

	if (len < MACS_LEN) {
		m->skipped++;
		return;
	}
	memcpy(slot, frame, MACS_LEN);
	put_tag(slot + off, ETH_P_8021Q, m->vid);
	off += TAG_LEN;
	if (h->tp_status & TP_STATUS_VLAN_VALID) {
		uint16_t tpid = h->tp_status & TP_STATUS_VLAN_TPID_VALID ? h->hv1.tp_vlan_tpid : ETH_P_8021Q;

		put_tag(slot + off, tpid, (uint16_t)h->hv1.tp_vlan_tci);
		off += TAG_LEN;
	}
	if (len - MACS_LEN > SLOT - off)
		len = SLOT - off + MACS_LEN;
	memcpy(slot + off, frame + MACS_LEN, len - MACS_LEN);
	m->iov[m->pending].iov_len = off + len - MACS_LEN;
	if (++m->pending == BATCH)
		flush(m);
}

static bool wanted(const struct mirror *m, const struct tpacket3_hdr *h)
{
	const struct sockaddr_ll *ll =
		(const struct sockaddr_ll *)((const uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
	enum direction d = ll->sll_pkttype == PACKET_OUTGOING ? DIR_TX : DIR_RX;

	return m->dir & d;
}

static void run(struct mirror *m)
{
	struct pollfd pfd = { .fd = m->rx_fd, .events = POLLIN | POLLERR };
	unsigned int cur = 0;

	while (!stop) {
		struct tpacket_block_desc *bd = (void *)(m->ring + (size_t)cur * BLOCK_SIZE);
		const struct tpacket3_hdr *h;

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
			poll(&pfd, 1, 100);
			continue;
		}
		h = (const void *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
		for (uint32_t i = 0; i < bd->hdr.bh1.num_pkts; i++) {
			if (wanted(m, h))
				copy_packet(m, h);
			h = (const void *)((const uint8_t *)h + h->tp_next_offset);
		}
		flush(m);
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		cur = (cur + 1) % m->nblocks;
	}
}

int main(int argc, char **argv)
{
	static struct mirror m = { .rx_fd = -1, .tx_fd = -1, .vid = 100, .dir = DIR_TX, .nblocks = 16 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct tpacket_stats_v3 st = { 0 };
	socklen_t stlen = sizeof(st);
	const char *netns = NULL;
	uint32_t v, cpu = UINT32_MAX;
	struct timespec used;
	struct mt_json j;
	int opt;

	mt_prog = "mt-bench-afmirror";
	while ((opt = getopt(argc, argv, "n:c:v:d:b:h")) != -1) {
		int err = 0;

		switch (opt) {
		case 'n': netns = optarg; break;
		case 'c': err = mt_parse_u32("cpu", optarg, 0, CPU_SETSIZE - 1, &cpu); break;
		case 'v':
			err = mt_parse_u32("vlan", optarg, 1, 4094, &v);
			m.vid = (uint16_t)v;
			break;
		case 'b':
			err = mt_parse_u32("blocks", optarg, 1, 1024, &v);
			m.nblocks = v;
			break;
		case 'd':
			if (!strcmp(optarg, "rx"))
				m.dir = DIR_RX;
			else if (!strcmp(optarg, "tx"))
				m.dir = DIR_TX;
			else if (!strcmp(optarg, "both"))
				m.dir = DIR_BOTH;
			else
				err = mt_err("direction must be rx, tx or both");
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (err)
			return 2;
	}
	if (argc - optind != 2 || !mt_ifname_valid(argv[optind]) || !mt_ifname_valid(argv[optind + 1])) {
		usage(stderr);
		return 2;
	}
	if (cpu != UINT32_MAX && bench_pin_cpu(cpu))
		return 1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (mt_netns_enter(netns) || open_ring(&m, argv[optind]) || open_tx(&m, argv[optind + 1]))
		return 1;
	printf("ready\n");
	fflush(stdout);

	run(&m);

	getsockopt(m.rx_fd, SOL_PACKET, PACKET_STATISTICS, &st, &stlen);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used);
	mt_json_init(&j, stdout);
	mt_json_obj_begin(&j, NULL);
	mt_json_u64(&j, "captured", st.tp_packets);
	mt_json_u64(&j, "ring_drops", st.tp_drops);
	mt_json_u64(&j, "copies", m.copies);
	mt_json_u64(&j, "send_errors", m.send_errors);
	mt_json_u64(&j, "skipped", m.skipped);
	mt_json_u64(&j, "cpu_ns", (uint64_t)used.tv_sec * 1000000000u + (uint64_t)used.tv_nsec);
	mt_json_obj_end(&j);
	mt_json_done(&j);
	return 0;
}
