/* credential.c - git's credential helpers for remote.c: `git credential
 * fill` asked for a user and password, `approve` / `reject` told what the
 * server took, so helpers such as store and cache learn and forget. Never
 * prompts. */
#include "remote.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Runs `git credential <action>` with `input` on its stdin through a pipe;
 * its stdout into *output when asked. Never prompts: no terminal, no
 * askpass program. Returns its exit status, or -1. */
static int run_credential(const char *action, const char *input, char **output)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1};
	if (pipe2(in, O_CLOEXEC) != 0)
		return -1;
	if (output && pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	/* the environment, with prompts off */
	size_t n = 0;
	while (environ[n])
		n++;
	char **envp = calloc(n + 4, sizeof *envp);
	int status = -1;
	pid_t pid = -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (!envp)
		goto out;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "GIT_TERMINAL_PROMPT=", 20) != 0 &&
		    strncmp(environ[i], "GIT_ASKPASS=", 12) != 0 &&
		    strncmp(environ[i], "SSH_ASKPASS=", 12) != 0)
			envp[k++] = environ[i];
	envp[k++] = "GIT_TERMINAL_PROMPT=0";
	envp[k++] = "GIT_ASKPASS=false"; /* a failing askpass: git gives up */
	envp[k] = NULL;
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	if (output)
		posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	char *argv[] = {"git", "credential", (char *)action, NULL};
	if (posix_spawnp(&pid, "git", &fa, NULL, argv, envp) != 0)
		pid = -1;
	close(in[0]);
	in[0] = -1;
	if (output) {
		close(out[1]);
		out[1] = -1;
	}
	if (pid < 0)
		goto out;
	/* a helper that exits before reading must not kill us with SIGPIPE */
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	size_t len = strlen(input), off = 0;
	int broken = 0;
	while (off < len) {
		ssize_t w = write(in[1], input + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			broken = errno == EPIPE;
			break;
		}
		off += (size_t)w;
	}
	close(in[1]);
	in[1] = -1;
	if (broken) {
		struct timespec zero = {0, 0};
		sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (output) {
		wol_buf b;
		wol_buf_init(&b);
		char chunk[1024];
		for (;;) {
			ssize_t r = read(out[0], chunk, sizeof chunk);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			if (b.len < 65536)
				wol_buf_put(&b, chunk, (size_t)r);
		}
		memset(chunk, 0, sizeof chunk);
		*output = wol_buf_detach(&b);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
out:
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	return status;
}

/* protocol=..., host=host[:port], and username/password when given; NULL
 * when a value would break the line protocol. */
static char *credential_input(const wol_remote_cb *s, const char *user, const char *pass)
{
	for (const char *p = s->host; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\0')
			return NULL;
	if ((user && strpbrk(user, "\r\n")) || (pass && strpbrk(pass, "\r\n")) || !s->host[0])
		return NULL;
	int default_port = (strcmp(s->scheme, "https") == 0 && s->port == 443) ||
	                   (strcmp(s->scheme, "http") == 0 && s->port == 80);
	wol_buf b;
	wol_buf_init(&b);
	wol_buf_printf(&b, "protocol=%s\nhost=%s", s->scheme, s->host);
	if (!default_port && s->port)
		wol_buf_printf(&b, ":%d", s->port);
	wol_buf_puts(&b, "\n");
	if (user && *user)
		wol_buf_printf(&b, "username=%s\n", user);
	if (pass)
		wol_buf_printf(&b, "password=%s\n", pass);
	wol_buf_puts(&b, "\n");
	return wol_buf_detach(&b);
}

void wol_remote__helper_fill(wol_remote_cb *s)
{
	s->helper_filled = 1;
	char *in = credential_input(s, s->url_user, NULL);
	char *out = NULL;
	if (in && run_credential("fill", in, &out) == 0 && out) {
		for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
			line[strcspn(line, "\r")] = '\0';
			if (strncmp(line, "username=", 9) == 0) {
				free(s->helper_user);
				s->helper_user = wol_strfmt("%s", line + 9);
			} else if (strncmp(line, "password=", 9) == 0) {
				if (s->helper_pass)
					memset(s->helper_pass, 0, strlen(s->helper_pass));
				free(s->helper_pass);
				s->helper_pass = wol_strfmt("%s", line + 9);
			}
		}
	}
	if (out)
		memset(out, 0, strlen(out));
	free(out);
	free(in);
}

void wol_remote__helper_tell(wol_remote_cb *s, const char *action, const char *user,
                             const char *pass)
{
	char *in = credential_input(s, user, pass);
	if (in) {
		run_credential(action, in, NULL);
		memset(in, 0, strlen(in));
	}
	free(in);
}
