/* remote.c - the manager over TCP: --serve runs only the manager, --connect
 * is one client; "Across two terminals" in docs/session3.md shows both.
 */
#include "labs.h"

#include "die.h"
#include "manager.h"
#include "protocol.h"
#include "server.h"
#include "store.h"

#include <msgpack.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct record initial_records[] = {
    { "Sam", 10 }, { "Adam", 9 }, { "Kevin", 9 },
};

/* Listens on TCP host:port (port 0: the kernel picks a free one) and stores
 * the real port in opt->port. */
static int listen_on(struct options *opt)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *list;
    struct sockaddr_storage addr;
    socklen_t addrlen = sizeof addr;
    char port[16];            /* "65535" fits; NI_MAXSERV is not POSIX */
    int fd, one = 1, gai;

    gai = getaddrinfo(opt->host, opt->port, &hints, &list);
    if (gai != 0)
        fail("getaddrinfo %s: %s", opt->host, gai_strerror(gai));
    fd = socket(list->ai_family, list->ai_socktype, list->ai_protocol);
    if (fd == -1)
        die("socket");
    /* A restarted server may reuse its port at once (no TIME_WAIT delay). */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
        die("setsockopt");
    if (bind(fd, list->ai_addr, list->ai_addrlen) == -1)
        die("bind");
    freeaddrinfo(list);
    if (listen(fd, 64) == -1)
        die("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &addrlen) == -1)
        die("getsockname");
    if (getnameinfo((struct sockaddr *)&addr, addrlen, NULL, 0, port, sizeof port,
                    NI_NUMERICSERV) != 0)
        fail("getnameinfo: cannot read the port");
    snprintf(opt->port, sizeof opt->port, "%s", port);
    return fd;
}

/* A record into the store, encoded as the proxies encode it. */
static void store_record(struct store *s, uint64_t id, const struct record *r)
{
    msgpack_sbuffer buf;

    msgpack_sbuffer_init(&buf);
    record_pack(r, &buf);
    if (store_list_append(s, id, buf.data, buf.size) != STORE_OK)
        fail("malloc: out of memory");
    msgpack_sbuffer_destroy(&buf);
}

int lab_serve(struct options *opt)
{
    struct store *s = store_new();
    struct server_config cfg = { .client_fds = NULL, .nclients = 0, .key = opt->key,
                                 .keylen = opt->keylen, .log_fd = STDERR_FILENO };
    int ipv6 = strchr(opt->host, ':') != NULL;
    uint64_t id;

    if (s == NULL || store_create(s, STORE_LIST, &id) != STORE_OK)
        fail("malloc: out of memory");
    for (size_t i = 0; i < 3; i++)      /* id is PROTOCOL_RECORDS_ID */
        store_record(s, id, &initial_records[i]);
    cfg.listen_fd = listen_on(opt);
    /* An IPv6 address in brackets, as --connect accepts it back. */
    printf("manager serving on %s%s%s:%s\n", ipv6 ? "[" : "", opt->host, ipv6 ? "]" : "",
           opt->port);
    if (fflush(stdout) == EOF)
        die("write");
    if (server_run(s, &cfg) == -1)
        die("poll");
    close(cfg.listen_fd);
    store_free(s);
    return 0;
}

int lab_connect(struct options *opt)
{
    struct manager m = { .fd = -1 };
    struct record *records;
    size_t count;

    check(manager_connect_within(&m, opt->host, opt->port, opt->key, opt->keylen,
                                 (int)opt->timeout), "connect", &m);
    if (opt->insert) {
        check(list_append_record(&m, PROTOCOL_RECORDS_ID, &opt->new_record),
              "records.append", &m);
        printf("New record added!\n\n");
    } else if (opt->shutdown) {
        check(manager_shutdown(&m), "manager.shutdown", &m);
    } else {
        check(list_records(&m, PROTOCOL_RECORDS_ID, &records, &count), "records", &m);
        for (size_t i = 0; i < count; i++)
            printf("Name: %s\nScore: %lld\n\n", name_shown(records[i].name).text,
                   (long long)records[i].score);
        free(records);
    }
    manager_close(&m);
    return 0;
}
