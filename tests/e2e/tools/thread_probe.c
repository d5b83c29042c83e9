/* thread-probe: starts one thread and joins it, then prints "thread-ok".
 *
 * Built static (gcc -static -pthread) so it runs inside the busybox image,
 * which has no libc. glibc >= 2.34 creates threads with clone3 and falls
 * back to clone only when clone3 fails with ENOSYS: a merged seccomp policy
 * that turns clone3's ENOSYS into EPERM breaks every threaded program, and
 * this probe is how the e2e scenarios notice. Exit codes: 0 ok, 1 the
 * thread could not be created (errno printed), 2 join failed. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *worker(void *arg) {
  *(int *)arg = 42;
  return arg;
}

int main(void) {
  pthread_t thread;
  int value = 0;
  int rc = pthread_create(&thread, NULL, worker, &value);
  if (rc != 0) {
    printf("thread-failed: pthread_create: %s (errno %d)\n", strerror(rc), rc);
    return 1;
  }
  void *result = NULL;
  rc = pthread_join(thread, &result);
  if (rc != 0 || result != &value || value != 42) {
    printf("thread-failed: pthread_join: %s\n", rc ? strerror(rc) : "wrong result");
    return 2;
  }
  printf("thread-ok\n");
  return 0;
}
