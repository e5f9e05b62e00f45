/* Test helper: set the child-subreaper bit, then exec argv[1..].  The bit
 * survives exec, so the init must detect it without -s (tini's subreaper-proxy). */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PROGRAM [ARGS]\n", argv[0]);
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		perror("prctl");
		return 1;
	}
	execvp(argv[1], argv + 1);
	perror("exec");
	return 127;
}
