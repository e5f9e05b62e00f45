/**
 * Seccomp filters for the OCI spec. The default is an allow-list with the same effect as
 * Docker's default profile: everything a normal program needs; the syscalls that reach the
 * kernel's global state (mounts, namespaces, modules, the clock, tracing) only for a process
 * that holds the capability for them; any other syscall fails with EPERM. Profiles in Docker's
 * format (`--security-opt seccomp=<json>`, with `archMap`, `includes`/`excludes`) are turned
 * into the runtime's format for the container's capabilities and the host's architecture.
 * @module
 */
import { InvalidParameter } from '../errors.ts';

/** One rule of a profile in Docker's format. */
export interface SeccompRule {
  names: string[];
  action: string;
  args?: { index: number; value: number; valueTwo?: number; op: string }[] | null;
  errnoRet?: number;
  comment?: string;
  includes?: { caps?: string[]; arches?: string[]; minKernel?: string } | null;
  excludes?: { caps?: string[]; arches?: string[]; minKernel?: string } | null;
}

/** A profile in Docker's format (an OCI-format profile is one without `archMap` and conditions). */
export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures: string[] | null }[] | null;
  syscalls?: SeccompRule[] | null;
  [other: string]: unknown;
}

const words = (s: string) => s.trim().split(/\s+/);

/** What any process may call. */
const ALWAYS = words(`
  accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown chown32 clock_adjtime
  clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep
  clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3 epoll_create
  epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2
  execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir
  fchmod fchmodat fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork
  fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex
  futex_time64 futex_waitv futimesat getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32
  getgid getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority
  getrandom getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage getsid
  getsockname getsockopt get_thread_area gettid gettimeofday getuid getuid32 getxattr inotify_add_watch
  inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy io_getevents io_pgetevents
  io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit io_uring_enter io_uring_register
  io_uring_setup ipc kill landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32
  lgetxattr link linkat listen listxattr llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64
  madvise membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap
  mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend
  mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock munlockall munmap
  name_to_handle_at nanosleep newfstatat _newselect open openat openat2 pause pidfd_open pidfd_send_signal
  pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2
  prlimit64 process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink
  readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages removexattr rename
  renameat renameat2 restart_syscall rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo
  rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity
  sched_getattr sched_getparam sched_get_priority_max sched_get_priority_min sched_getscheduler
  sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam
  sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop semtimedop_time64 send
  sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32
  setgroups setgroups32 setitimer setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid
  setresuid32 setreuid setreuid32 setrlimit set_robust_list setsid setsockopt set_thread_area
  set_tid_address setuid setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4
  sigprocmask sigreturn socketcall socketpair splice stat stat64 statfs statfs64 statx symlink symlinkat
  sync sync_file_range syncfs sysinfo tee tgkill time timer_create timer_delete timer_getoverrun
  timer_gettime timer_gettime64 timer_settime timer_settime64 timerfd_create timerfd_gettime
  timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate truncate64 ugetrlimit umask uname
  unlink unlinkat utime utimensat utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid write writev
  process_vm_readv process_vm_writev ptrace`);

