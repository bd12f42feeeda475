/* agent/tail/tail_doc.h — inputs an import reads whole rather than line by
 * line: gzip files (the chunks of a CloudWatch export to S3, Firehose's
 * objects) and documents (lambda/decode.h: `aws logs filter-log-events`
 * JSON, Logs Insights exports, subscription envelopes). Their bytes are
 * read to the end into memory (at most TAIL_WHOLE_MAX, compressed and
 * inflated), inflated when gzip, then put through the pipeline: a
 * document record by record, lines as any file's. Follow mode never reads
 * them (a document is not a growing file). */
#ifndef OBS_TAIL_DOC_H
#define OBS_TAIL_DOC_H

#include "agent/pipeline.h"
#include "lambda/decode.h"

#include <stddef.h>
#include <stdint.h>

/* The most an input read whole may hold, as read and once inflated. */
#define TAIL_WHOLE_MAX ((size_t)DECODE_DOCUMENT_MAX)

/* Is an input whose first bytes are head[0..n) (up to DECODE_SNIFF_BYTES)
 * one to read whole: gzip, or a document (in the forced format, or sniffed
 * when forced is DECODE_AUTO)? */
int tail_doc_is_whole(const char *head, size_t n, decode_format_t forced);

typedef struct tail_doc_result {
    int gzip;                 /* the input was gzip */
    decode_format_t format;   /* what its contents were read as */
    int64_t records;          /* records of a document (0 for lines) */
    int64_t bytes;            /* bytes read (before inflating) */
} tail_doc_result_t;

/* Read fd from where it is to its end (head[0..head_len): the bytes
 * already read before that), inflate it when it is gzip, and put it
 * through the pipeline as stream ps: a document's records with
 * pipeline_decoded (each to the stream it names), lines with
 * pipeline_lines. Returns 0; OBS_EINVAL when the input is too large, its
 * gzip is corrupt (nothing stored) or the document is malformed (its
 * records before the fault are stored; err says where); OBS_EIO on a read
 * error; or the store's error. */
int tail_doc_import(pipeline_t *pl, pipeline_stream_t *ps, int fd, const char *head, size_t head_len,
                    decode_format_t forced, size_t max_line, const char *name, tail_doc_result_t *res,
                    obs_err_t *err);

#endif
