/* options.h - session3's command line: the story's options, the labs'
 * modes (--demo, --bench, --serve, --connect) and the authkey they need.
 */
#ifndef SESSION3_OPTIONS_H
#define SESSION3_OPTIONS_H

#include "auth.h"
#include "proxy.h"

#include <stddef.h>

struct options {
    int demo_dict;              /* --demo dict */
    int verbose;                /* --verbose: tag each child's lines with its pid */
    const char *serve, *connect; /* HOST:PORT, as given */
    char host[ADDRESS_HOST_SIZE], port[ADDRESS_PORT_SIZE]; /* [IPv6]'s brackets removed */
    int insert, print, shutdown;
    struct record new_record;   /* --insert NAME:SCORE */
    long bench;                 /* --bench N, 0 when not asked */
    long timeout;               /* --timeout SECONDS for --connect */
    unsigned char key[AUTH_KEY_MAX];   /* for --serve and --connect, read by parse_options */
    size_t keylen;
    const char *trace;          /* --trace FILE, or NULL */
};

#endif
