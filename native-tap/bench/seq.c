/* mt-seq: sequence-numbered UDP traffic, to prove that nothing on a path loses, duplicates or reorders
 * a datagram. `send` paces datagrams carrying a 64-bit sequence number; `recv` counts what arrives.
 * Both print one JSON object when they end (count or duration reached, or SIGTERM/SIGINT). */
#define _GNU_SOURCE
#include "mt.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_PAYLOAD 1472
#define SEQ_LIMIT (1u << 26) /* the receiver tracks sequence numbers below this */

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	g_stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mt-seq [-n NETNS] send [-r RATE] [-s PAYLOAD] [-P PORT] [-c COUNT] [-d SECONDS] DST\n"
		"       mt-seq [-n NETNS] recv [-P PORT]\n"
		"send: UDP datagrams of PAYLOAD bytes (default 64, at least 8) to IPv4 DST:PORT (default 7000),\n"
		"numbered from 0, at RATE per second (default 10000), until COUNT were sent, SECONDS passed or a\n"
		"signal came. recv: prints \"ready\" once bound, then counts until a signal.\n");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmd_send(int argc, char **argv)
{
	static char payload[BATCH][MAX_PAYLOAD];
	static struct iovec iov[BATCH];
	static struct mmsghdr msgs[BATCH];
	uint32_t rate = 10000, size = 64, port = 7000, count = 0, seconds = 0;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint64_t seq = 0, errors = 0, start, deadline = 0;
	struct mt_json j;
	int opt, fd;

	while ((opt = getopt(argc, argv, "r:s:P:c:d:")) != -1) {
		int err = 0;

		switch (opt) {
		case 'r': err = mt_parse_u32("rate", optarg, 1, 10000000, &rate); break;
		case 's': err = mt_parse_u32("payload", optarg, 8, MAX_PAYLOAD, &size); break;
		case 'P': err = mt_parse_u32("port", optarg, 1, 65535, &port); break;
		case 'c': err = mt_parse_u32("count", optarg, 1, SEQ_LIMIT, &count); break;
		case 'd': err = mt_parse_u32("seconds", optarg, 1, 3600, &seconds); break;
		default: usage(stderr); return 2;
		}
		if (err)
			return 2;
	}
	if (optind != argc - 1 || inet_pton(AF_INET, argv[optind], &sin.sin_addr) != 1) {
		usage(stderr);
		return 2;
	}
	sin.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		return mt_err("cannot connect to %s: %s", argv[optind], strerror(errno)), 1;
	for (int i = 0; i < BATCH; i++) {
		memset(payload[i], 's', size);
		iov[i].iov_base = payload[i];
		iov[i].iov_len = size;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now_ns();
	if (seconds)
		deadline = start + (uint64_t)seconds * 1000000000u;
	while (!g_stop && (!count || seq < count)) {
		/* Paced against the start: the datagrams due by now go out in one sendmmsg. */
		uint64_t t = now_ns(), due = (t - start) * rate / 1000000000u + 1;
		unsigned int n = due > seq ? (unsigned int)(due - seq < BATCH ? due - seq : BATCH) : 0;
		int sent;

		if (deadline && t >= deadline)
			break;
		if (count && seq + n > count)
			n = (unsigned int)(count - seq);
		if (!n) {
			struct timespec ts = { 0, 100000 };

			nanosleep(&ts, NULL);
			continue;
		}
		for (unsigned int i = 0; i < n; i++) {
			uint64_t be = htobe64(seq + i);

			memcpy(payload[i], &be, sizeof(be));
		}
		sent = sendmmsg(fd, msgs, n, 0);
		if (sent < 0) {
			if (errno != ENOBUFS && errno != EINTR && errno != ECONNREFUSED)
				return mt_err("sendmmsg: %s", strerror(errno)), 1;
			/* Not sent at all: the same numbers go again, so the receiver sees no gap for them. */
			errors++;
			continue;
		}
		seq += (uint64_t)sent;
	}
	mt_json_init(&j, stdout);
	mt_json_obj_begin(&j, NULL);
	mt_json_u64(&j, "sent", seq);
	mt_json_u64(&j, "send_errors", errors);
	mt_json_u64(&j, "elapsed_ns", now_ns() - start);
	mt_json_obj_end(&j);
	mt_json_done(&j);
	close(fd);
	return 0;
}

static int cmd_recv(int argc, char **argv)
{
	static char buf[BATCH][MAX_PAYLOAD];
	static char ctl[BATCH][CMSG_SPACE(sizeof(uint32_t))];
	static struct iovec iov[BATCH];
	static struct mmsghdr msgs[BATCH];
	uint64_t received = 0, unique = 0, dups = 0, reordered = 0, out_of_range = 0, next = 0;
	uint32_t port = 7000, drops = 0, one = 1;
	int opt, fd, bufsize = 64 << 20;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint8_t *seen = calloc(SEQ_LIMIT / 8, 1);
	struct mt_json j;

	while ((opt = getopt(argc, argv, "P:")) != -1) {
		if (opt != 'P' || mt_parse_u32("port", optarg, 1, 65535, &port)) {
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !seen) {
		usage(stderr);
		return 2;
	}
	sin.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		return mt_err("cannot bind port %u: %s", port, strerror(errno)), 1;
	/* A large buffer, and the count of what still overflowed it: losses of ours are not the path's. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsize, sizeof(bufsize)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!g_stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		for (int i = 0; i < BATCH; i++) {
			msgs[i].msg_hdr.msg_control = ctl[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		for (int i = 0; i < n; i++) {
			uint64_t be, seq;

			for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
				if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
					memcpy(&drops, CMSG_DATA(c), sizeof(drops));
			if (msgs[i].msg_len < sizeof(be))
				continue;
			memcpy(&be, buf[i], sizeof(be));
			seq = be64toh(be);
			received++;
			if (seq >= SEQ_LIMIT) {
				out_of_range++;
				continue;
			}
			if (seen[seq / 8] & (1u << (seq % 8))) {
				dups++;
				continue;
			}
			seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
			unique++;
			if (seq < next)
				reordered++;
			else
				next = seq + 1;
		}
	}
	mt_json_init(&j, stdout);
	mt_json_obj_begin(&j, NULL);
	mt_json_u64(&j, "received", received);
	mt_json_u64(&j, "unique", unique);
	mt_json_u64(&j, "duplicates", dups);
	mt_json_u64(&j, "reordered", reordered);
	mt_json_u64(&j, "highest", next);
	mt_json_u64(&j, "out_of_range", out_of_range);
	mt_json_u64(&j, "socket_drops", drops);
	mt_json_obj_end(&j);
	mt_json_done(&j);
	free(seen);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *netns = NULL;
	int i = 1;

	mt_prog = "mt-seq";
	if (argc > 2 && !strcmp(argv[1], "-n")) {
		netns = argv[2];
		i = 3;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
		usage(stdout);
		return 0;
	}
	if (mt_netns_enter(netns))
		return 1;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* getopt starts after the subcommand. */
	if (!strcmp(argv[i], "send"))
		return cmd_send(argc - i, argv + i);
	if (!strcmp(argv[i], "recv"))
		return cmd_recv(argc - i, argv + i);
	usage(stderr);
	return 2;
}
