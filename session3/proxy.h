/* proxy.h - a connection to the manager, and proxies for its lists and dicts.
 *
 * Python's manager.list() returns a proxy: calling records.append(x) sends
 * a message to the manager process and waits for its reply. These functions
 * are those proxies in C. Each returns 0 on success; -1 with errno when the
 * connection failed; PROXY_REFUSED when the manager replied with an error
 * (its text is in m->error). docs/session3.md explains them.
 */
#ifndef SESSION3_PROXY_H
#define SESSION3_PROXY_H

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

#define PROXY_REFUSED (-2)
/* manager_connect only: the host name could not be looked up (getaddrinfo
 * failed; why is in m->error). */
#define PROXY_NO_ADDRESS (-3)

#define RECORD_NAME_MAX 64     /* bytes, with the final '\0' */

/* A record of the tutorial: a tuple (name, score). */
struct record {
    char name[RECORD_NAME_MAX];
    int64_t score;
};

/* "NAME:SCORE" (the last ':' splits) into *r, as --insert takes it.
 * Returns 0, or -1 with a one-line message in msg. */
int record_parse(const char *text, struct record *r, char *msg, size_t msglen);

/* Room for the parts of a manager's address. */
#define ADDRESS_HOST_SIZE 256
#define ADDRESS_PORT_SIZE 16

/* "HOST:PORT" or "[IPV6]:PORT" into host (without the brackets) and port,
 * the port in min_port..65535; WHAT ("--serve") names it in the message.
 * Returns 0, or -1 with a one-line message in msg. */
int address_parse(const char *text, const char *what, long min_port,
                  char host[ADDRESS_HOST_SIZE], char port[ADDRESS_PORT_SIZE],
                  char *msg, size_t msglen);

/* A record's name as it is printed: escaped (py_escape, common/pylist.h),
 * because any client holding the key can insert it. A struct, so that
 * name_shown(r.name).text can go straight into a printf. */
struct shown_name {
    char text[4 * RECORD_NAME_MAX];
};

struct shown_name name_shown(const char *name);

struct manager {
    int fd;
    char error[128];            /* the manager's last error reply */
    int timeout_s;              /* manager_connect_within's limit, 0 for none */
};

/* Uses an already connected socket: authenticates both ways (auth.h).
 * On failure the socket is closed; errno EACCES means a wrong key, and
 * PROXY_REFUSED with "server full" in m->error that the manager had no room. */
int manager_attach(struct manager *m, int fd, const void *key, size_t keylen);

/* Connects over TCP to host:port, then authenticates. Returns 0, -1 with
 * errno, or PROXY_NO_ADDRESS. */
int manager_connect(struct manager *m, const char *host, const char *port,
                    const void *key, size_t keylen);

/* The same, but no step waits more than `seconds` for the manager (connect,
 * each read, each write): a silent or stopped manager ends the call with -1
 * and errno EAGAIN (or EINPROGRESS for connect) instead of blocking forever. */
int manager_connect_within(struct manager *m, const char *host, const char *port,
                           const void *key, size_t keylen, int seconds);

/* Closes the connection. Returns 0, or -1 with errno. */
int manager_close(struct manager *m);

/* Asks the manager to stop (Python: manager.shutdown()). */
int manager_shutdown(struct manager *m);

/* manager.list() and manager.dict(): a new empty object, its id in *id. */
int manager_list(struct manager *m, uint64_t *id);
int manager_dict(struct manager *m, uint64_t *id);

/* A record as the manager stores it, the MessagePack array [name, score],
 * appended to buf: the one place where a record is encoded. */
void record_pack(const struct record *r, msgpack_sbuffer *buf);

/* len(obj), for a list or a dict. */
int proxy_len(struct manager *m, uint64_t id, size_t *len);

/* records.append((name, score)), records[index], and a snapshot of all
 * records (malloc'd array in *records; the caller frees it). */
int list_append_record(struct manager *m, uint64_t id, const struct record *r);
int list_get_record(struct manager *m, uint64_t id, int64_t index, struct record *r);
int list_records(struct manager *m, uint64_t id, struct record **records, size_t *count);

/* scores[name] = score, scores[name], and a snapshot of all pairs as
 * records (malloc'd, in insertion order). */
int dict_set_score(struct manager *m, uint64_t id, const char *name, int64_t score);
int dict_get_score(struct manager *m, uint64_t id, const char *name, int64_t *score);
int dict_records(struct manager *m, uint64_t id, struct record **records, size_t *count);

#endif
