/* mpi_pool.c - rank 0 hands out chunks, the other ranks run them (see
 * mpi_pool.h).
 *
 * Rank 0 is the only dispatcher, as in pool.c: it sends each worker one
 * chunk, and each time a result arrives (from any rank: MPI_ANY_SOURCE) it
 * puts it in place and sends that rank the next chunk. A chunk travels as
 * longs: [first, count, item...]; its result as [first, count, result...].
 */
#include "mpi_pool.h"

#include "die.h"
#include "output.h"

#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { TAG_CHUNK = 1, TAG_RESULT = 2, TAG_STOP = 3 };

static volatile unsigned long burn_sink;

void mpi_pool_burn(long units)
{
    unsigned long x = 1;

    for (long u = 0; u < units; u++)
        for (int i = 0; i < 1000; i++)
            x = (x * 1103515245u + 12345u) & 0x7fffffffu;
    burn_sink = x;
}

size_t mpi_pool_default_chunksize(size_t n, int workers)
{
    size_t per = 4 * (size_t)workers, chunksize = n / per;

    return n % per ? chunksize + 1 : chunksize == 0 ? 1 : chunksize;
}

/* ---------------------------------------------------------------- worker */

/* --quiet: square() prints into nothing; rank 0 still prints the result. */
static void silence_stdout(void)
{
    const char *failed;

    if ((failed = output_to_dev_null()) != NULL)
        die(failed);
}

/* What runs around each task, as pool.c's task hook does in session8. */
static long run_task(mpi_pool_fn fn, long item, const struct mpi_pool_settings *s,
                     int rank, const char *host)
{
    if (s->crash_on_set && item == s->crash_on) {
        fprintf(stderr, "%s: rank %d (pid %ld on %s) kills itself with SIGKILL at item %ld "
                "(--crash-on)\n", program_name(), rank, (long)getpid(), host, item);
        kill(getpid(), SIGKILL);
    }
    mpi_pool_burn(s->work);
    if (s->verbose)             /* completed by fn's own line: one write() */
        printf("[rank %d on %s] ", rank, host);
    return fn(item);
}

int mpi_pool_work(mpi_pool_fn fn, const struct mpi_pool_settings *s)
{
    char host[MPI_MAX_PROCESSOR_NAME];
    int rank, len;
    long *msg = NULL;

    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Get_processor_name(host, &len);
    if (s->quiet)
        silence_stdout();
    for (;;) {
        MPI_Status st;
        int count;

        MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        if (st.MPI_TAG == TAG_STOP) {
            MPI_Recv(NULL, 0, MPI_LONG, 0, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            break;
        }
        MPI_Get_count(&st, MPI_LONG, &count);
        free(msg);
        if ((msg = malloc((size_t)count * sizeof *msg)) == NULL)
            die("malloc");
        MPI_Recv(msg, count, MPI_LONG, 0, TAG_CHUNK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (long i = 0; i < msg[1]; i++)       /* the results replace the items */
            msg[2 + i] = run_task(fn, msg[2 + i], s, rank, host);
        /* The lines are out before rank 0 hears of the results. */
        if (fflush(stdout) == EOF)
            die("write error");
        MPI_Send(msg, count, MPI_LONG, 0, TAG_RESULT, MPI_COMM_WORLD);
    }
    free(msg);
    return 0;
}

/* ---------------------------------------------------------------- rank 0 */

static void send_chunk(int rank, const long *items, size_t first, size_t count, long *buf)
{
    buf[0] = (long)first;
    buf[1] = (long)count;
    memcpy(buf + 2, items + first, count * sizeof *items);
    MPI_Send(buf, (int)count + 2, MPI_LONG, rank, TAG_CHUNK, MPI_COMM_WORLD);
}

void mpi_pool_map(const long *items, size_t n, size_t chunksize, long *results,
                  size_t *items_done)
{
    int size;
    size_t next = 0, pending = 0;
    long *buf;

    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (chunksize == 0)
        chunksize = mpi_pool_default_chunksize(n, size - 1);
    if ((buf = malloc((chunksize + 2) * sizeof *buf)) == NULL)
        die("malloc");
    /* One chunk to every worker, then the next to whichever answers. */
    for (int r = 1; r < size && next < n; r++) {
        size_t count = n - next < chunksize ? n - next : chunksize;

        send_chunk(r, items, next, count, buf);
        next += count;
        pending++;
    }
    while (pending > 0) {
        MPI_Status st;
        size_t first, count;

        MPI_Recv(buf, (int)chunksize + 2, MPI_LONG, MPI_ANY_SOURCE, TAG_RESULT,
                 MPI_COMM_WORLD, &st);
        first = (size_t)buf[0];
        count = (size_t)buf[1];
        memcpy(results + first, buf + 2, count * sizeof *results);
        if (items_done != NULL)
            items_done[st.MPI_SOURCE] += count;
        pending--;
        if (next < n) {
            count = n - next < chunksize ? n - next : chunksize;
            send_chunk(st.MPI_SOURCE, items, next, count, buf);
            next += count;
            pending++;
        }
    }
    for (int r = 1; r < size; r++)
        MPI_Send(NULL, 0, MPI_LONG, r, TAG_STOP, MPI_COMM_WORLD);
    free(buf);
}
