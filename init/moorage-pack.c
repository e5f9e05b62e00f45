/*
 * moorage-pack: reads a tree inside a directory without ever leaving it; moorage-unpack's
 * sibling for the other direction (`docker cp` out of a container, `docker export`, `docker
 * diff`).
 *
 * The path asked for is resolved by the kernel inside the root: with RESOLVE_IN_ROOT (a
 * container's root: its symlinks are followed as the container would see them, `..` and
 * absolute targets stay inside) or with RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS (--beneath: a
 * directory of the engine's own, such as a writable layer, where no symlink is followed at all).
 * Below the starting point the tree is walked through directory descriptors, opening one name
 * at a time with O_NOFOLLOW, so no symlink is ever followed there, whatever the container does
 * to its files meanwhile. A regular file is opened as O_PATH first and reopened for reading only
 * once it is known to be a regular file: a device node swapped in is never opened.
 *
 *   moorage-pack --root DIR [--beneath] [--follow] stat|list|pack PATH
 *
 * PATH is resolved inside the root. Without --follow its last component is not followed (lstat);
 * with it, it is (a path that ended in "/" or "/." for Docker). `stat` writes the record of PATH
 * only; `list` that record and, for a directory, one record per entry below it (parents before
 * children, names in byte order); `pack` the same with each regular file's content after its
 * record.
 *
 * Output on stdout, records of an 80-byte header (little-endian):
 *   u8 kind (1 entry, 0 end), u8 flags (1: opaque overlay directory), u16 0,
 *   u32 st_mode, u32 uid, u32 gid, u32 nlink, u32 rdev_major, u32 rdev_minor, u32 mtime_nsec,
 *   i64 mtime_sec, u64 dev, u64 ino, u64 size,
 *   u32 name_len, u32 link_len, u32 resolved_len, u32 xattr_len
 * then the name (relative to PATH, empty for PATH itself), the symlink's target, the resolved
 * path (for PATH's record only: where it leads inside the root after every symlink, as far as it
 * exists, like moby's FollowSymlinkInScope), the value of `security.capability`, and for `pack`
 * a regular file's `size` bytes (zero-padded if it shrank meanwhile). The last record is an end
 * record whose name is "ok", or "error KIND PATH: MESSAGE" with KIND one of notfound, loop,
 * notdir, input, system (then the exit status is 1).
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
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

struct header {
	uint8_t kind, flags;
	uint16_t pad;
	uint32_t mode, uid, gid, nlink, rdev_major, rdev_minor, mtime_nsec;
	int64_t mtime_sec;
	uint64_t dev, ino, size;
	uint32_t name_len, link_len, resolved_len, xattr_len;
} __attribute__((packed));

_Static_assert(sizeof(struct header) == 80, "header layout");

enum op { OP_STAT, OP_LIST, OP_PACK };

#define MAX_LINKS 255
#define MAX_NAME (1 << 16)
#define FLAG_OPAQUE 1

static int root_fd = -1;
static uint64_t resolve_flags = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
static enum op op;
static const char *asked = "";

static void put(const void *buf, size_t n)
{
	if (n && fwrite(buf, 1, n, stdout) != n)
		exit(1); /* the reader went away: nothing to report to */
}

/* Ends the output with an error record and exits. */
__attribute__((noreturn, format(printf, 2, 3)))
static void die(const char *kind, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(msg, sizeof(msg), "error %s %s: ", kind, *asked ? asked : "/");
	if (n > 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	struct header h = { .kind = 0, .name_len = htole32((uint32_t)strlen(msg)) };
	put(&h, sizeof(h));
	put(msg, strlen(msg));
	fflush(stdout);
	exit(1);
}

/* A failed resolution of the path asked for, classified for the engine's answer. */
__attribute__((noreturn))
static void refused(int err)
{
	if (err == ENOENT)
		die("notfound", "no such file or directory");
	if (err == ELOOP)
		die("loop", "too many levels of symbolic links");
	if (err == ENOTDIR)
		die("notdir", "not a directory");
	if (err == EXDEV)
		die("input", "the path leaves the root");
	if (err == ENAMETOOLONG)
		die("input", "file name too long");
	die("system", "%s", strerror(err));
}

static int resolve(const char *path, uint64_t flags)
{
	struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = resolve_flags };
	for (int tries = 0;; tries++) {
		int fd = (int)syscall(SYS_openat2, root_fd, *path ? path : ".", &how, sizeof(how));
		/* EAGAIN: a rename raced the resolution (the kernel asks for a retry). */
		if (fd >= 0 || errno != EAGAIN || tries == 16)
			return fd;
	}
}

