/* bench/ab.c: by-hand A/B timing of whole processes, the way
 * bench/start.sh times the CLI: each command started with posix_spawn (no
 * shell in between, stdout and stderr to /dev/null), the commands taken in
 * turns for N rounds so that a change of the machine's load touches them
 * alike, and the median wall time of each printed with its ratio to the
 * first command's.
 *
 *   cc -O2 -o /tmp/ab bench/ab.c
 *   /tmp/ab 201 git --version -- bin/wol prompt -- /tmp/old/wol prompt
 *
 * A command's exit status is shown when it is not 0 (`wol search` of a
 * word no note holds exits with 1: timed all the same); one killed by a
 * signal, or that cannot be started, stops the run.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#define MAX_CMDS 16

extern char **environ;

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[1]) : 0;
	if (rounds < 1) {
		fprintf(stderr, "usage: %s ROUNDS CMD [ARG...] [-- CMD [ARG...]]...\n", argv[0]);
		return 2;
	}
	char **cmds[MAX_CMDS];
	int status[MAX_CMDS] = {0};
	int n = 0;
	cmds[n++] = argv + 2;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") != 0)
			continue;
		argv[i] = NULL;
		if (n == MAX_CMDS || i + 1 >= argc) {
			fprintf(stderr, "%s: at most %d commands, none empty\n", argv[0], MAX_CMDS);
			return 2;
		}
		cmds[n++] = argv + i + 1;
	}
	double *t = calloc((size_t)n * (size_t)rounds, sizeof *t);
	posix_spawn_file_actions_t fa;
	if (!t || posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) != 0) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return 1;
	}
	for (int r = 0; r < rounds; r++) {
		for (int c = 0; c < n; c++) {
			pid_t pid;
			int st;
			double t0 = now_ms();
			int e = posix_spawnp(&pid, cmds[c][0], &fa, NULL, cmds[c], environ);
			if (e != 0) {
				fprintf(stderr, "%s: %s: %s\n", argv[0], cmds[c][0], strerror(e));
				return 1;
			}
			if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
				fprintf(stderr, "%s: %s did not exit (status %d)\n", argv[0], cmds[c][0], st);
				return 1;
			}
			t[c * rounds + r] = now_ms() - t0;
			status[c] = WEXITSTATUS(st);
		}
	}
	double base = 0;
	for (int c = 0; c < n; c++) {
		double *v = t + c * rounds;
		qsort(v, (size_t)rounds, sizeof *v, by_value);
		double median = v[rounds / 2];
		if (c == 0)
			base = median;
		printf("%8.3f ms  %5.2fx ", median, median / base);
		for (char **a = cmds[c]; *a; a++)
			printf(" %s", *a);
		if (status[c])
			printf("  (exit %d)", status[c]);
		putchar('\n');
	}
	free(t);
	return 0;
}
