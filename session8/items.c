/* items.c - the list to map, from the command line; see items.h. */
#include "items.h"

#include "args.h"

#include <stdio.h>

int items_read(int argc, char *argv[], long range, const long *crash_on, long **owned,
               const long **items, size_t *n, char *msg, size_t msglen)
{
    int rc = arg_numbers(argc, argv, -ITEM_MAX, ITEM_MAX, range, owned, n, msg, msglen);
    size_t i = 0;

    if (rc != 0)
        return rc;
    if (*owned != NULL)
        *items = *owned;
    while (crash_on != NULL && i < *n && (*items)[i] != *crash_on)
        i++;
    if (crash_on != NULL && i == *n) {
        snprintf(msg, msglen, "--crash-on %ld is not in the list, so no worker would crash",
                 *crash_on);
        return -1;
    }
    return 0;
}