/* A growable string. */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			die("system", "out of memory");
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/*
 * Where `path` leads inside the root once every symlink is followed, as far as it exists (moby's
 * FollowSymlinkInScope): missing components are kept as they are. Each prefix is opened through
 * the root with the kernel's resolution, so only the root's own symlinks are read.
 */
static char *scope_resolve(const char *path)
{
	struct buf todo = { 0 }, done = { 0 };
	buf_add(&todo, path, strlen(path));
	buf_add(&done, "", 0);
	int links = 0;
	size_t pos = 0;
	while (pos < todo.len) {
		char *s = todo.p + pos;
		char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);
		pos += n + (*e ? 1 : 0);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *slash = strrchr(done.p, '/');
			done.len = slash ? (size_t)(slash - done.p) : 0;
			done.p[done.len] = '\0';
			continue;
		}
		size_t before = done.len;
		buf_add(&done, "/", 1);
		buf_add(&done, s, n);
		int fd = resolve(done.p + 1, O_PATH | O_NOFOLLOW);
		if (fd < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue; /* kept as written */
			refused(errno);
		}
		struct stat st;
		if (fstat(fd, &st))
			die("system", "stat: %s", strerror(errno));
		if (!S_ISLNK(st.st_mode)) {
			close(fd);
			continue;
		}
		if (++links > MAX_LINKS)
			refused(ELOOP);
		char target[4096];
		ssize_t tl = readlinkat(fd, "", target, sizeof(target) - 1);
		close(fd);
		if (tl < 0)
			die("system", "readlink: %s", strerror(errno));
		target[tl] = '\0';
		done.len = target[0] == '/' ? 0 : before;
		done.p[done.len] = '\0';
		/* The link's target replaces the component: it is walked next. */
		struct buf next = { 0 };
		buf_add(&next, target, (size_t)tl);
		buf_add(&next, "/", 1);
		buf_add(&next, todo.p + pos, todo.len - pos);
		free(todo.p);
		todo = next;
		pos = 0;
	}
	free(todo.p);
	if (done.len == 0)
		buf_add(&done, "/", 1);
	return done.p;
}

