/* agent/tail/tail_pathmap.h — which function and log stream a log file belongs to,
 * from its path (rule in docs/formats.md, "Function and stream"):
 *   a file found under a directory argument ROOT:
 *     ROOT/F/S.log        -> function F, stream "S"
 *     ROOT/F/a/b/S.log    -> function F, stream "a/b/S" (CloudWatch stream
 *                            names contain '/': 2024/01/02/[$LATEST]abc...)
 *     ROOT/S.log          -> function S, stream S
 *   a file argument DIR/S.log -> function = name of DIR, stream "S"
 * One extension (.log, .txt, .out, .json, .jsonl) is stripped from the last
 * part. Pure: no I/O. */
#ifndef OBS_PATHMAP_H
#define OBS_PATHMAP_H

#include <stddef.h>

typedef struct pathmap {
    char function[256];
    char stream[512];
} pathmap_t;

/* root: the directory argument the file was found under, or NULL when the
 * file itself was named. Returns 0, or -1 when no name can be derived. */
int pathmap_derive(const char *root, const char *path, pathmap_t *out);

/* "/aws/lambda/<function>" */
void pathmap_log_group(const char *function, char *out, size_t size);

#endif
