/* The control thread: polls the tunnels' link state (every poll_ms, at once on an rtnetlink link event
 * or an LSC interrupt), serves the JSON commands on the Unix socket, one request per line, and streams
 * events to the clients that sent "watch". */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <rte_lcore.h>

#include "dtap.h"
#include "mt.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void client_close(struct mtd *t, int i)
{
	close(t->clients[i]->fd);
	free(t->clients[i]);
	t->clients[i] = NULL;
}

/* One whole line or the client is dropped: a client that does not read its replies must not stall the
 * control thread. */
static int send_line(int fd, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	size_t len;
	ssize_t n;

	if (!text)
		return -1;
	len = strlen(text);
	text[len] = '\n';
	n = send(fd, text, len + 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	free(text);
	return n == (ssize_t)(len + 1) ? 0 : -1;
}

void mtd_emit(struct mtd *t, json_t *ev)
{
	if (!ev)
		return;
	for (int i = 0; i < MTD_MAX_CLIENTS; i++)
		if (t->clients[i] && t->clients[i]->watch && send_line(t->clients[i]->fd, ev))
			client_close(t, i);
	json_decref(ev);
}

/* A new watcher first gets the present state: every tunnel's link and every running session. */
static int send_state(struct mtd *t, int fd)
{
	int rc = 0;

	for (uint16_t i = 0; !rc && i < t->nb_tunnels; i++) {
		json_t *ev = mtd_link_event(&t->tunnels[i]);

		rc = send_line(fd, ev);
		json_decref(ev);
	}
	for (uint16_t i = 0; !rc && i < t->nb_ports; i++) {
		const struct mtd_port *p = &t->ports[i];

		for (unsigned k = 0; !rc && k < TAP_MAX_SESSIONS; k++) {
			json_t *ev;

			if (!p->running[k])
				continue;
			ev = mtd_session_event(t, p, p->running[k], p->running_tunnel[k], true);
			rc = send_line(fd, ev);
			json_decref(ev);
		}
	}
	return rc;
}

static int handle_line(struct mtd *t, struct mtd_client *c, const char *line)
{
	bool watch;
	json_t *reply = mtd_handle(t, line, &watch);
	int rc = send_line(c->fd, reply);

	json_decref(reply);
	if (!rc && watch) {
		c->watch = true;
		rc = send_state(t, c->fd);
	}
	return rc;
}

/* Reads what the client sent and answers each complete line; -1 when the client is to be closed. */
static int client_read(struct mtd *t, struct mtd_client *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, MSG_DONTWAIT);
	char *start, *nl;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (n < 0 || c->watch)
		return 0; /* a watcher's input is ignored */
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	start = c->buf;
	while ((nl = memchr(start, '\n', c->len - (size_t)(start - c->buf)))) {
		*nl = '\0';
		if (nl > start && handle_line(t, c, start))
			return -1;
		start = nl + 1;
		if (c->watch)
			break;
	}
	c->len -= (size_t)(start - c->buf);
	memmove(c->buf, start, c->len);
	if (c->len == sizeof(c->buf) - 1) {
		json_t *reply = json_pack("{s:b, s:s}", "ok", 0, "error", "request longer than 64 KiB");

		send_line(c->fd, reply);
		json_decref(reply);
		return -1;
	}
	return 0;
}

