/* watch: reconciles at start and on every link change of the namespace (carrier, MTU, devices coming
 * and going), printing one JSON line per change. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	g_stop = 1;
}

static void on_link(const struct mt_link_event *ev, void *ctx)
{
	*(bool *)ctx = true;
}

static int reconcile_state(struct state *st, void *ctx)
{
	return reconcile(st) ? EXIT_RUNTIME : 0;
}

int cmd_watch(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	bool once = argc == 1 && !strcmp(argv[0], "--once");
	int fd;

	if (argc > 1 || (argc == 1 && !once))
		return mt_err("watch: unexpected '%s'", argv[argc - 1]), EXIT_USAGE;
	g_events = true;
	fd = once ? 0 : mt_linkwatch_open();
	if (fd < 0)
		return mt_err("cannot open rtnetlink: %s", strerror(-fd)), EXIT_RUNTIME;
	/* Subscribed before the first reconcile: no change between the two is lost. */
	if (locked(reconcile_state, NULL) && once)
		return EXIT_RUNTIME;
	if (once)
		return 0;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("{\"event\":\"ready\"}\n");
	fflush(stdout);
	while (!g_stop) {
		bool changed = false;
		int n = mt_linkwatch_poll(fd, 500, on_link, &changed);

		if (n == -EINTR)
			continue;
		if (n < 0 && n != -ENOBUFS)
			return mt_err("rtnetlink: %s", strerror(-n)), EXIT_RUNTIME;
		if (changed || n == -ENOBUFS)
			locked(reconcile_state, NULL);
	}
	close(fd);
	return 0;
}