static bool opaque(int dirfd)
{
	char v[2];
	return fgetxattr(dirfd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y';
}

static void emit(const char *name, const struct stat *st, uint8_t flags, const char *link, const char *resolved,
		 const char *xattr, size_t xattr_len)
{
	struct header h = {
		.kind = 1,
		.flags = flags,
		.mode = htole32(st->st_mode),
		.uid = htole32(st->st_uid),
		.gid = htole32(st->st_gid),
		.nlink = htole32((uint32_t)st->st_nlink),
		.rdev_major = htole32(major(st->st_rdev)),
		.rdev_minor = htole32(minor(st->st_rdev)),
		.mtime_nsec = htole32((uint32_t)st->st_mtim.tv_nsec),
		.mtime_sec = (int64_t)htole64((uint64_t)st->st_mtim.tv_sec),
		.dev = htole64(st->st_dev),
		.ino = htole64(st->st_ino),
		.size = htole64((uint64_t)st->st_size),
		.name_len = htole32((uint32_t)strlen(name)),
		.link_len = htole32((uint32_t)strlen(link)),
		.resolved_len = htole32((uint32_t)strlen(resolved)),
		.xattr_len = htole32((uint32_t)xattr_len),
	};
	put(&h, sizeof(h));
	put(name, strlen(name));
	put(link, strlen(link));
	put(resolved, strlen(resolved));
	put(xattr, xattr_len);
}

/* Exactly `size` bytes of the open file: what it holds, then zeros if it shrank. */
static void copy_content(int fd, uint64_t size)
{
	static char data[1 << 16];
	while (size) {
		size_t want = size < sizeof(data) ? (size_t)size : sizeof(data);
		ssize_t r = read(fd, data, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("system", "read: %s", strerror(errno));
		if (r == 0) {
			memset(data, 0, want);
			r = (ssize_t)want;
		}
		put(data, (size_t)r);
		size -= (uint64_t)r;
	}
}

/*
 * One non-directory entry, `fd` its O_PATH descriptor. Returns false when it vanished or
 * changed between the two looks (it is then left out, as moby leaves out files that go away
 * while it archives a running container).
 */
static bool entry(const char *name, int fd, const struct stat *st, const char *resolved)
{
	if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t tl = readlinkat(fd, "", target, sizeof(target) - 1);
		if (tl < 0)
			return false;
		target[tl] = '\0';
		emit(name, st, 0, target, resolved, "", 0);
		return true;
	}
	if (!S_ISREG(st->st_mode) || op == OP_STAT || op == OP_LIST) {
		emit(name, st, 0, "", resolved, "", 0);
		return true;
	}
	/* Reopened through our own descriptor: the same inode, checked to be a regular file. */
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	int rfd = open(self, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (rfd < 0)
		return false;
	struct stat now;
	if (fstat(rfd, &now) || now.st_ino != st->st_ino || now.st_dev != st->st_dev || !S_ISREG(now.st_mode)) {
		close(rfd);
		return false;
	}
	char cap[256];
	ssize_t cl = fgetxattr(rfd, "security.capability", cap, sizeof(cap));
	emit(name, &now, 0, "", resolved, cap, cl > 0 ? (size_t)cl : 0);
	copy_content(rfd, (uint64_t)now.st_size);
	close(rfd);
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every entry below the open directory `dirfd`, whose path relative to PATH is `prefix`. */
static void walk(int dirfd, const char *prefix)
{
	int lfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lfd < 0)
		die("system", "open %s: %s", prefix, strerror(errno));
	DIR *d = fdopendir(lfd);
	if (!d)
		die("system", "opendir %s: %s", prefix, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	for (struct dirent *de; (de = readdir(d));) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				die("system", "out of memory");
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(prefix), nlen = strlen(names[i]);
		if (plen + nlen + 2 > MAX_NAME)
			die("input", "a path below it is longer than %d bytes", MAX_NAME);
		char *path = malloc(plen + nlen + 2);
		if (!path)
			die("system", "out of memory");
		memcpy(path, prefix, plen);
		if (plen)
			path[plen++] = '/';
		memcpy(path + plen, names[i], nlen + 1);
		int fd = openat(dirfd, names[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && !fstat(fd, &st)) {
			if (S_ISDIR(st.st_mode)) {
				int sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sub >= 0 && !fstat(sub, &st)) {
					emit(path, &st, opaque(sub) ? FLAG_OPAQUE : 0, "", "", "", 0);
					walk(sub, path);
				}
				if (sub >= 0)
					close(sub);
			} else {
				entry(path, fd, &st, "");
			}
		} else if (fd < 0 && errno != ENOENT && errno != ENOTDIR) {
			die("system", "open %s: %s", path, strerror(errno));
		}
		if (fd >= 0)
			close(fd);
		free(path);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *root = NULL, *opname = NULL;
	bool follow = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strcmp(argv[i], "--beneath"))
			resolve_flags = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
		else if (!strcmp(argv[i], "--follow"))
			follow = true;
		else if (!opname)
			opname = argv[i];
		else if (!*asked)
			asked = argv[i];
		else
			opname = NULL, i = argc;
	}
	if (!root || !opname || !*asked) {
		fprintf(stderr, "usage: moorage-pack --root DIR [--beneath] [--follow] stat|list|pack PATH\n");
		return 2;
	}
	if (!strcmp(opname, "stat"))
		op = OP_STAT;
	else if (!strcmp(opname, "list"))
		op = OP_LIST;
	else if (!strcmp(opname, "pack"))
		op = OP_PACK;
	else {
		fprintf(stderr, "moorage-pack: unknown operation %s\n", opname);
		return 2;
	}
	static char out[1 << 16];
	setvbuf(stdout, out, _IOFBF, sizeof(out));
	/* One descriptor per level of a deep tree. */
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		die("system", "open root %s: %s", root, strerror(errno));

	/* The path without its leading slashes: inside the root, "/x" and "x" are the same place. */
	const char *rel = asked;
	while (*rel == '/')
		rel++;
	char *resolved = scope_resolve(rel);
	int fd;
	struct stat st;
	const char *slash = strrchr(rel, '/');
	if (follow || !*rel) {
		fd = resolve(rel, O_PATH);
	} else {
		/* lstat: the parent is resolved, the last component is looked at, not followed. */
		char *parent = strndup(rel, slash ? (size_t)(slash - rel) : 0);
		int pfd = resolve(parent, O_PATH | O_DIRECTORY);
		if (pfd < 0)
			refused(errno);
		fd = openat(pfd, slash ? slash + 1 : rel, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		close(pfd);
		free(parent);
	}
	if (fd < 0)
		refused(errno);
	if (fstat(fd, &st))
		die("system", "stat: %s", strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			die("system", "open: %s", strerror(errno));
		emit("", &st, opaque(dfd) ? FLAG_OPAQUE : 0, "", resolved, "", 0);
		if (op != OP_STAT)
			walk(dfd, "");
		close(dfd);
	} else if (!entry("", fd, &st, resolved)) {
		die("notfound", "the file changed while it was read");
	}
	close(fd);
	struct header end = { .kind = 0, .name_len = htole32(2) };
	put(&end, sizeof(end));
	put("ok", 2);
	if (fflush(stdout))
		return 1;
	return 0;
}
