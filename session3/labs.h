/* labs.h - session3's extra modes, beside the story: the same story with a
 * dict, the benchmark (labs.c), and the manager over TCP (remote.c).
 */
#ifndef SESSION3_LABS_H
#define SESSION3_LABS_H

#include "options.h"

/* --demo dict: the story with scores = manager.dict({...}). */
int lab_dict(struct options *opt);

/* --bench N: N manager calls against N shared memory writes. */
int lab_bench(struct options *opt);

/* --serve HOST:PORT: only the manager, in this process. */
int lab_serve(struct options *opt);

/* --connect HOST:PORT with --insert, --print or --shutdown: one client. */
int lab_connect(struct options *opt);

#endif
