/* Links: veth pairs made with ip(8) (an argument array; its stderr becomes our one error line), link
 * flags and offloads, and the switch program's hook on a representor. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "nicemu.h"

static int run_ip(const char *const argv[])
{
	char err[512] = "";
	int pfd[2], status;
	ssize_t got = 0, r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return mt_err("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return mt_err("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		execvp("ip", (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	while (got < (ssize_t)sizeof(err) - 1 && (r = read(pfd[0], err + got, sizeof(err) - 1 - got)) > 0)
		got += r;
	close(pfd[0]);
	err[got] = '\0';
	err[strcspn(err, "\n")] = '\0';
	if (waitpid(pid, &status, 0) < 0)
		return mt_err("waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return mt_err("ip %s %s %s: %s", argv[3], argv[4], argv[5], *err ? err : "failed (is iproute2 installed?)");
}

/* Creates representor REP in the switch namespace, its peer PEER in PEER_NS with MAC (or NULL). */
int veth_create(const char *sns, const char *rep, const char *peer_ns, const char *peer,
		       const char *mac)
{
	const char *argv[] = { "ip", "-n", sns, "link", "add", rep, "type", "veth", "peer", "name", peer,
			       "netns", peer_ns, mac ? "address" : NULL, mac, NULL };

	return run_ip(argv);
}

/* Deletes IFNAME in NS when present (its veth peer goes with it). */
int link_delete(const char *ns, const char *ifname)
{
	const char *argv[] = { "ip", "-n", ns, "link", "del", ifname, NULL };
	int r = link_exists(ns, ifname);

	return r <= 0 ? r : run_ip(argv);
}

int link_up_in(const char *ns, const char *ifname, bool up)
{
	int err;

	if (mt_netns_enter(ns))
		return -1;
	err = mt_link_set_up(ifname, up);
	return err ? mt_err("cannot set %s %s in %s: %s", ifname, up ? "up" : "down", ns, strerror(-err)) : 0;
}

int link_offload_off_in(const char *ns, const char *ifname)
{
	int err;

	if (mt_netns_enter(ns))
		return -1;
	err = mt_link_tx_offload_off(ifname);
	return err ? mt_err("cannot turn off the offloads of %s in %s: %s", ifname, ns, strerror(-err)) : 0;
}

/* The representor's hook in the switch namespace; the caller is in that namespace. */
static void rep_hook(const struct nic *n, const char *rep, struct mt_hook *h, char pin[PATH_MAX])
{
	char leaf[IFNAMSIZ + 8];

	pf_path(pin, PATH_MAX, PIN_DIR, n->st.name, TC_HOOKS);
	h->tc = !access(pin, F_OK);
	snprintf(leaf, sizeof(leaf), "link_%s", rep);
	pf_path(pin, PATH_MAX, PIN_DIR, n->st.name, leaf);
	h->ifindex = mt_ifindex(rep);
	h->egress = false;
	h->pin = pin;
	h->prio = 1;
}

int rep_hook_attach(const struct nic *n, const char *rep)
{
	char pin[PATH_MAX], path[PATH_MAX];
	struct mt_hook h;
	int prog_fd, err;

	if (mt_netns_enter(switch_ns(n)))
		return -1;
	rep_hook(n, rep, &h, pin);
	if (!h.ifindex)
		return mt_err("%s not found in %s", rep, switch_ns(n));
	pf_path(path, sizeof(path), PIN_DIR, n->st.name, "prog");
	prog_fd = bpf_obj_get(path);
	if (prog_fd < 0)
		return mt_err("cannot open %s: %s", path, strerror(errno));
	err = mt_hook_attach(&h, prog_fd);
	close(prog_fd);
	return err;
}

int rep_hook_detach(const struct nic *n, const char *rep)
{
	char pin[PATH_MAX];
	struct mt_hook h;

	if (mt_netns_enter(switch_ns(n)))
		return -1;
	rep_hook(n, rep, &h, pin);
	return mt_hook_detach(&h);
}
