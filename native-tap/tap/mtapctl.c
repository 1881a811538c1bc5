/* mtapctl: configures the eBPF software TAP (tap.bpf.c) on service interfaces and switches its hooks
 * with the carrier of the tunnel devices. The pinned session map of each DEV is the only state. */
#include <string.h>
#include <bpf/libbpf.h>

#include "ctl.h"

static const char usage[] =
	"usage: mtapctl [-n NETNS] [-j] attach DEV session ID tunnel TUN [direction rx|tx|both] vlan V[,V...]\n"
	"               [sample N] [snaplen N] [src PREFIX] [dst PREFIX] [net PREFIX | host ADDR]\n"
	"               [proto tcp|udp|icmp|icmpv6|sctp|NUM] [sport PORT] [dport PORT] [port PORT]\n"
	"       mtapctl [-n NETNS] [-j] configure DEV session ID [options of attach]\n"
	"       mtapctl [-n NETNS] detach DEV [session ID]\n"
	"       mtapctl [-n NETNS] [-j] show [DEV]\n"
	"       mtapctl [-n NETNS] [-j] stats DEV [session ID]\n"
	"       mtapctl [-n NETNS] watch [--once]\n"
	"\n"
	"Mirrors what DEV receives (rx) or sends (tx) to the tunnel TUN: each packet a session's filter and\n"
	"sampling accept is copied, tagged with one of the session's VLANs. A session runs while TUN has\n"
	"carrier; 'watch' follows the carrier.\n"
	"  vlan         with several, an IP packet's VLAN is a symmetric hash of its source and destination\n"
	"               addresses and protocol: both directions of a flow and every fragment of a datagram\n"
	"               (IPv4, IPv6) take one VLAN. Flows spread by address pair, not port pair: all traffic\n"
	"               between two hosts shares a VLAN. A non-IP packet takes the lowest.\n"
	"  src, dst     IPv4 or IPv6 prefixes (one family with net); proto a name or number.\n"
	"  net, host    the source or the destination is in PREFIX (host: is ADDR), as tcpdump's net, host.\n"
	"  sport, dport 0..65535, TCP, UDP and SCTP only; port: the source or the destination port.\n"
	"               Every part given must hold (they are ANDed); 'any' clears one (host any clears net).\n"
	"               A filter never matches a non-IP packet. Prefixes and proto match every fragment.\n"
	"  Fragments    port parts match a datagram's first fragment like any packet. A first fragment that\n"
	"               matches is noted (source, destination, protocol, IP id / IPv6 fragment id, session)\n"
	"               in DEV's fragment table (up to 4096 notes, least recently used evicted) and the\n"
	"               later fragments of a noted datagram match too; a later fragment of one not noted\n"
	"               (its first fragment did not match, arrived after it or was evicted) counts as\n"
	"               filtered. A first fragment that does not match removes the note of its id.\n"
	"  sample N     every Nth matching packet, per CPU.\n"
	"  snaplen N    copies cut to N bytes of the original frame (0: whole frame, else 64..65535).\n"
	"GSO packets (a send larger than the MTU, or received segments merged by GRO) are one packet to the\n"
	"TAP: filtered, sampled and counted once, copied whole; the tunnel (an SR-IOV VF, or the kernel on\n"
	"its behalf) cuts the copy into frames of the original segment size. A copy that would not fit the\n"
	"tunnel's MTU (its frame without the session tag longer than MTU + 18 bytes, or a GSO packet with\n"
	"segments that long) is not sent and counts as 'oversized'; a snaplen within that size cuts it instead.\n"
	"Interface names may not start with '-'; DEV not with 'tunnel-'.\n"
	"Exit status: 0 ok; 2 bad usage or arguments (nothing changed); 1 runtime failure (rolled back).\n";

int main(int argc, char **argv)
{
	const char *cmd;
	int i = 1;

	mt_prog = "mtapctl";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j")) {
			g_json = true;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			g_netns = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		} else {
			mt_err("unknown option '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		mt_err("missing command (try -h)");
		return EXIT_USAGE;
	}
	cmd = argv[i++];
	if (strcmp(cmd, "attach") && strcmp(cmd, "configure") && strcmp(cmd, "detach") && strcmp(cmd, "show") &&
	    strcmp(cmd, "stats") && strcmp(cmd, "watch")) {
		mt_err("unknown command '%s' (try -h)", cmd);
		return EXIT_USAGE;
	}
	if (mt_netns_enter(g_netns))
		return EXIT_USAGE;
	snprintf(g_root, sizeof(g_root), MT_PIN_ROOT "/tap/%.255s", mt_netns_label(g_netns));
	libbpf_set_print(NULL);
	argc -= i;
	argv += i;
	if (!strcmp(cmd, "attach"))
		return cmd_set(argc, argv, true);
	if (!strcmp(cmd, "configure"))
		return cmd_set(argc, argv, false);
	if (!strcmp(cmd, "detach"))
		return cmd_detach(argc, argv);
	if (!strcmp(cmd, "show"))
		return cmd_show(argc, argv);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc, argv);
	return cmd_watch(argc, argv);
}
