/* Test helper: ignore TTOU, SEGV and INT, block TTIN, ILL and TERM, then exec
 * argv[1..].  Node cannot do this itself: libuv resets signal dispositions and
 * the mask before exec. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PROGRAM [ARGS]\n", argv[0]);
		return 2;
	}
	int ignored[] = {SIGTTOU, SIGSEGV, SIGINT};
	for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		signal(ignored[i], SIG_IGN);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTTIN);
	sigaddset(&set, SIGILL);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	execvp(argv[1], argv + 1);
	perror("exec");
	return 127;
}
