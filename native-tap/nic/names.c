/* Names of namespaces and interfaces, MAC addresses. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nicemu.h"

bool netns_name_valid(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > NETNS_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

bool netns_exists(const char *s)
{
	char path[PATH_MAX];

	if (!netns_name_valid(s))
		return false;
	snprintf(path, sizeof(path), "/run/netns/%s", s);
	return !access(path, F_OK);
}

int check_netns(const char *what, const char *s)
{
	if (!netns_name_valid(s))
		return mt_err("%s: invalid network namespace name '%s'", what, s);
	if (!netns_exists(s))
		return mt_err("%s: network namespace '%s' not found", what, s);
	return 0;
}

int check_ifname(const char *what, const char *s)
{
	return mt_ifname_valid(s) ? 0 : mt_err("%s: invalid interface name '%s'", what, s);
}

int parse_mac(const char *s, __u8 mac[6])
{
	unsigned int b[6];
	char end;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
				      &b[5], &end) != 6)
		return mt_err("mac: '%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", s);
	for (int i = 0; i < 6; i++)
		mac[i] = (__u8)b[i];
	if (mac[0] & 1)
		return mt_err("mac: %s is a multicast address", s);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return mt_err("mac: %s is the zero address", s);
	return 0;
}

void format_mac(const __u8 mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

__u64 mac_key(const __u8 mac[6])
{
	__u64 k = 0;

	for (int i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k;
}

/* Locally administered default: 02:<4 bytes of a hash of the PF name>:<VF>. */
void default_mac(const char *pf, __u32 vf, __u8 mac[6])
{
	__u32 h = 2166136261u;

	for (const char *p = pf; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	mac[0] = 0x02;
	mac[1] = h >> 24;
	mac[2] = h >> 16;
	mac[3] = h >> 8;
	mac[4] = h;
	mac[5] = (__u8)vf;
}

/* 1 when IFNAME exists in namespace NS, 0 when not, -1 on error (printed). */
int link_exists(const char *ns, const char *ifname)
{
	if (mt_netns_enter(ns))
		return -1;
	return mt_ifindex(ifname) > 0;
}
