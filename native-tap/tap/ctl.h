/* mtapctl's parts: state (pins and the session maps, state.c), argument parsing (opts.c), the datapath
 * following sessions and tunnel carrier (reconcile.c), and one file per group of commands
 * (cmd_set.c: attach, configure, detach; cmd_show.c: show, stats; cmd_watch.c: watch). */
#ifndef MT_TAP_CTL_H
#define MT_TAP_CTL_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>

#include "mt.h"
#include "tap.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

/* Pin directory names of tunnels: DEV names with this prefix are refused. */
#define TUNNEL_PREFIX "tunnel-"
#define MAX_DEVS 256
/* Directory in a DEV's or tunnel's pins: its hooks are tc filters (the kernel had no tcx). */
#define TC_HOOKS "tc-hooks"

extern const char *g_netns;
extern bool g_json;
extern bool g_events; /* watch: print one JSON line per change */
extern char g_root[PATH_MAX];

struct dev_state {
	char name[IF_NAMESIZE];
	struct tap_session s[TAP_MAX_SESSIONS];
};

/* Every tapped DEV of the namespace, as pinned. */
struct state {
	int n;
	struct dev_state dev[MAX_DEVS];
};

/* ---- state.c: pins, session maps, the writers' lock ---- */

/* g_root/dir[/leaf] into buf (PATH_MAX). */
const char *path_of(char *buf, const char *dir, const char *leaf);
int pin_get(const char *dir, const char *leaf);
bool exists(const char *dir, const char *leaf);
void remove_dir(const char *dir);
/* Loads and pins the programs and maps of a DEV (tap.bpf.c) or of a tunnel directory (tap_snap.bpf.c). */
int dev_pin_new(const char *dev);
int tunnel_pin_new(const char *dir);
int write_sessions(const char *dev, const struct tap_session *s);
/* Writes one slot. */
int write_session(const char *dev, __u32 slot, const struct tap_session *s);
int state_load(struct state *st);
struct dev_state *state_find(struct state *st, const char *dev);
int slot_of(const struct dev_state *ds, __u32 id);
bool dev_empty(const struct dev_state *ds);
/* Runs fn on the loaded state under the lock. fn returns 0 or an exit code. */
int locked(int (*fn)(struct state *, void *), void *ctx);

/* ---- opts.c: KEY VALUE options of attach, configure, detach, stats ---- */

enum {
	O_SESSION = 1 << 0,
	O_TUNNEL = 1 << 1,
	O_DIR = 1 << 2,
	O_VLAN = 1 << 3,
	O_SAMPLE = 1 << 4,
	O_SNAPLEN = 1 << 5,
	O_SRC = 1 << 6,
	O_DST = 1 << 7,
	O_PROTO = 1 << 8,
	O_SPORT = 1 << 9,
	O_DPORT = 1 << 10,
	O_NET = 1 << 11,
	O_HOST = 1 << 12,
	O_PORT = 1 << 13,
	O_ALL = (1 << 14) - 1,
};

struct opts {
	unsigned set;
	struct tap_session s; /* values of the options given; flags: which filter fields are set */
	unsigned clear;       /* filter fields reset by "any" */
	char tunnel[IF_NAMESIZE];
};

/* `allowed` limits the keys. 0 or -1 (printed). */
int parse_opts(int argc, char **argv, unsigned allowed, struct opts *o);
/* Applies the options given onto session s. 0 or -1 (printed). */
int apply_opts(struct tap_session *s, const struct opts *o, int tunnel_ifindex);
const char *dir_name(__u8 dir);
/* "tcp" for 6 and so on; NULL for protocols without a name. */
const char *proto_name(__u8 proto);

/* ---- reconcile.c: hooks, active sessions and tunnel programs follow sessions and carrier ---- */

bool tunnel_carrier(const struct tap_session *s);
const char *tunnel_name(const struct tap_session *s, char *buf);
/* Whether DEV's ingress (egress) hook runs the TAP now. */
bool dev_hook_attached(const char *dev, bool egress);
/* Readies a new DEV's hooks: the clsact qdisc where there is no tcx, made once for the port's lifetime. */
int dev_hooks_prepare(const char *dev);
/* Sets each session's frame_max from its tunnel's MTU now. */
void refresh_frame_max(struct dev_state *ds);
/* Detaches DEV's hooks and removes its pins. */
int remove_dev(const char *dev);
int reconcile(const struct state *st);

/* ---- commands ---- */

int check_dev_name(const char *dev);
int cmd_set(int argc, char **argv, bool create);
int cmd_detach(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_watch(int argc, char **argv);

#endif
