/* authkey.c - the shared secret of --serve and --connect, from a key file or
 * the environment, never from the command line (see authkey.h).
 */
#include "authkey.h"

#include "die.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t mode)
{
    return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
         : S_ISCHR(mode) ? "a character device" : S_ISSOCK(mode) ? "a socket"
         : "not a regular file";
}

/* The whole of a key file, at most AUTH_KEY_MAX bytes; its length. Opened
 * with O_NONBLOCK and checked with fstat() before any read, so a FIFO or a
 * device is refused instead of waited on; and like ssh with a private key,
 * a key that other users may read is refused. */
static size_t read_key_file(const char *file, unsigned char key[AUTH_KEY_MAX])
{
    unsigned char buf[AUTH_KEY_MAX + 1];
    int fd = open(file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    ssize_t len;

    if (fd == -1)
        usage_error("cannot open --authkey-file '%s': %s", file, strerror(errno));
    if (fstat(fd, &st) == -1)
        die("fstat");
    if (!S_ISREG(st.st_mode))
        usage_error("--authkey-file '%s' is %s (accepted: a regular file)", file,
                    kind_of(st.st_mode));
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        fail("--authkey-file '%s' is open to other users (mode %04o); make it private: "
             "chmod 600 '%s'", file, (unsigned)(st.st_mode & 07777), file);
    len = read_full(fd, buf, sizeof buf);
    close(fd);
    if (len < 0 || (size_t)len > AUTH_KEY_MAX)
        usage_error("cannot read --authkey-file '%s' (accepted: a readable file of at "
                    "most %d bytes)", file, AUTH_KEY_MAX);
    memcpy(key, buf, (size_t)len);
    return (size_t)len;
}

/* The authkey, from --authkey-file or MANAGER_AUTHKEY: never from the
 * command line, where `ps` shows it to every user. */
void read_authkey(const char *file, struct options *opt)
{
    const char *env = getenv("MANAGER_AUTHKEY");
    size_t len;

    if (file != NULL) {
        len = read_key_file(file, opt->key);
    } else if (env != NULL) {
        len = strlen(env);
        if (len > AUTH_KEY_MAX)
            usage_error("MANAGER_AUTHKEY is too long (accepted: at most %d bytes)",
                        AUTH_KEY_MAX);
        memcpy(opt->key, env, len);
    } else {
        usage_error("%s needs an authkey: give --authkey-file FILE or set MANAGER_AUTHKEY",
                    opt->serve != NULL ? "--serve" : "--connect");
    }
    if (len > 0 && opt->key[len - 1] == '\n')
        len--;
    if (len == 0)
        usage_error("the authkey is empty (accepted: at least one byte)");
    opt->keylen = len;
}
