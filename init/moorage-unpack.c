/*
 * moorage-unpack: writes archive entries into a directory without ever leaving it.
 *
 * The engine parses tar archives (in JavaScript) and sends each entry here as one request on
 * stdin. Every path is resolved by the kernel inside the root: with RESOLVE_BENEATH and
 * RESOLVE_NO_SYMLINKS (layer extraction: no symlink is followed, not even one the archive made
 * itself a moment ago) or with RESOLVE_IN_ROOT (copying into a container: its symlinks are
 * followed as the container would see them, never out of its root). Ownership, modes, extended
 * attributes and times are applied through file descriptors, and hard links are made from the
 * descriptor of the resolved target, so no later entry can redirect an earlier one's metadata.
 *
 *   moorage-unpack --root DIR [--in-root] [--keep-kinds]
 *
 * --keep-kinds refuses an entry that would replace a directory with a non-directory or the
 * reverse (Docker's `noOverwriteDirNonDir`, which `docker cp` always sets); without it a later
 * entry replaces whatever is there, as tar does.
 *
 * Request: a 56-byte header (little-endian)
 *   u8 op, u8 0, u16 0, u32 mode, u32 uid, u32 gid, i64 mtime_sec, u32 mtime_nsec,
 *   u32 rdev_major, u32 rdev_minor, u32 path_len, u32 link_len, u32 xattr_len, u64 data_len
 * then the path, the link target, the xattrs (u32 name_len, name, u32 value_len, value, ...)
 * and the file's data. Ops: 1 directory, 2 file, 3 symlink, 4 hard link, 5 device or fifo
 * (mode carries the type), 6 finish (directory times), 7 xattrs only, on a directory made
 * where missing (an overlay opaque marker, which a layer may send before or after its dir).
 * Answer on stdout when stdin ends: "ok N\n" (N entries), or, at the first failure and with exit
 * status 1, "error input PATH: MESSAGE\n" for a request the archive should not have made (a path
 * through a symlink, a link out) or "error system PATH: MESSAGE\n" for a failure of the host.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

enum { OP_DIR = 1, OP_FILE, OP_SYMLINK, OP_HARDLINK, OP_NODE, OP_FINISH, OP_XATTR };

struct header {
	uint8_t op, pad1;
	uint16_t pad2;
	uint32_t mode, uid, gid;
	int64_t mtime_sec;
	uint32_t mtime_nsec, rdev_major, rdev_minor, path_len, link_len, xattr_len;
	uint64_t data_len;
} __attribute__((packed));

_Static_assert(sizeof(struct header) == 56, "header layout");

#define MAX_PATH 4096
#define MAX_XATTRS (1 << 20)

static int root_fd = -1;
static uint64_t resolve_flags = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
static const char *current = "";
static bool keep_kinds;

/* Directories whose times are set last: adding children changes them. */
static struct dir_time {
	char *path;
	struct timespec ts[2];
} *dirs;
static size_t ndirs, capdirs;

/* Reports the failure of the current entry and exits: `input` when the archive asked for
 * something it must not (bad() below), not when the host failed (fail()). */
__attribute__((noreturn, format(printf, 2, 3)))
static void die(bool input, const char *fmt, ...)
{
	va_list ap;
	printf("error %s %s: ", input ? "input" : "system", *current ? current : ".");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

#define bad(...) die(true, __VA_ARGS__)
#define fail(...) die(false, __VA_ARGS__)

static void read_full(void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = read(0, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			bad("truncated request");
		p += r;
		n -= (size_t)r;
	}
}

static char *read_string(uint32_t len, uint32_t max)
{
	if (len > max)
		bad("request field too long (%u bytes)", len);
	char *s = malloc((size_t)len + 1);
	if (!s)
		fail("out of memory");
	read_full(s, len);
	s[len] = '\0';
	if (strlen(s) != len)
		bad("NUL byte in a path");
	return s;
}

static int resolve(const char *path, uint64_t flags)
{
	struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = resolve_flags };
	return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
}

