/* authkey.h - session3's authkey, read before anything starts. */
#ifndef SESSION3_AUTHKEY_H
#define SESSION3_AUTHKEY_H

#include "options.h"

/* Fills opt->key and opt->keylen from FILE (--authkey-file; NULL: the
 * environment variable MANAGER_AUTHKEY). A key that cannot be used is bad
 * usage (exit 2); a key file other users may read is refused (exit 1). */
void read_authkey(const char *file, struct options *opt);

#endif
