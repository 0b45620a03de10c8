/* test_proc_join_any.c - proc_join_any (common/proc.c): children are
 * joined in the order they end, and each is forgotten once joined. */
#include "proc.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int exit_with_3(void *arg)
{
    (void)arg;
    return 3;
}

static int wait_for_signal(void *arg)
{
    (void)arg;
    pause();            /* until the test's SIGTERM ends it */
    return 0;
}

/* One child blocks until killed, the other exits at once: join_any must
 * return the one that ended, not wait for the first one started. */
START_TEST(join_any_returns_the_child_that_ended_first)
{
    int status;
    pid_t waiting = proc_start(wait_for_signal, NULL);
    pid_t quick = proc_start(exit_with_3, NULL);

    ck_assert_int_gt(waiting, 0);
    ck_assert_int_gt(quick, 0);
    ck_assert_int_eq(proc_join_any(&status), quick);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3);
    ck_assert_int_eq(kill(waiting, SIGTERM), 0);
    ck_assert_int_eq(proc_join_any(&status), waiting);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    ck_assert_int_eq(proc_join_any(&status), -1);
    ck_assert_int_eq(errno, ECHILD);
    ck_assert_int_eq(proc_terminate_all(SIGTERM), 0);   /* both forgotten */
}
END_TEST

Suite *suite_proc_join_any(void)
{
    Suite *s = suite_create("proc_join_any");
    TCase *tc = tcase_create("join_any");

    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, join_any_returns_the_child_that_ended_first);
    suite_add_tcase(s, tc);
    return s;
}
