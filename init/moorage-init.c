/*
 * moorage-init: the init moorage runs as PID 1 inside containers.
 *
 * It keeps tini's command line, environment and exit codes so it drops in
 * where tini is used.  Its addition is drain mode (the default): a stop signal
 * goes to every process of the PID namespace, and the init stays alive until
 * the namespace is empty, so the kernel never SIGKILLs a process that is still
 * cleaning up when PID 1 exits.  --no-drain (MOORAGE_INIT_DRAIN=0) gives
 * exactly tini's behaviour.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NAME "moorage-init"
#define VERSION "0.1.0"
#define VERSION_LINE NAME " " VERSION " (tini version 0.19.0 compatible)"

enum { L_FATAL, L_WARN, L_INFO, L_DEBUG, L_TRACE };

static int verbosity = 1; /* tini's default: warnings only */
static bool subreaper, kill_group, warn_on_reap, drain = true;
static int pdeath_sig, stop_sig;
static double drain_timeout = 10;
static const char *report_path;
static int report_fd = -1;
static bool remap[256];

static const struct { const char *name; int num; } signames[] = {
	{"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"ILL", SIGILL},
	{"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"BUS", SIGBUS}, {"FPE", SIGFPE},
	{"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
	{"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"CHLD", SIGCHLD},
	{"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
	{"TTOU", SIGTTOU}, {"URG", SIGURG}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
	{"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"SYS", SIGSYS},
};

static void logmsg(int level, const char *fmt, ...)
{
	static const char *tags[] = {"FATAL", "WARN ", "INFO ", "DEBUG", "TRACE"};
	if (level > verbosity && level != L_FATAL)
		return;
	/* Like tini: problems on stderr, chatter on stdout. */
	FILE *f = level <= L_WARN ? stderr : stdout;
	va_list ap;
	va_start(ap, fmt);
	fprintf(f, "[%s %s (%d)] ", tags[level], NAME, (int)getpid());
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	va_end(ap);
}

/* Names only, with or without the SIG prefix; numbers only when allowed
 * (tini rejects `-p 9`, so -p passes allow_num=false). */
static int parse_signal(const char *s, bool allow_num)
{
	if (allow_num && isdigit((unsigned char)*s)) {
		char *end;
		long n = strtol(s, &end, 10);
		return (*end == 0 && n > 0 && n <= SIGRTMAX) ? (int)n : 0;
	}
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof signames / sizeof signames[0]; i++)
		if (strcmp(s, signames[i].name) == 0)
			return signames[i].num;
	return 0;
}

static void report(const char *fmt, ...)
{
	if (report_fd < 0)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char line[256];
	int n = snprintf(line, sizeof line, "%lld ", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	/* One write per line so that O_APPEND keeps lines whole even if the
	 * engine or another writer appends to the same file. */
	if (write(report_fd, line, n) != n)
		logmsg(L_DEBUG, "writing the report failed: %s", strerror(errno));
}

static void usage(FILE *f)
{
	fprintf(f,
		"%s\n"
		"Usage: %s [OPTIONS] [--] PROGRAM [ARGS] | --version\n\n"
		"Execute a program under the supervision of a valid init process (%s)\n\n"
		"Command line options:\n\n"
		"  --version: Show version and exit.\n"
		"  -h: Show this help message and exit.\n"
		"  -s: Register as a process subreaper (requires Linux >= 3.4).\n"
		"  -p SIGNAL: Trigger SIGNAL when parent dies, e.g. \"-p SIGKILL\".\n"
		"  -v: Generate more verbose output. Repeat up to 3 times.\n"
		"  -w: Print a warning when processes are getting reaped.\n"
		"  -g: Send signals to the child's process group.\n"
		"  -e EXIT_CODE: Remap EXIT_CODE (from 0 to 255) to 0 (can be repeated).\n"
		"  -l: Show license and exit.\n"
		"  --no-drain: Behave exactly like tini: forward stop signals to the child only and\n"
		"      exit as soon as the child exits.\n"
		"  --stop-signal SIGNAL: An extra stop signal (name or number) besides TERM, INT and QUIT;\n"
		"      also the signal sent to leftover processes when the child exits (default SIGTERM).\n"
		"  --drain-timeout SECONDS: How long leftover processes may take to exit after the\n"
		"      child exited before they are SIGKILLed (default 10; 0 = no wait).\n"
		"  --report PATH: Append one line per signal delivery and reaped process to PATH.\n\n"
		"Environment variables:\n\n"
		"  TINI_SUBREAPER: Register as a process subreaper (requires Linux >= 3.4).\n"
		"  TINI_VERBOSITY: Set the verbosity level (default: 1).\n"
		"  TINI_KILL_PROCESS_GROUP: Send signals to the child's process group.\n"
		"  MOORAGE_INIT_DRAIN=0: Same as --no-drain.\n"
		"  MOORAGE_INIT_STOP_SIGNAL, MOORAGE_INIT_DRAIN_TIMEOUT, MOORAGE_INIT_REPORT:\n"
		"      Defaults for --stop-signal, --drain-timeout and --report.\n\n",
		VERSION_LINE, NAME, NAME);
}

static bool set_drain_timeout(const char *s)
{
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (errno || end == s || *end || !(d >= 0) || d > 1e9)
		return false;
	drain_timeout = d;
	return true;
}

/* Environment first, so the command line overrides it. */
static int parse_env(void)
{
	const char *v;
	if (getenv("TINI_SUBREAPER"))
		subreaper = true;
	if (getenv("TINI_KILL_PROCESS_GROUP"))
		kill_group = true;
	if ((v = getenv("TINI_VERBOSITY")))
		verbosity = atoi(v);
	if ((v = getenv("MOORAGE_INIT_DRAIN")) && strcmp(v, "0") == 0)
		drain = false;
	if ((v = getenv("MOORAGE_INIT_STOP_SIGNAL")) && *v && !(stop_sig = parse_signal(v, true))) {
		logmsg(L_FATAL, "Not a valid signal in MOORAGE_INIT_STOP_SIGNAL: %s", v);
		return 1;
	}
	if ((v = getenv("MOORAGE_INIT_DRAIN_TIMEOUT")) && *v && !set_drain_timeout(v)) {
		logmsg(L_FATAL, "Not a valid MOORAGE_INIT_DRAIN_TIMEOUT: %s", v);
		return 1;
	}
	if ((v = getenv("MOORAGE_INIT_REPORT")) && *v)
		report_path = v;
	return 0;
}

/* Returns -1 to go on, or the exit code. */
static int parse_args(int argc, char **argv)
{
	enum { O_VERSION = 256, O_NO_DRAIN, O_STOP_SIGNAL, O_DRAIN_TIMEOUT, O_REPORT };
	static const struct option longopts[] = {
		{"version", no_argument, 0, O_VERSION},
		{"no-drain", no_argument, 0, O_NO_DRAIN},
		{"stop-signal", required_argument, 0, O_STOP_SIGNAL},
		{"drain-timeout", required_argument, 0, O_DRAIN_TIMEOUT},
		{"report", required_argument, 0, O_REPORT},
		{0, 0, 0, 0},
	};
	int c;
	char *end;
	/* "+": stop at the program name, so `moorage-init sh -c ...` never takes
	 * the program's options as its own.  Every valid tini command line parses
	 * the same way. */
	while ((c = getopt_long(argc, argv, "+hsp:vwgle:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return 0;
		case 's': subreaper = true; break;
		case 'v': verbosity++; break;
		case 'w': warn_on_reap = true; break;
		case 'g': kill_group = true; break;
		case 'l':
			puts(NAME " is licensed under the Apache License, Version 2.0 "
			     "(https://www.apache.org/licenses/LICENSE-2.0).");
			return 0;
		case 'p':
			if (!(pdeath_sig = parse_signal(optarg, false))) {
				logmsg(L_FATAL, "Not a valid option for -p: %s", optarg);
				return 1;
			}
			break;
		case 'e': {
			long n = strtol(optarg, &end, 10);
			if (!*optarg || *end || n < 0 || n > 255) {
				logmsg(L_FATAL, "Not a valid option for -e: %s", optarg);
				return 1;
			}
			remap[n] = true;
			break;
		}
		case O_VERSION: puts(VERSION_LINE); return 0;
		case O_NO_DRAIN: drain = false; break;
		case O_STOP_SIGNAL:
			if (!(stop_sig = parse_signal(optarg, true))) {
				logmsg(L_FATAL, "Not a valid option for --stop-signal: %s", optarg);
				return 1;
			}
			break;
		case O_DRAIN_TIMEOUT:
			if (!set_drain_timeout(optarg)) {
				logmsg(L_FATAL, "Not a valid option for --drain-timeout: %s", optarg);
				return 1;
			}
			break;
		case O_REPORT: report_path = optarg; break;
		default: usage(stderr); return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	return -1;
}

static bool is_stop_signal(int sig)
{
	return sig == SIGTERM || sig == SIGINT || sig == SIGQUIT || sig == stop_sig;
}

/*
 * The fields of /proc/PID/stat after the command name ("state ppid ..."), read into buf, or
 * NULL when the process is gone.  The name may hold spaces and parentheses: the fields start
 * after the last ')'.
 */
static const char *stat_fields(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ssize_t len = read(fd, buf, size - 1);
	close(fd);
	if (len <= 0)
		return NULL;
	buf[len] = 0;
	char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' ? rp + 2 : NULL;
}

/*
 * Signals every descendant of the init.  Outside PID 1 this is the only safe
 * "everyone": kill(-1) from a host process run as root would hit the whole
 * machine.  One pass, like kill(-1): a process forked after the listing by an
 * already-signalled parent is most likely part of its shutdown and must not be
 * signalled.  (SIGKILL passes repeat on every tick until nothing is left.)
 */
static void signal_descendants(int sig)
{
	DIR *d = opendir("/proc");
	if (!d) {
		logmsg(L_WARN, "Cannot read /proc: %s", strerror(errno));
		return;
	}
	pid_t *pid = NULL, *ppid = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char buf[512];
		pid_t p = atoi(e->d_name);
		const char *f = stat_fields(p, buf, sizeof buf);
		int pp;
		if (!f || sscanf(f, "%*c %d", &pp) != 1)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			pid = realloc(pid, cap * sizeof *pid);
			ppid = realloc(ppid, cap * sizeof *ppid);
			if (!pid || !ppid)
				abort();
		}
		pid[n] = p;
		ppid[n++] = pp;
	}
	closedir(d);

	/* Mark descendants until a sweep adds nothing; quadratic, but a
	 * container's process table is small. */
	bool *mark = calloc(n + 1, sizeof *mark);
	if (!mark)
		abort();
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < n; i++) {
			bool m = !mark[i] && ppid[i] == getpid();
			for (size_t j = 0; !mark[i] && !m && j < n; j++)
				m = mark[j] && pid[j] == ppid[i];
			if (m)
				mark[i] = changed = true;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (mark[i] && kill(pid[i], sig) && errno != ESRCH)
			logmsg(L_WARN, "kill(%d, %d) failed: %s", (int)pid[i], sig, strerror(errno));
	free(mark);
	free(pid);
	free(ppid);
}

/*
 * As PID 1: whether any process besides the init is alive in the namespace.  Processes
 * started into it from outside (`docker exec`) are not our children, so waitpid never sees
 * them; /proc (the namespace's own) does.  Zombies count as gone.  Each one seen alive and
 * then gone is reported (`gone <pid>`), as no reap will ever tell of it.
 */
#define STRANGERS_MAX 256
static pid_t strangers_seen[STRANGERS_MAX];
static size_t strangers_n;

static bool others_alive(void)
{
	DIR *d = opendir("/proc");
	if (!d)
		return false;
	pid_t now_alive[STRANGERS_MAX];
	size_t n = 0;
	bool found = false;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]) || atoi(e->d_name) == getpid())
			continue;
		char buf[512];
		const char *f = stat_fields(atoi(e->d_name), buf, sizeof buf);
		if (f && f[0] != 'Z') {
			found = true;
			if (n < STRANGERS_MAX)
				now_alive[n++] = atoi(e->d_name);
		}
	}
	closedir(d);
	for (size_t i = 0; i < strangers_n; i++) {
		bool still = false;
		for (size_t j = 0; !still && j < n; j++)
			still = now_alive[j] == strangers_seen[i];
		if (!still)
			report("gone %d", (int)strangers_seen[i]);
	}
	memcpy(strangers_seen, now_alive, n * sizeof *now_alive);
	strangers_n = n;
	return found;
}

static bool is_reaper(void)
{
	int bit = 0;
	return getpid() == 1 || (prctl(PR_GET_CHILD_SUBREAPER, &bit) == 0 && bit);
}

/* Every process of the namespace (PID 1) or every descendant (subreaper). */
static void signal_all(int sig)
{
	logmsg(L_DEBUG, "Delivering signal '%s' to all processes", strsignal(sig));
	if (sig == SIGKILL)
		report("sigkill all");
	else
		report("signal %d all", sig);
	if (getpid() == 1) {
		if (kill(-1, sig) && errno != ESRCH)
			logmsg(L_WARN, "kill(-1, %d) failed: %s", sig, strerror(errno));
	} else {
		signal_descendants(sig);
	}
}

static void forward(int sig, pid_t child)
{
	pid_t target = kill_group ? -child : child;
	logmsg(L_DEBUG, "Passing signal: '%s'", strsignal(sig));
	report("forward %d %d", sig, (int)target);
	if (kill(target, sig)) {
		if (errno == ESRCH)
			logmsg(L_WARN, "Child was dead when forwarding signal");
		else
			logmsg(L_WARN, "Forwarding signal %d failed: %s", sig, strerror(errno));
	}
}

static pid_t spawn(char **argv, const sigset_t *mask, const struct sigaction *ttin,
		   const struct sigaction *ttou)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* A process group of its own, in the foreground of the terminal if there
	 * is one.  Doing it here rather than in the parent avoids a race when an
	 * init runs another init.  TTOU is still ignored, so tcsetpgrp from a
	 * background group does not stop us. */
	if (setpgid(0, 0))
		logmsg(L_WARN, "setpgid failed: %s", strerror(errno));
	if (isatty(STDIN_FILENO) && tcsetpgrp(STDIN_FILENO, getpgrp()))
		logmsg(L_DEBUG, "tcsetpgrp failed: %s (ok to proceed)", strerror(errno));
	/* The child must see the signal state our caller gave us, not ours. */
	sigprocmask(SIG_SETMASK, mask, NULL);
	sigaction(SIGTTIN, ttin, NULL);
	sigaction(SIGTTOU, ttou, NULL);
	execvp(argv[0], argv);
	int err = errno;
	logmsg(L_FATAL, "exec %s failed: %s", argv[0], strerror(err));
	/* _exit: stdio buffers are a copy of the parent's and must not be flushed twice. */
	_exit(err == ENOENT ? 127 : err == EACCES ? 126 : 1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	/* Block the signals to collect before anything else: as a namespace's PID 1 the kernel
	 * drops a signal this process neither handles nor blocks, so a stop that arrives while it
	 * parses its arguments would be lost.  The full set is refined below. */
	sigset_t early;
	sigfillset(&early);
	int sync_signals[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS};
	for (size_t i = 0; i < sizeof sync_signals / sizeof sync_signals[0]; i++)
		sigdelset(&early, sync_signals[i]);
	sigset_t original;
	sigprocmask(SIG_SETMASK, &early, &original);

	/* Line-buffered, so that -v output interleaves with the child's. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		puts(VERSION_LINE);
		return 0;
	}
	if (parse_env())
		return 1;
	int rc = parse_args(argc, argv);
	if (rc >= 0)
		return rc;
	char **child_argv = argv + optind;
	if (!stop_sig)
		stop_sig = SIGTERM;

	/* The report is an aid for the engine; losing it must not stop the container. */
	if (report_path && (report_fd = open(report_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0)
		logmsg(L_WARN, "Cannot open report file %s: %s", report_path, strerror(errno));

	/* Everything is collected by sigtimedwait except the synchronous signals,
	 * which must keep their default action so a real fault in the init is not
	 * swallowed.  TTIN/TTOU are ignored rather than collected: the child may own
	 * the terminal, and the init must not stop when it writes a log line. */
	sigset_t waitset, child_mask;
	struct sigaction ign = {.sa_handler = SIG_IGN}, child_ttin, child_ttou;
	sigfillset(&waitset);
	int unblocked[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS, SIGTTIN, SIGTTOU};
	for (size_t i = 0; i < sizeof unblocked / sizeof unblocked[0]; i++)
		sigdelset(&waitset, unblocked[i]);
	sigprocmask(SIG_SETMASK, &waitset, NULL);
	child_mask = original; /* the child gets the mask the init was started with */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGTTIN, &ign, &child_ttin);
	sigaction(SIGTTOU, &ign, &child_ttou);

	if (pdeath_sig && prctl(PR_SET_PDEATHSIG, pdeath_sig)) {
		logmsg(L_FATAL, "Failed to set up parent death signal: %s", strerror(errno));
		return 1;
	}
	if (subreaper && getpid() != 1) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1)) {
			logmsg(L_FATAL, "Failed to register as child subreaper: %s", strerror(errno));
			return 1;
		}
		logmsg(L_TRACE, "Registered as child subreaper");
	}
	/* Read back rather than trusting -s: a wrapper may have set the bit before exec. */
	bool reaper = is_reaper();
	if (!reaper)
		logmsg(L_WARN, NAME " is not running as PID 1 and isn't registered as a child subreaper.\n"
		       "Zombie processes will not be re-parented to " NAME ", so zombie reaping won't work.\n"
		       "To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER "
		       "to register " NAME " as a child subreaper, or run " NAME " as PID 1.");
	/* Draining needs to see the leftovers; without reaping they are not ours. */
	bool draining = drain && reaper;

	pid_t child = spawn(child_argv, &child_mask, &child_ttin, &child_ttou);
	if (child < 0) {
		logmsg(L_FATAL, "fork failed: %s", strerror(errno));
		return 1;
	}
	logmsg(L_INFO, "Spawned child process '%s' with pid '%i'", child_argv[0], (int)child);

	int exit_code = -1;
	bool stopping = false;    /* a stop signal went to everyone */
	double deadline = -1;     /* drain limit, once the main child exited by itself */
	bool killed = false;
	bool strangers = false;   /* no children left, but processes exec'd into the namespace */
	for (;;) {
		struct timespec ts = {1, 0};
		/* They send no SIGCHLD: look at /proc often while waiting for them. */
		if (strangers)
			ts = (struct timespec){0, 20 * 1000 * 1000};
		if (deadline >= 0 && !killed && !strangers) {
			double left = deadline - now();
			if (left < 0)
				left = 0;
			if (left < 1)
				ts = (struct timespec){0, (long)(left * 1e9)};
		}
		siginfo_t si;
		int sig = sigtimedwait(&waitset, &si, &ts);
		if (sig == SIGCHLD) {
			logmsg(L_DEBUG, "Received SIGCHLD");
		} else if (sig > 0) {
			if (draining && is_stop_signal(sig)) {
				stopping = true;
				signal_all(sig);
			} else if (exit_code < 0) {
				forward(sig, child);
			} else {
				logmsg(L_DEBUG, "Dropping signal '%s': the child has exited", strsignal(sig));
			}
		}

		bool none_left = false;
		for (;;) {
			int status;
			pid_t pid = waitpid(-1, &status, WNOHANG);
			if (pid < 0) {
				none_left = true; /* ECHILD; EINTR cannot happen with all blocked */
				break;
			}
			if (pid == 0)
				break;
			bool exited = WIFEXITED(status);
			int code = exited ? WEXITSTATUS(status) : WTERMSIG(status);
			report("reaped %d %s %d", (int)pid, exited ? "exited" : "signaled", code);
			logmsg(L_DEBUG, "Reaped child with pid: '%i'", (int)pid);
			if (pid != child) {
				if (warn_on_reap)
					logmsg(L_WARN, "Reaped zombie process with pid=%i", (int)pid);
				continue;
			}
			report("main %d %s %d", (int)pid, exited ? "exited" : "signaled", code);
			if (exited) {
				logmsg(L_INFO, "Main child exited normally (with status '%i')", code);
				exit_code = code;
			} else {
				logmsg(L_INFO, "Main child exited with signal (with signal '%s')", strsignal(code));
				exit_code = 128 + code;
			}
			exit_code %= 256;
			if (remap[exit_code])
				exit_code = 0;
		}

		if (exit_code < 0)
			continue;
		if (!draining)
			break;
		if (none_left) {
			strangers = getpid() == 1 && others_alive();
			if (!strangers)
				break;
		}
		if (!stopping && deadline < 0) {
			/* The main child ended by itself: give the rest a bounded drain. */
			signal_all(stop_sig);
			deadline = now() + drain_timeout;
		}
		/* Repeat the SIGKILL on each tick in case something forked meanwhile. */
		if (deadline >= 0 && now() >= deadline && (!killed || sig < 0)) {
			signal_all(SIGKILL);
			killed = true;
		}
	}
	logmsg(L_TRACE, "Exiting: child has exited");
	return exit_code;
}
