/* agent/line_reader.h — frames a byte stream into lines. The caller reads
 * into the space the reader offers, then takes complete lines out. Lines
 * longer than max_line are cut at max_line (flagged) and the rest of that
 * line is skipped; one trailing '\r' is stripped; at end of input a last line
 * without '\n' is returned (flagged). Pure: no I/O. */
#ifndef OBS_LINE_READER_H
#define OBS_LINE_READER_H

#include <stddef.h>
#include <stdint.h>

enum line_flag {
    LINE_TRUNCATED = 1,   /* cut at max_line bytes */
    LINE_NO_NEWLINE = 2,  /* last line of the input, without '\n' */
};

typedef struct line {
    const char *p;        /* valid until the next line_reader_space() */
    size_t len;
    int flags;
} line_t;

typedef struct line_reader {
    char *buf;
    size_t cap, start, end;   /* unconsumed bytes are buf[start, end) */
    size_t max_line;
    int skipping;             /* inside the tail of a line already cut */
    int64_t consumed;         /* input bytes fully consumed (lines + skipped) */
} line_reader_t;

#define LINE_MAX_DEFAULT (256 * 1024)

void line_reader_init(line_reader_t *lr, size_t max_line);
void line_reader_done(line_reader_t *lr);

/* Where to put new input: returns a pointer and its free size (> 0). */
char *line_reader_space(line_reader_t *lr, size_t *avail);
/* n bytes were written into the space. */
void line_reader_added(line_reader_t *lr, size_t n);

/* Take the next line. Returns 1 with *out set, or 0 when more input is
 * needed. With at_eof set, a final partial line is returned too. */
int line_reader_next(line_reader_t *lr, line_t *out, int at_eof);

#endif