/** Syscalls a capability unlocks. */
const BY_CAPABILITY: Record<string, string[]> = {
  CAP_SYS_ADMIN: words(`bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie mount
    mount_setattr move_mount open_tree perf_event_open quotactl quotactl_fd setdomainname sethostname setns
    syslog umount umount2 unshare`),
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_CHROOT: ['chroot'],
  CAP_SYS_MODULE: ['delete_module', 'init_module', 'finit_module'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_PTRACE: ['kcmp', 'pidfd_getfd', 'process_madvise'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_SYS_TIME: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64'],
  CAP_SYS_TTY_CONFIG: ['vhangup'],
  CAP_SYS_NICE: ['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node'],
  CAP_SYSLOG: ['syslog'],
  CAP_BPF: ['bpf'],
  CAP_PERFMON: ['perf_event_open'],
};

/** Syscalls of one architecture (Docker's names for them). */
const BY_ARCH: [string[], string[]][] = [
  [['amd64', 'x32'], ['arch_prctl']],
  [['amd64', 'x32', 'x86'], ['modify_ldt']],
  [['arm', 'arm64'], words('arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls')],
  [['ppc64le'], ['sync_file_range2', 'swapcontext']],
  [['s390', 's390x'], ['s390_pci_mmio_read', 's390_pci_mmio_write', 's390_runtime_instr']],
  [['riscv64'], ['riscv_flush_icache']],
];

/** The namespace flags of clone(2): without CAP_SYS_ADMIN, a clone may set none of them. */
const CLONE_NAMESPACE_FLAGS = 0x7e020000;
/** personality(2) values a program may ask for: Linux, UNAME26, and their PER_LINUX32 forms, and a query. */
const PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];
/** AF_VSOCK: reaches the host around the network namespace. */
const AF_VSOCK = 40;

/** The host's architectures as seccomp and Docker name them, by Node's `process.arch`. */
const ARCHES: Record<string, { docker: string; scmp: string[] }> = {
  x64: { docker: 'amd64', scmp: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
  arm64: { docker: 'arm64', scmp: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] },
  s390x: { docker: 's390x', scmp: ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390'] },
  ppc64: { docker: 'ppc64le', scmp: ['SCMP_ARCH_PPC64LE'] },
  riscv64: { docker: 'riscv64', scmp: ['SCMP_ARCH_RISCV64'] },
};

/** The default profile, in Docker's format. */
export function defaultProfile(): SeccompProfile {
  const allow = (names: string[], extra: Partial<SeccompRule> = {}): SeccompRule => ({ names, action: 'SCMP_ACT_ALLOW', ...extra });
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    archMap: Object.values(ARCHES).map((a) => ({ architecture: a.scmp[0]!, subArchitectures: a.scmp.slice(1) })),
    syscalls: [
      allow(ALWAYS),
      allow(['socket'], { args: [{ index: 0, value: AF_VSOCK, op: 'SCMP_CMP_NE' }] }),
      ...PERSONALITIES.map((p) => allow(['personality'], { args: [{ index: 0, value: p, op: 'SCMP_CMP_EQ' }] })),
      ...BY_ARCH.map(([arches, names]) => allow(names, { includes: { arches } })),
      ...Object.entries(BY_CAPABILITY).map(([cap, names]) => allow(names, { includes: { caps: [cap] } })),
      // s390 swaps clone's first two arguments.
      allow(['clone'], { args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }], excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390', 's390x'] } }),
      allow(['clone'], { args: [{ index: 1, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }], includes: { arches: ['s390', 's390x'] }, excludes: { caps: ['CAP_SYS_ADMIN'] } }),
      // clone3 passes its flags in memory a filter cannot read: ENOSYS makes libc fall back to clone.
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { caps: ['CAP_SYS_ADMIN'] } },
    ],
  };
}

/** Parses a profile sent as `seccomp=<json>` (400 when it is not one). */
export function parseProfile(json: string): SeccompProfile {
  let p: unknown;
  try {
    p = JSON.parse(json);
  } catch (err) {
    throw new InvalidParameter(`decoding seccomp profile failed: ${(err as Error).message}`);
  }
  if (typeof p !== 'object' || p === null || typeof (p as SeccompProfile).defaultAction !== 'string') {
    throw new InvalidParameter('decoding seccomp profile failed: it has no defaultAction');
  }
  for (const r of (p as SeccompProfile).syscalls ?? []) {
    if (!Array.isArray(r?.names) || typeof r.action !== 'string') throw new InvalidParameter('decoding seccomp profile failed: a rule needs names and an action');
  }
  return p as SeccompProfile;
}

/**
 * The runtime's `linux.seccomp` for a profile, a process's capabilities, this host's
 * architecture (`process.arch`) and kernel (`x.y`): rules whose conditions do not hold are left out.
 */
export function ociSeccomp(p: SeccompProfile, caps: string[], arch = process.arch, kernel = '6.0'): Record<string, unknown> {
  const a = ARCHES[arch] ?? { docker: arch, scmp: [] };
  const has = new Set(caps);
  const holds = (c: SeccompRule['includes']) => !c || (
    (c.caps ?? []).every((x) => has.has(x)) && (!c.arches?.length || c.arches.includes(a.docker)) && (!c.minKernel || atLeast(kernel, c.minKernel)));
  const excluded = (c: SeccompRule['excludes']) => !!c && (
    (c.caps ?? []).some((x) => has.has(x)) || (c.arches ?? []).includes(a.docker) || (!!c.minKernel && atLeast(kernel, c.minKernel)));
  const architectures = p.architectures?.length ? p.architectures
    : (p.archMap ?? []).filter((m) => m.architecture === a.scmp[0]).flatMap((m) => [m.architecture, ...(m.subArchitectures ?? [])]);
  const syscalls = (p.syscalls ?? []).filter((r) => holds(r.includes) && !excluded(r.excludes)).map((r) => ({
    names: r.names, action: r.action,
    ...(r.args?.length ? { args: r.args.map((x) => ({ index: x.index, value: x.value, valueTwo: x.valueTwo ?? 0, op: x.op })) } : {}),
    ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}),
  }));
  return {
    defaultAction: p.defaultAction, ...(p.defaultErrnoRet !== undefined ? { defaultErrnoRet: p.defaultErrnoRet } : {}),
    architectures, syscalls,
  };
}

function atLeast(kernel: string, min: string): boolean {
  const [a = 0, b = 0] = kernel.split('.').map((n) => Number.parseInt(n, 10));
  const [c = 0, d = 0] = min.split('.').map((n) => Number.parseInt(n, 10));
  return a > c || (a === c && b >= d);
}
