/* query/lex.h — the tokenizer of Logs Insights queries. A pure function
 * from (text, position, mode) to one token with its byte range, so the
 * parser can look ahead or re-read a token in another mode without state.
 *
 * The one context-dependent token is '/': division after an operand, the
 * start of a regex literal /.../ where an operand is expected. The lexer
 * returns QT_SLASH unless the parser asks for QLEX_REGEX (query/parse.c does
 * so in operand position and for parse's pattern, re-reading the '/'
 * token), so nothing after a '/' is tokenized before the parser decides.
 *
 * Identifiers (QT_IDENT) cover keywords and field names: letters, digits,
 * '_', '@', '.' separated segments, backticked segments (`foo-bar`,
 * @`aws.tag.x`, json_message.`user.id`: its dots are path separators too,
 * as CloudWatch flattens JSON) and [i] index segments (users[1]).
 * Keywords are plain identifiers (no '@', '.', backticks or index) compared
 * case-insensitively by the parser. '#' starts a comment to end of line. */
#ifndef OBS_QUERY_LEX_H
#define OBS_QUERY_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "query/ast.h"

typedef enum qtok_kind {
    QT_EOF,
    QT_IDENT,    /* str: name, backticks removed; path: segments joined by '\x1f' */
    QT_NUMBER,   /* num */
    QT_STRING,   /* str: unescaped value */
    QT_REGEX,    /* str: pattern, "\/" unescaped (QLEX_REGEX mode only) */
    QT_PERIOD,   /* period_n, unit: 5m, 1h, 300s, 2mo */
    QT_PIPE, QT_COMMA, QT_LPAREN, QT_RPAREN, QT_LBRACK, QT_RBRACK,
    QT_EQ, QT_EQEQ, QT_NE, QT_LT, QT_LE, QT_GT, QT_GE, QT_MATCH,
    QT_PLUS, QT_MINUS, QT_STAR, QT_SLASH, QT_PERCENT, QT_CARET,
    QT_COLON,    /* only SOURCE logGroups(key: value) uses it */
    QT_BANG,     /* '!' before an operand: the same as not (!ispresent(x)) */
} qtok_kind_t;

typedef struct qtok {
    qtok_kind_t kind;
    int start, end;          /* byte offsets [start, end) in the text */
    char *str;               /* owned (IDENT, STRING, REGEX), else NULL */
    char *path;              /* owned (IDENT) */
    int plain;               /* IDENT: a bare word [A-Za-z_][A-Za-z0-9_]* */
    double num;              /* NUMBER */
    int64_t period_n;        /* PERIOD */
    qperiod_unit_t unit;     /* PERIOD */
} qtok_t;

#define QLEX_REGEX 1         /* a '/' here starts a regex literal */

/* Lex the token starting at or after byte `pos` (skipping blanks and
 * comments). Returns 0 with *tok filled (free with qtok_free), or
 * OBS_EINVAL with err set (line/col of the offending byte) and *tok empty. */
int qlex_next(const char *text, size_t len, int pos, int flags, qtok_t *tok, obs_err_t *err);
void qtok_free(qtok_t *tok);

/* 1-based line and byte column of offset `off`. */
void qlex_linecol(const char *text, size_t len, int off, int *line, int *col);

/* obs_err_set(err, OBS_EINVAL, ...) plus the position of `off`. */
int qlex_error(obs_err_t *err, const char *text, size_t len, int off, const char *fmt, ...)
    OBS_PRINTF(5, 6);

/* Canonical spelling of a period unit: "ms", "s", "m", "h", "d", "w", "mo", "q", "y". */
const char *qlex_unit_name(qperiod_unit_t u);

#endif
