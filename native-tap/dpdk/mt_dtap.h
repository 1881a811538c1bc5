/* The DPDK software TAP: a library an NSF links. rx and tx callbacks on the NSF's ports send, for every
 * packet an enabled session selects, a VLAN-tagged copy on a tunnel port without copying the payload
 * (a header mbuf chained to a clone of the packet), and leave the packet itself untouched. Sessions
 * have the eBPF TAP's semantics (native-tap/tap/README.md); a session runs only while its tunnel's link
 * is up, and with no session running in a direction the callbacks of that direction are unregistered.
 * Control: JSON commands (README.md), in process through mtd_command() or on a Unix socket. */
#ifndef MT_DTAP_H
#define MT_DTAP_H

#include <stddef.h>
#include <stdint.h>

/* What "off" means for a port direction that has no running session. */
enum mtd_off_mode {
	MTD_OFF_UNREGISTER, /* the callbacks are removed: nothing runs (default) */
	MTD_OFF_GATE,	    /* the callbacks stay and return at once on a flag (for comparison) */
};

struct mtd_conf {
	/* The NSF's ports the TAP may watch. The NSF configures them (any number of queues) before
	 * mtd_create() and keeps doing its own rx and tx on them. */
	const uint16_t *ports;
	uint16_t nb_ports;
	/* Tunnel ports: the library configures and starts them (one tx queue per lcore when the PMD has
	 * that many, else shared queues under a lock) and stops them in mtd_destroy(). */
	const uint16_t *tunnels;
	uint16_t nb_tunnels;
	/* Unix socket for the JSON commands; NULL: none. A stale socket file is replaced. */
	const char *ctl_path;
	/* Link-state polling period of the tunnels in ms, 1..10; 0 = 10. */
	unsigned poll_ms;
	/* Header and clone mbufs (each pool); 0 = 8191. */
	unsigned pool_size;
	enum mtd_off_mode off_mode;
};

struct mtd;

/* Call after rte_eal_init() and the ports' configuration, from the main lcore. NULL on failure with
 * a one-line reason in err. The data path must run on EAL lcores (or threads given an lcore id with
 * rte_thread_register()); packets seen on other threads are counted per port as "foreign" and not
 * mirrored. */
struct mtd *mtd_create(const struct mtd_conf *conf, char *err, size_t errlen);

/* One JSON request (a command object) in, one JSON reply out, without a newline; the caller frees the
 * reply. Never NULL unless out of memory. Safe from any thread but not from inside rx/tx callbacks. */
char *mtd_command(struct mtd *tap, const char *request);

/* Unregisters every callback, stops the control thread and the tunnel ports, frees everything. */
void mtd_destroy(struct mtd *tap);

#endif
