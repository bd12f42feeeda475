/* lambda/decode_expanded.c — the CloudWatch console's expanded view copied
 * as text, one of the console wrapper's shapes (decode.c's console_line asks
 * here first). Each event is printed as
 *     2024-02-25T14:36:29.024-05:00            its time, alone on its line
 *     INIT_REPORT Init Duration: 0.21 ms<TAB>Phase: init ...
 *                                             the message, over as many lines
 *                                             as it has (a JSON message
 *                                             pretty-printed, indent 4)
 *     (an empty line)
 *     Copy                                    the Copy button's label (not
 *                                             under a JSON message)
 *     INIT_REPORT Init Duration: 0.21 ms Phase: init ...
 *                                             the message again, on one line:
 *                                             the collapsed row's text, TABs and
 *                                             line breaks shown as spaces, JSON
 *                                             compact
 * The first copy of a text message is the one kept: it has the message's
 * TABs and lines (the second has lost them). The time line, the label and
 * the second copy are the console's own lines: not stored, counted. A JSON
 * message ("{" or "[" its first line) printed over several lines is the
 * other way round: its second copy is the line Lambda wrote, as CloudWatch
 * holds it (compact), and the decoder says so (exp_json_copy) for the
 * caller to store that line and count the printed ones as the console's.
 * The second copy is taken for one only when it is the first again but for
 * blanks (a hash of the first copy's bytes other than spaces, TABs and line
 * ends): any other line is stored. */
#include "lambda/decode_int.h"

#include "common/hash.h"
#include "common/isotime.h"

#include <string.h>

enum {
    EXP_NONE = 0,   /* not inside an expanded event */
    EXP_TIME,       /* after its time line: the message's first line next */
    EXP_MESSAGE,    /* inside the message's lines */
    EXP_BLANK,      /* after the empty line that may end them: Copy or the second copy next */
    EXP_COPY,       /* after "Copy": the second copy next */
};

/* The hash h (common/hash.h's) continued with the bytes of p[0..n) that
 * are no blanks. */
static uint64_t hash_solid(uint64_t h, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            h = obs_fnv(h, &c, 1);
    }
    return h;
}

/* Is p[0..n) a time alone, "YYYY-MM-DDTHH:MM:SS[.frac]" with "Z" or an
 * offset, as the console prints an expanded event's? Its time in *ms. */
static int time_alone(const char *p, size_t n, int64_t *ms)
{
    size_t used;
    if (n < 20 || n > 40 || p[4] != '-' || p[10] != 'T' || isotime_parse(p, n, ms, &used) != 0 || used != n)
        return 0;
    return p[n - 1] == 'Z' || p[n - 6] == '+' || p[n - 6] == '-';
}

/* The second copy p[0..n): a JSON message's compact line when the first
 * copy was that JSON over several lines, opened the same way. */
static decode_expanded_t copy(decode_state_t *s, const char *p, size_t n)
{
    s->exp_json_copy = s->exp_json && s->exp_lines > 0 && n > 1 && p[0] == (s->exp_json == 1 ? '{' : '[');
    return EXPANDED_COPY;
}

decode_expanded_t decode__expanded(decode_state_t *s, const char *p, size_t n, decode_record_t *out)
{
    int64_t ms;
    s->exp_began = s->exp_json_copy = 0;
    if (time_alone(p, n, &ms)) {
        s->exp_phase = EXP_TIME;
        s->exp_ts_ms = ms;
        s->exp_hash = OBS_FNV_INIT;
        s->exp_lines = 0;
        return EXPANDED_OWN;
    }
    switch (s->exp_phase) {
    case EXP_TIME:
        if (n == 0) {   /* a time and no message: no expanded view after all */
            s->exp_phase = EXP_NONE;
            return EXPANDED_NO;
        }
        s->exp_phase = EXP_MESSAGE;
        s->exp_hash = hash_solid(s->exp_hash, p, n);
        s->exp_json = n != 1 ? 0 : p[0] == '{' ? 1 : p[0] == '[' ? 2 : 0;
        s->exp_began = 1;
        out->message = obs_span(p, n);
        out->has_ts = 1;
        out->ts_ms = s->exp_ts_ms;
        return EXPANDED_RECORD;
    case EXP_MESSAGE:
        if (n == 0) {
            s->exp_phase = EXP_BLANK;
        } else if (++s->exp_lines > DECODE_EXPANDED_MAX_LINES) {
            s->exp_phase = EXP_NONE;   /* no second copy is coming: lines as they are */
            return EXPANDED_NO;
        } else {
            s->exp_hash = hash_solid(s->exp_hash, p, n);
        }
        return EXPANDED_LINE;
    case EXP_BLANK:
        if (n == 4 && memcmp(p, "Copy", 4) == 0) {
            s->exp_phase = EXP_COPY;
            return EXPANDED_OWN;
        }
        if (n == 0)
            return EXPANDED_LINE;
        if (hash_solid(OBS_FNV_INIT, p, n) == s->exp_hash) {
            s->exp_phase = EXP_NONE;
            return copy(s, p, n);
        }
        /* the empty line was the message's own: its lines go on */
        s->exp_phase = EXP_MESSAGE;
        return decode__expanded(s, p, n, out);
    case EXP_COPY:
        s->exp_phase = EXP_NONE;
        return hash_solid(OBS_FNV_INIT, p, n) == s->exp_hash ? copy(s, p, n) : EXPANDED_NO;
    default:
        return EXPANDED_NO;
    }
}
