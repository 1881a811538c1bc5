#define _GNU_SOURCE
#include "mt.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/magic.h>
#include <linux/sockios.h>

const char *mt_prog = "mirrortunnel";

int mt_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", mt_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int mt_netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd, err;

	if (!name || !*name)
		return 0;
	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..") || strlen(name) > 200)
		return mt_err("invalid network namespace name '%s'", name);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mt_err("network namespace '%s' not found: %s", name, strerror(errno));
	err = setns(fd, CLONE_NEWNET);
	close(fd);
	if (err)
		return mt_err("cannot enter network namespace '%s': %s", name, strerror(errno));
	return 0;
}

const char *mt_netns_label(const char *name)
{
	return name && *name ? name : "root";
}

int mt_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int mt_bpffs_ensure(void)
{
	struct statfs st;

	if (!statfs(MT_BPFFS, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", MT_BPFFS, "bpf", 0, "mode=0700"))
		return mt_err("cannot mount bpffs on %s: %s", MT_BPFFS, strerror(errno));
	return 0;
}

int mt_rmtree(const char *path)
{
	struct dirent *de;
	char child[PATH_MAX];
	DIR *d = opendir(path);
	int err = 0;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		if (errno == ENOTDIR)
			return unlink(path) ? -errno : 0;
		return -errno;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		if (de->d_type == DT_DIR)
			err = mt_rmtree(child) ?: err;
		else if (unlink(child) && errno != ENOENT)
			err = -errno;
	}
	closedir(d);
	if (rmdir(path) && errno != ENOENT)
		err = -errno;
	return err;
}

bool mt_ifname_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, "..") || name[0] == '-')
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return false;
	return true;
}

int mt_ifindex(const char *name)
{
	return mt_ifname_valid(name) ? (int)if_nametoindex(name) : 0;
}

/* One interface ioctl on a throw-away socket; ifr->ifr_name is filled in from name. */
static int if_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	if (!mt_ifname_valid(name))
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, req, ifr))
		err = -errno;
	close(fd);
	return err;
}

int mt_link_set_up(const char *name, bool up)
{
	struct ifreq ifr = { 0 };
	int err = if_ioctl(name, SIOCGIFFLAGS, &ifr);

	if (err || !!(ifr.ifr_flags & IFF_UP) == up)
		return err;
	ifr.ifr_flags = up ? (ifr.ifr_flags | IFF_UP) : (ifr.ifr_flags & ~IFF_UP);
	return if_ioctl(name, SIOCSIFFLAGS, &ifr);
}

int mt_link_mtu(const char *name)
{
	struct ifreq ifr = { 0 };
	int err = if_ioctl(name, SIOCGIFMTU, &ifr);

	return err ? err : ifr.ifr_mtu;
}

int mt_link_tx_offload_off(const char *name)
{
	/* Without transmit checksumming the kernel also drops TSO, and hands the device no GSO packet
	 * whose checksum it cannot complete (all of them): it segments and checksums them itself. */
	struct ethtool_value ev = { .cmd = ETHTOOL_STXCSUM, .data = 0 };
	struct ifreq ifr = { .ifr_data = (void *)&ev };

	return if_ioctl(name, SIOCETHTOOL, &ifr);
}

int mt_link_carrier(const char *name)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GLINK };
	struct ifreq ifr = { 0 };
	int err = if_ioctl(name, SIOCGIFFLAGS, &ifr);

	if (err || !(ifr.ifr_flags & IFF_UP))
		return err;
	/* ETHTOOL_GLINK reads the carrier at once; IFF_RUNNING follows it only after the kernel's
	 * link-watch delay. ifr_data shares a union with ifr_flags. */
	ifr.ifr_data = (void *)&ev;
	err = if_ioctl(name, SIOCETHTOOL, &ifr);
	return err ? err : ev.data != 0;
}

int mt_parse_u32(const char *what, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v = 0;

	if (!s || !*s)
		return mt_err("%s: missing value", what);
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > 0xffffffffULL)
			return mt_err("%s: '%s' is not a number in %u..%u", what, s, min, max);
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v < min || v > max)
		return mt_err("%s: %s is out of range %u..%u", what, s, min, max);
	*out = (uint32_t)v;
	return 0;
}

static int parse_vlan_id(const char **p, uint32_t *out)
{
	uint32_t v = 0;
	int digits = 0;

	while (isdigit((unsigned char)**p) && digits < 5) {
		v = v * 10 + (uint32_t)(**p - '0');
		(*p)++;
		digits++;
	}
	if (!digits || isdigit((unsigned char)**p))
		return -1;
	*out = v;
	return 0;
}

int mt_parse_vlan_list(const char *s, uint32_t min, uint32_t max, uint64_t set[64])
{
	const char *p = s;

	memset(set, 0, 64 * sizeof(uint64_t));
	if (!s || !*s)
		return mt_err("empty VLAN list");
	for (;;) {
		uint32_t lo, hi;

		if (parse_vlan_id(&p, &lo))
			return mt_err("bad VLAN list '%s': expected a number at '%s'", s, p);
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_vlan_id(&p, &hi))
				return mt_err("bad VLAN list '%s': expected a number at '%s'", s, p);
			if (hi < lo)
				return mt_err("bad VLAN list '%s': range %u-%u is descending", s, lo, hi);
		}
		if (lo < min || hi > max)
			return mt_err("bad VLAN list '%s': VLAN ids must lie in %u..%u", s, min, max);
		for (uint32_t v = lo; v <= hi; v++)
			set[v / 64] |= 1ULL << (v % 64);
		if (!*p)
			return 0;
		if (*p != ',')
			return mt_err("bad VLAN list '%s': unexpected '%c'", s, *p);
		p++;
	}
}

static bool vlan_in(const uint64_t set[64], uint32_t v)
{
	return v < 4096 && (set[v / 64] >> (v % 64)) & 1;
}

void mt_format_vlan_list(const uint64_t set[64], char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (uint32_t v = 0; v < 4096; v++) {
		uint32_t end = v;
		int n;

		if (!vlan_in(set, v))
			continue;
		while (vlan_in(set, end + 1))
			end++;
		if (end == v)
			n = snprintf(buf + used, len - used, "%s%u", used ? "," : "", v);
		else
			n = snprintf(buf + used, len - used, "%s%u-%u", used ? "," : "", v, end);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
		v = end;
	}
}

int mt_parse_prefix(const char *s, struct mt_prefix *out)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t len, max;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(addr))
		return mt_err("bad prefix '%s'", s);
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, out->addr) == 1)
		out->family = AF_INET6;
	else
		return mt_err("bad prefix '%s': '%s' is not an IPv4 or IPv6 address", s, addr);
	max = out->family == AF_INET ? 32 : 128;
	len = max;
	if (slash && mt_parse_u32("prefix length", slash + 1, 0, max, &len))
		return -1;
	for (uint32_t bit = len; bit < max; bit++)
		if (out->addr[bit / 8] & (0x80 >> (bit % 8)))
			return mt_err("bad prefix '%s': host bits are set beyond /%u", s, len);
	out->len = (uint8_t)len;
	return 0;
}

void mt_format_prefix(const struct mt_prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, addr, sizeof(addr)))
		addr[0] = '\0';
	snprintf(buf, len, "%s/%u", addr, p->len);
}