/* A failed resolution: the archive's fault when the path was refused, the host's otherwise. */
static void refused(const char *what, int err)
{
	if (err == ELOOP)
		bad("%sthe path goes through a symlink", what);
	if (err == EXDEV)
		bad("%sthe path leaves the root", what);
	if (err == ENOTDIR)
		bad("%sa parent is not a directory", what);
	if (err == ENOENT)
		bad("%sno such file in the archive", what);
	fail("%s%s", what, strerror(err));
}

/* Checks that a relative path has no empty, "." or ".." component. */
static void check_path(const char *path)
{
	if (!*path || path[0] == '/')
		bad("not a relative path");
	for (const char *p = path; *p;) {
		const char *e = strchrnul(p, '/');
		size_t n = (size_t)(e - p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			bad("invalid path component");
		p = *e ? e + 1 : e;
	}
}

/* The directory `dir` (relative, "" for the root), created with 0755 where missing. */
static int open_dir(const char *dir)
{
	if (!*dir)
		return fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
	int fd = resolve(dir, O_PATH | O_DIRECTORY);
	if (fd >= 0 || errno != ENOENT) {
		if (fd < 0)
			refused("", errno);
		return fd;
	}
	/* Walk from the root: each existing prefix is resolved whole (so IN_ROOT keeps its
	 * meaning), each missing component is made inside the last one resolved. */
	char prefix[MAX_PATH];
	int last = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
	for (const char *p = dir; *p;) {
		const char *e = strchrnul(p, '/');
		size_t len = (size_t)(e - dir);
		memcpy(prefix, dir, len);
		prefix[len] = '\0';
		fd = resolve(prefix, O_PATH | O_DIRECTORY);
		if (fd < 0 && errno == ENOENT) {
			char name[MAX_PATH];
			memcpy(name, p, (size_t)(e - p));
			name[e - p] = '\0';
			if (mkdirat(last, name, 0755) && errno != EEXIST)
				fail("mkdir %s: %s", prefix, strerror(errno));
			fd = openat(last, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0)
			refused("", errno);
		close(last);
		last = fd;
		p = *e ? e + 1 : e;
	}
	return last;
}

/* Removes `name` in `dirfd` and everything under it, without following symlinks. */
static void remove_tree(int dirfd, const char *name)
{
	if (!unlinkat(dirfd, name, 0) || errno == ENOENT)
		return;
	if (errno != EISDIR && errno != EPERM)
		fail("remove %s: %s", name, strerror(errno));
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fail("open %s: %s", name, strerror(errno));
	DIR *d = fdopendir(fd);
	if (!d)
		fail("opendir %s: %s", name, strerror(errno));
	for (struct dirent *de; (de = readdir(d));) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			remove_tree(fd, de->d_name);
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) && errno != ENOENT)
		fail("rmdir %s: %s", name, strerror(errno));
}

/* Makes room for a new entry: a later entry replaces an earlier one, as tar does. */
static bool clear_for(int pfd, const char *name, bool want_dir)
{
	struct stat st;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return false;
	if (want_dir && S_ISDIR(st.st_mode))
		return true;
	if (keep_kinds && S_ISDIR(st.st_mode))
		bad("cannot overwrite directory with non-directory");
	if (keep_kinds && want_dir)
		bad("cannot overwrite non-directory with directory");
	remove_tree(pfd, name);
	return false;
}

static void apply_xattrs(int fd, const char *buf, uint32_t len)
{
	for (uint32_t off = 0; off < len;) {
		uint32_t nlen, vlen;
		if (len - off < 4)
			bad("bad xattr list");
		memcpy(&nlen, buf + off, 4);
		off += 4;
		if (len - off < nlen + 4 || nlen == 0 || nlen > 255)
			bad("bad xattr list");
		char name[256];
		memcpy(name, buf + off, nlen);
		name[nlen] = '\0';
		off += nlen;
		memcpy(&vlen, buf + off, 4);
		off += 4;
		if (len - off < vlen)
			bad("bad xattr list");
		if (fsetxattr(fd, name, buf + off, vlen, 0))
			fail("setxattr %s: %s", name, strerror(errno));
		off += vlen;
	}
}