static void client_accept(struct mtd *t)
{
	int fd = accept4(t->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (int i = 0; i < MTD_MAX_CLIENTS; i++) {
		if (t->clients[i])
			continue;
		t->clients[i] = calloc(1, sizeof(*t->clients[i]));
		if (!t->clients[i])
			break;
		t->clients[i]->fd = fd;
		return;
	}
	close(fd); /* too many clients */
}

static void ignore_link_event(const struct mt_link_event *ev, void *ctx)
{
}

static void *control_main(void *arg)
{
	struct mtd *t = arg;
	uint64_t next = now_ms() + t->poll_ms;

	for (;;) {
		struct pollfd pfd[3 + MTD_MAX_CLIENTS];
		int client_at[3 + MTD_MAX_CLIENTS];
		uint64_t now = now_ms();
		int n = 0, nl_at = -1, listen_at = -1, first_client;
		bool check = false;

		pfd[n++] = (struct pollfd){ .fd = t->wake_fd, .events = POLLIN };
		if (t->nl_fd >= 0) {
			nl_at = n;
			pfd[n++] = (struct pollfd){ .fd = t->nl_fd, .events = POLLIN };
		}
		pthread_mutex_lock(&t->lock);
		if (t->listen_fd >= 0) {
			listen_at = n;
			pfd[n++] = (struct pollfd){ .fd = t->listen_fd, .events = POLLIN };
		}
		first_client = n;
		for (int i = 0; i < MTD_MAX_CLIENTS; i++) {
			if (!t->clients[i])
				continue;
			client_at[n] = i;
			pfd[n++] = (struct pollfd){ .fd = t->clients[i]->fd, .events = POLLIN };
		}
		pthread_mutex_unlock(&t->lock);
		poll(pfd, (nfds_t)n, next > now ? (int)(next - now) : 0);

		pthread_mutex_lock(&t->lock);
		if (t->stop) {
			pthread_mutex_unlock(&t->lock);
			return NULL;
		}
		if (pfd[0].revents & POLLIN) {
			uint64_t v;

			check = read(t->wake_fd, &v, sizeof(v)) > 0;
		}
		if (nl_at >= 0 && pfd[nl_at].revents)
			check |= mt_linkwatch_poll(t->nl_fd, 0, ignore_link_event, NULL) != 0;
		now = now_ms();
		if (now >= next) {
			check = true;
			next = now + t->poll_ms;
		}
		if (check)
			mtd_reconcile_links(t);
		if (listen_at >= 0 && (pfd[listen_at].revents & POLLIN))
			client_accept(t);
		for (int k = first_client; k < n; k++) {
			int i = client_at[k];

			if (pfd[k].revents && t->clients[i] && client_read(t, t->clients[i]))
				client_close(t, i);
		}
		mtd_free_graves(t, false);
		pthread_mutex_unlock(&t->lock);
	}
}

static int listen_on(struct mtd *t, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket path longer than %zu bytes: %s", sizeof(sa.sun_path) - 1, path);
		return -1;
	}
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket", path);
			return -1;
		}
		unlink(path);
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	old = umask(0177);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, MTD_MAX_CLIENTS)) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		umask(old);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	umask(old);
	snprintf(t->ctl_path, sizeof(t->ctl_path), "%s", path);
	t->listen_fd = fd;
	return 0;
}

int mtd_control_start(struct mtd *t, const char *ctl_path, char *err, size_t errlen)
{
	int rc = mt_linkwatch_open();

	/* Without rtnetlink the polling alone still follows the links. */
	t->nl_fd = rc >= 0 ? rc : -1;
	if (ctl_path && listen_on(t, ctl_path, err, errlen))
		return -1;
	rc = rte_ctrl_thread_create(&t->thread, "mt-dtap-ctl", NULL, control_main, t);
	if (rc) {
		snprintf(err, errlen, "cannot start the control thread: %s", strerror(rc));
		return -1;
	}
	t->thread_started = true;
	return 0;
}

void mtd_control_stop(struct mtd *t)
{
	uint64_t one = 1;

	if (t->thread_started) {
		pthread_mutex_lock(&t->lock);
		t->stop = true;
		pthread_mutex_unlock(&t->lock);
		if (write(t->wake_fd, &one, sizeof(one)) < 0)
			perror("mt-dtap: wake the control thread");
		pthread_join(t->thread, NULL);
		t->thread_started = false;
	}
	for (int i = 0; i < MTD_MAX_CLIENTS; i++)
		if (t->clients[i])
			client_close(t, i);
	if (t->listen_fd >= 0) {
		close(t->listen_fd);
		unlink(t->ctl_path);
		t->listen_fd = -1;
	}
	if (t->nl_fd >= 0) {
		close(t->nl_fd);
		t->nl_fd = -1;
	}
}
