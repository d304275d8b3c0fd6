/*
 * Kubedesk's pause: the process that holds a pod sandbox's namespaces. It sleeps until told to
 * stop (SIGTERM or SIGINT, at once and with status 0) and, as PID 1 of a pod that shares its
 * process namespace, reaps the zombies re-parented to it. Same behaviour as the upstream
 * registry.k8s.io/pause (kubernetes/build/pause/linux/pause.c); built statically by
 * `npm run images` so the image needs nothing but this file.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

static void handle(int sig, void (*fn)(int)) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = fn;
  action.sa_flags = SA_RESTART | (sig == SIGCHLD ? SA_NOCLDSTOP : 0);
  if (sigaction(sig, &action, NULL) < 0) {
    perror("sigaction");
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("kubedesk pause 3.10");
    return 0;
  }
  if (getpid() != 1) fputs("pause: warning: not PID 1, so orphans are not reaped here\n", stderr);
  handle(SIGINT, on_stop);
  handle(SIGTERM, on_stop);
  handle(SIGCHLD, on_child);
  for (;;) pause();
}
