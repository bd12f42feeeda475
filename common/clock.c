/* common/clock.c — the wall and monotonic clocks (see clock.h). */
#include "common/clock.h"

#include <time.h>

static int64_t ms_of(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t obs_wall_ms(void)
{
    return ms_of(CLOCK_REALTIME);
}

int64_t obs_mono_ms(void)
{
    return ms_of(CLOCK_MONOTONIC);
}

double obs_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
