/*
 * moorage-attach: connects the engine to a conmon attach socket and relays between them.
 *
 * conmon's attach socket is SOCK_SEQPACKET, which Node.js cannot open. The engine spawns this
 * helper with pipes: what it writes to our stdin goes to the socket (the container's or exec'd
 * process's stdin), and what conmon sends comes out on our stdout as frames
 *   [u8 stream][u32 big-endian length][data]
 * where stream is conmon's byte (2 stdout, 3 stderr). A first frame with stream 255 and length
 * 0 says the socket is connected. At the end of our stdin the socket's write side is shut down,
 * which makes conmon close the process's stdin (unless it runs with --leave-stdin-open); when
 * conmon closes the socket (the process exited and its output was sent), we exit 0.
 *
 *   moorage-attach SOCKET-PATH
 *
 * The path is opened with O_PATH and connected through /proc/self/fd/N, as podman does, so
 * paths longer than sun_path's 108 bytes work.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CONNECTED 255
/* conmon sends at most 8192 bytes of stdio plus its stream byte per packet, and reads at most
 * 32 KiB per packet from us. */
#define PACKET_MAX (8192 + 1)
#define SEND_MAX (32 * 1024)

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int frame(uint8_t stream, const char *data, uint32_t len)
{
	unsigned char head[5] = { stream, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
				  (unsigned char)(len >> 8), (unsigned char)len };
	if (write_all(1, head, sizeof(head)))
		return -1;
	return len ? write_all(1, data, len) : 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: moorage-attach SOCKET-PATH\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	int pfd = open(argv[1], O_PATH | O_CLOEXEC);
	if (pfd < 0) {
		fprintf(stderr, "moorage-attach: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d", pfd);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "moorage-attach: connect %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	close(pfd);
	if (frame(CONNECTED, NULL, 0))
		return 1;

	static char buf[SEND_MAX > PACKET_MAX ? SEND_MAX : PACKET_MAX];
	struct pollfd fds[2] = { { .fd = 0, .events = POLLIN }, { .fd = s, .events = POLLIN } };
	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = recv(s, buf, PACKET_MAX, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return 0; /* conmon closed the session */
			if (n > 1 && frame((uint8_t)buf[0], buf + 1, (uint32_t)(n - 1)))
				return 1; /* the engine went away */
		}
		if (fds[0].fd >= 0 && fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(0, buf, SEND_MAX);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				shutdown(s, SHUT_WR);
				fds[0].fd = -1; /* poll ignores negative fds */
				continue;
			}
			if (send(s, buf, (size_t)n, 0) < 0 && errno != EINTR) {
				fds[0].fd = -1; /* the process's stdin is gone; keep relaying its output */
			}
		}
	}
}
