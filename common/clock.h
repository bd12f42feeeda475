/* common/clock.h — the two clocks every program reads: the wall clock
 * (event times, what is shown and stored) and the monotonic clock (waits,
 * deadlines, rates: what must not jump when the wall clock is set). */
#ifndef OBS_CLOCK_H
#define OBS_CLOCK_H

#include <stdint.h>

/* Milliseconds since the epoch (CLOCK_REALTIME). */
int64_t obs_wall_ms(void);

/* Milliseconds on CLOCK_MONOTONIC: only differences mean anything. */
int64_t obs_mono_ms(void);

/* Seconds, with nanoseconds, on CLOCK_MONOTONIC (rates and progress). */
double obs_mono_s(void);

#endif
