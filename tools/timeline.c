/* timeline.c - `build/timeline`: draws a --trace file with gnuplot
 * (common/trace_timeline.c). make timeline-sessionN runs it.
 *
 *   build/timeline [--whole] [--need-overlap] TRACE.json OUT.svg [TITLE]
 *   build/timeline --script ... TRACE.json OUT.svg   print the gnuplot script
 *
 * --whole: the whole run, not only the children's operations; --need-overlap:
 * only the time when every child was at work, and exit 3 drawing nothing
 * when there was none (make plots then runs the program again).
 * OUT.png draws a PNG. docs/tracing.md explains the picture.
 */
#include "trace.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char *argv[])
{
    int script = 0, flags = 0, rc;
    char msg[512];

    for (; argc > 1 && strncmp(argv[1], "--", 2) == 0; argc--, argv++) {
        if (strcmp(argv[1], "--script") == 0)
            script = 1;
        else if (strcmp(argv[1], "--whole") == 0)
            flags |= TIMELINE_WHOLE;
        else if (strcmp(argv[1], "--need-overlap") == 0)
            flags |= TIMELINE_NEED_OVERLAP;
        else
            argc = 0;   /* bad usage */
    }
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "Usage: timeline [--script] [--whole] [--need-overlap] TRACE.json "
                "OUT.svg [TITLE]\n");
        return 2;
    }
    rc = timeline_draw(argv[1], argv[2], argc == 4 ? argv[3] : argv[1], flags,
                       script ? stdout : NULL, msg, sizeof msg);
    if (rc == -1)
        fprintf(stderr, "timeline: %s\n", msg);
    return rc == -1 ? 1 : rc;
}
