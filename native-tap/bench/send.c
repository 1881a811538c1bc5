/* mt-bench-send: one pinned thread sends small UDP datagrams to several destinations ("paths") in
 * sendmmsg batches, in rotating order, and times every batch. Prints one JSON object. */
#define _GNU_SOURCE
#include "mt.h"
#include "pin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PATHS 32
#define MAX_BATCH 1024
#define MAX_PAYLOAD 1472

struct path {
	const char *dst;
	int fd;
	uint64_t sent;		/* every datagram the kernel accepted, warm-up included */
	uint64_t timed_packets; /* datagrams of the timed batches */
	uint64_t timed_ns;
	uint64_t errors;	/* ENOBUFS / ECONNREFUSED: the batch is cut short, the run goes on */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mt-bench-send [-n NETNS] [-c CPU] [-b BATCH] [-s PAYLOAD] [-P PORT] [-w WARMUP]\n"
		"                     [-C thread|mono] (-p PACKETS | -d SECONDS) DST...\n"
		"Sends UDP datagrams of PAYLOAD bytes (default 18: 64-byte Ethernet frames with FCS) to\n"
		"each IPv4 DST:PORT in BATCH-sized sendmmsg calls (default 64), rotating over the DSTs, from\n"
		"one thread pinned to CPU (default 0). -p sends PACKETS to every DST, -d sends for SECONDS.\n"
		"Each DST first gets WARMUP untimed batches (default 16). Batches are timed with the\n"
		"thread's CPU clock (-C thread, default) or CLOCK_MONOTONIC (-C mono).\n");
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int open_path(struct path *p, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	if (inet_pton(AF_INET, p->dst, &sin.sin_addr) != 1)
		return mt_err("not an IPv4 address: '%s'", p->dst);
	p->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return mt_err("socket: %s", strerror(errno));
	if (connect(p->fd, (struct sockaddr *)&sin, sizeof(sin)))
		return mt_err("connect %s: %s", p->dst, strerror(errno));
	return 0;
}

/* Sends up to n datagrams; returns how many the kernel took, or -1 on a fatal error. */
static int send_batch(struct path *p, struct mmsghdr *msgs, unsigned int n)
{
	int r = sendmmsg(p->fd, msgs, n, 0);

	if (r >= 0) {
		p->sent += (uint64_t)r;
		return r;
	}
	if (errno == ENOBUFS || errno == ECONNREFUSED || errno == EINTR) {
		p->errors++;
		return 0;
	}
	return mt_err("sendmmsg to %s: %s", p->dst, strerror(errno));
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov;
	static char payload[MAX_PAYLOAD];
	struct path paths[MAX_PATHS] = { 0 };
	uint32_t cpu = 0, batch = 64, size = 18, port = 9, warmup = 16, packets = 0, seconds = 0;
	clockid_t clk = CLOCK_THREAD_CPUTIME_ID;
	const char *netns = NULL;
	unsigned int npaths, turn = 0;
	uint64_t start, deadline = 0;
	int opt;

	mt_prog = "mt-bench-send";
	while ((opt = getopt(argc, argv, "n:c:b:s:P:w:C:p:d:h")) != -1) {
		int err = 0;

		switch (opt) {
		case 'n': netns = optarg; break;
		case 'c': err = mt_parse_u32("cpu", optarg, 0, CPU_SETSIZE - 1, &cpu); break;
		case 'b': err = mt_parse_u32("batch", optarg, 1, MAX_BATCH, &batch); break;
		case 's': err = mt_parse_u32("payload", optarg, 1, MAX_PAYLOAD, &size); break;
		case 'P': err = mt_parse_u32("port", optarg, 1, 65535, &port); break;
		case 'w': err = mt_parse_u32("warmup", optarg, 0, 1000000, &warmup); break;
		case 'p': err = mt_parse_u32("packets", optarg, 1, UINT32_MAX, &packets); break;
		case 'd': err = mt_parse_u32("seconds", optarg, 1, 3600, &seconds); break;
		case 'C':
			if (!strcmp(optarg, "thread"))
				clk = CLOCK_THREAD_CPUTIME_ID;
			else if (!strcmp(optarg, "mono"))
				clk = CLOCK_MONOTONIC;
			else
				err = mt_err("clock must be 'thread' or 'mono'");
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (err)
			return 2;
	}
	npaths = (unsigned int)(argc - optind);
	if (!npaths || npaths > MAX_PATHS || !packets == !seconds) {
		usage(stderr);
		return 2;
	}

	if (bench_pin_cpu(cpu))
		return 1;
	if (mt_netns_enter(netns))
		return 1;
	for (unsigned int i = 0; i < npaths; i++) {
		paths[i].dst = argv[optind + i];
		if (open_path(&paths[i], (uint16_t)port))
			return 1;
	}

	memset(payload, 'm', size);
	iov.iov_base = payload;
	iov.iov_len = size;
	for (unsigned int i = 0; i < batch; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	for (unsigned int i = 0; i < npaths; i++)
		for (uint32_t w = 0; w < warmup; w++)
			if (send_batch(&paths[i], msgs, batch) < 0)
				return 1;

	start = now_ns(CLOCK_MONOTONIC);
	if (seconds)
		deadline = start + (uint64_t)seconds * 1000000000u;
	for (;;) {
		bool more = false;

		/* The first path of each turn moves on by one, so no path always follows the same one. */
		for (unsigned int k = 0; k < npaths; k++) {
			struct path *p = &paths[(turn + k) % npaths];
			unsigned int n = batch;
			uint64_t t0, t1;
			int r;

			if (packets) {
				if (p->timed_packets >= packets)
					continue;
				if (packets - p->timed_packets < n)
					n = (unsigned int)(packets - p->timed_packets);
			}
			t0 = now_ns(clk);
			r = send_batch(p, msgs, n);
			t1 = now_ns(clk);
			if (r < 0)
				return 1;
			p->timed_packets += (uint64_t)r;
			p->timed_ns += t1 - t0;
			more = true;
		}
		turn++;
		if (!more || (deadline && now_ns(CLOCK_MONOTONIC) >= deadline))
			break;
	}

	struct mt_json j;

	mt_json_init(&j, stdout);
	mt_json_obj_begin(&j, NULL);
	mt_json_str(&j, "clock", clk == CLOCK_MONOTONIC ? "mono" : "thread");
	mt_json_u64(&j, "batch", batch);
	mt_json_u64(&j, "payload", size);
	mt_json_u64(&j, "cpu", cpu);
	mt_json_u64(&j, "elapsed_ns", now_ns(CLOCK_MONOTONIC) - start);
	mt_json_arr_begin(&j, "paths");
	for (unsigned int i = 0; i < npaths; i++) {
		mt_json_obj_begin(&j, NULL);
		mt_json_str(&j, "dst", paths[i].dst);
		mt_json_u64(&j, "sent", paths[i].sent);
		mt_json_u64(&j, "timed_packets", paths[i].timed_packets);
		mt_json_u64(&j, "timed_ns", paths[i].timed_ns);
		mt_json_u64(&j, "errors", paths[i].errors);
		mt_json_obj_end(&j);
	}
	mt_json_arr_end(&j);
	mt_json_obj_end(&j);
	mt_json_done(&j);
	return 0;
}
