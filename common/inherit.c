/* inherit.c - signals ignored on entry, and SIGCHLD; see inherit.h. */
#include "inherit.h"

#include <signal.h>
#include <stddef.h>

/* The signals whose handlers the suite installs or resets. */
static const int watched[] = { SIGHUP, SIGINT, SIGTERM, SIGPIPE };

#define WATCHED (sizeof watched / sizeof watched[0])

static volatile sig_atomic_t ignored[WATCHED];
static volatile sig_atomic_t noted;

static int is_ignored_now(int sig)
{
    struct sigaction now;

    return sigaction(sig, NULL, &now) == 0 && now.sa_handler == SIG_IGN;
}

void inherit_repair(void)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };

    for (size_t i = 0; i < WATCHED; i++)
        ignored[i] = is_ignored_now(watched[i]);
    noted = 1;
    /* Ignored (or SA_NOCLDWAIT), SIGCHLD makes the kernel reap every child
     * at once, and proc_join could never learn how one ended. */
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, NULL);
}

int inherit_ignored(int sig)
{
    for (size_t i = 0; i < WATCHED; i++)
        if (watched[i] == sig)
            return noted ? ignored[i] : is_ignored_now(sig);
    return is_ignored_now(sig);
}