static void copy_data(int fd, uint64_t n)
{
	static char buf[1 << 20];
	while (n) {
		size_t chunk = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		read_full(buf, chunk);
		for (size_t done = 0; done < chunk;) {
			ssize_t w = write(fd, buf + done, chunk - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				fail("write: %s", strerror(errno));
			done += (size_t)w;
		}
		n -= chunk;
	}
}

static void skip_data(uint64_t n)
{
	static char buf[1 << 16];
	while (n) {
		size_t chunk = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		read_full(buf, chunk);
		n -= chunk;
	}
}

static void owner_mode(int fd, const struct header *h)
{
	if (fchown(fd, h->uid, h->gid))
		fail("chown: %s", strerror(errno));
	/* After chown, which clears set-id bits. */
	if (fchmod(fd, h->mode & 07777))
		fail("chmod: %s", strerror(errno));
}

static void remember_dir(const char *path, const struct timespec ts[2])
{
	if (ndirs == capdirs) {
		capdirs = capdirs ? capdirs * 2 : 256;
		dirs = realloc(dirs, capdirs * sizeof(*dirs));
		if (!dirs)
			fail("out of memory");
	}
	dirs[ndirs].path = strdup(path);
	dirs[ndirs].ts[0] = ts[0];
	dirs[ndirs].ts[1] = ts[1];
	ndirs++;
}

static void finish(void)
{
	/* Deepest last-made first; a path a later entry replaced (now a symlink or gone) fails
	 * to resolve and is left alone. */
	for (size_t i = ndirs; i-- > 0;) {
		int fd = resolve(dirs[i].path, O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			futimens(fd, dirs[i].ts);
			close(fd);
		}
	}
}

static void entry(const struct header *h, const char *path, const char *link, const char *xattrs)
{
	current = path;
	if (h->op == OP_FINISH) {
		finish();
		return;
	}
	bool is_root = strcmp(path, ".") == 0;
	if (!is_root)
		check_path(path);
	char parent[MAX_PATH];
	const char *slash = strrchr(path, '/');
	size_t plen = slash ? (size_t)(slash - path) : 0;
	memcpy(parent, path, plen);
	parent[plen] = '\0';
	const char *name = slash ? slash + 1 : path;
	struct timespec ts[2] = { { h->mtime_sec, h->mtime_nsec }, { h->mtime_sec, h->mtime_nsec } };

	if (h->op == OP_XATTR) {
		int dfd = open_dir(is_root ? "" : path);
		int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			fail("open: %s", strerror(errno));
		apply_xattrs(fd, xattrs, h->xattr_len);
		close(fd);
		close(dfd);
		return;
	}

	if (is_root) {
		/* The root's own entry ("./"): metadata only. */
		if (h->op != OP_DIR)
			bad("the root must be a directory");
		int rfd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rfd < 0)
			fail("open: %s", strerror(errno));
		owner_mode(rfd, h);
		apply_xattrs(rfd, xattrs, h->xattr_len);
		close(rfd);
		remember_dir(".", ts);
		return;
	}

	int pfd = open_dir(parent);
	bool keep = clear_for(pfd, name, h->op == OP_DIR);
	int fd;
	switch (h->op) {
	case OP_DIR:
		if (!keep && mkdirat(pfd, name, 0700))
			fail("mkdir: %s", strerror(errno));
		fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			refused("open: ", errno);
		owner_mode(fd, h);
		apply_xattrs(fd, xattrs, h->xattr_len);
		close(fd);
		remember_dir(path, ts);
		break;
	case OP_FILE:
		fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			fail("create: %s", strerror(errno));
		copy_data(fd, h->data_len);
		owner_mode(fd, h);
		apply_xattrs(fd, xattrs, h->xattr_len);
		if (futimens(fd, ts))
			fail("utimes: %s", strerror(errno));
		if (close(fd))
			fail("close: %s", strerror(errno));
		break;
	case OP_SYMLINK:
		/* The target is data: it is resolved inside the container, never here. */
		if (symlinkat(link, pfd, name))
			fail("symlink: %s", strerror(errno));
		if (fchownat(pfd, name, h->uid, h->gid, AT_SYMLINK_NOFOLLOW))
			fail("chown: %s", strerror(errno));
		utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
		break;
	case OP_HARDLINK: {
		check_path(link);
		int tfd = resolve(link, O_PATH | O_NOFOLLOW);
		if (tfd < 0) {
			char what[MAX_PATH + 32];
			snprintf(what, sizeof(what), "hard link to %s: ", link);
			refused(what, errno);
		}
		struct stat st;
		if (fstat(tfd, &st) || S_ISDIR(st.st_mode))
			bad("hard link to %s: a directory", link);
		if (linkat(tfd, "", pfd, name, AT_EMPTY_PATH))
			fail("hard link to %s: %s", link, strerror(errno));
		close(tfd);
		break;
	}
	case OP_NODE:
		if (!S_ISCHR(h->mode) && !S_ISBLK(h->mode) && !S_ISFIFO(h->mode))
			bad("not a device or fifo");
		if (mknodat(pfd, name, h->mode & (S_IFMT | 0777), makedev(h->rdev_major, h->rdev_minor)))
			fail("mknod: %s", strerror(errno));
		if (fchownat(pfd, name, h->uid, h->gid, AT_SYMLINK_NOFOLLOW))
			fail("chown: %s", strerror(errno));
		if (fchmodat(pfd, name, h->mode & 07777, 0))
			fail("chmod: %s", strerror(errno));
		utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
		break;
	default:
		bad("unknown request %u", h->op);
	}
	if (h->op != OP_FILE && h->data_len)
		skip_data(h->data_len);
	close(pfd);
}

