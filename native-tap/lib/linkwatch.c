#include "mt.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

int mt_linkwatch_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void parse_link(const struct nlmsghdr *nh, struct mt_link_event *ev)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));

	memset(ev, 0, sizeof(*ev));
	ev->ifindex = ifi->ifi_index;
	ev->deleted = nh->nlmsg_type == RTM_DELLINK;
	ev->carrier = !ev->deleted && (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_LOWER_UP);
	for (const struct rtattr *rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFLA_IFNAME) {
			size_t n = RTA_PAYLOAD(rta) < sizeof(ev->ifname) ? RTA_PAYLOAD(rta) : sizeof(ev->ifname) - 1;

			memcpy(ev->ifname, RTA_DATA(rta), n);
			ev->ifname[sizeof(ev->ifname) - 1] = '\0';
		}
	}
}

int mt_linkwatch_poll(int fd, int timeout_ms, void (*cb)(const struct mt_link_event *, void *), void *ctx)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int events = 0, ready = poll(&pfd, 1, timeout_ms);

	if (ready < 0)
		return -errno;
	if (ready == 0)
		return 0;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return events;
			/* ENOBUFS: events were lost; report it so the caller re-reads the whole state. */
			return -errno;
		}
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			struct mt_link_event ev;

			if (nh->nlmsg_type != RTM_NEWLINK && nh->nlmsg_type != RTM_DELLINK)
				continue;
			parse_link(nh, &ev);
			cb(&ev, ctx);
			events++;
		}
	}
}