int main(int argc, char **argv)
{
	const char *root = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strcmp(argv[i], "--in-root"))
			resolve_flags = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
		else if (!strcmp(argv[i], "--keep-kinds"))
			keep_kinds = true;
		else {
			fprintf(stderr, "usage: moorage-unpack --root DIR [--in-root] [--keep-kinds]\n");
			return 2;
		}
	}
	if (!root) {
		fprintf(stderr, "usage: moorage-unpack --root DIR [--in-root] [--keep-kinds]\n");
		return 2;
	}
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		printf("error system %s: %s\n", root, strerror(errno));
		return 1;
	}
	umask(0);
	/* A larger pipe means fewer round trips with the engine for big files (best effort). */
	fcntl(0, F_SETPIPE_SZ, 1 << 20);
	unsigned long n = 0;
	for (;;) {
		struct header h;
		ssize_t r = read(0, &h, 1);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fail("read: %s", strerror(errno));
		}
		read_full((char *)&h + 1, sizeof(h) - 1);
		h.mode = le32toh(h.mode), h.uid = le32toh(h.uid), h.gid = le32toh(h.gid);
		h.mtime_sec = (int64_t)le64toh((uint64_t)h.mtime_sec), h.mtime_nsec = le32toh(h.mtime_nsec);
		h.rdev_major = le32toh(h.rdev_major), h.rdev_minor = le32toh(h.rdev_minor);
		h.path_len = le32toh(h.path_len), h.link_len = le32toh(h.link_len);
		h.xattr_len = le32toh(h.xattr_len), h.data_len = le64toh(h.data_len);
		current = "";
		char *path = read_string(h.path_len, MAX_PATH - 1);
		char *link = read_string(h.link_len, MAX_PATH - 1);
		if (h.xattr_len > MAX_XATTRS)
			bad("xattrs too long");
		char *xattrs = malloc(h.xattr_len + 1);
		if (!xattrs)
			fail("out of memory");
		read_full(xattrs, h.xattr_len);
		entry(&h, path, link, xattrs);
		free(path);
		free(link);
		free(xattrs);
		n++;
	}
	printf("ok %lu\n", n);
	return 0;
}
