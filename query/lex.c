/* query/lex.c — the query tokenizer (see lex.h). */
#include "query/lex.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/xalloc.h"


void qlex_linecol(const char *text, size_t len, int off, int *line, int *col)
{
    int l = 1, c = 1;
    for (int i = 0; i < off && (size_t)i < len; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

int qlex_error(obs_err_t *err, const char *text, size_t len, int off, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = OBS_EINVAL;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        qlex_linecol(text, len, off, &err->line, &err->col);
    }
    return OBS_EINVAL;
}

void qtok_free(qtok_t *tok)
{
    free(tok->str);
    free(tok->path);
    memset(tok, 0, sizeof *tok);
}

const char *qlex_unit_name(qperiod_unit_t u)
{
    static const char *const names[] = { "ms", "s", "m", "h", "d", "w", "mo", "q", "y" };
    return (unsigned)u < sizeof names / sizeof *names ? names[u] : "?";
}

/* Unit spellings (§6.4); `plural` allows a trailing 's'. */
static const struct { const char *name; qperiod_unit_t unit; int plural; } units[] = {
    { "ms", QPU_MS, 0 }, { "msec", QPU_MS, 1 }, { "millisecond", QPU_MS, 1 },
    { "s", QPU_S, 0 }, { "sec", QPU_S, 1 }, { "second", QPU_S, 1 },
    { "m", QPU_M, 0 }, { "min", QPU_M, 1 }, { "minute", QPU_M, 1 },
    { "h", QPU_H, 0 }, { "hr", QPU_H, 1 }, { "hour", QPU_H, 1 },
    { "d", QPU_D, 0 }, { "day", QPU_D, 1 },
    { "w", QPU_W, 0 }, { "week", QPU_W, 1 },
    { "mo", QPU_MO, 1 }, { "mon", QPU_MO, 1 }, { "month", QPU_MO, 1 },
    { "q", QPU_Q, 0 }, { "qtr", QPU_Q, 1 }, { "quarter", QPU_Q, 1 },
    { "y", QPU_Y, 0 }, { "yr", QPU_Y, 1 }, { "year", QPU_Y, 1 },
};

static int find_unit(const char *s, size_t n, qperiod_unit_t *out)
{
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        size_t l = strlen(units[i].name);
        if ((n == l || (units[i].plural && n == l + 1 && (s[l] | 0x20) == 's')) &&
            strncasecmp(s, units[i].name, l) == 0) {
            *out = units[i].unit;
            return 1;
        }
    }
    return 0;
}

static int is_word_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c == '@' || c >= 0x80;
}

static int is_word(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '@' || c >= 0x80;
}

/* A field name or keyword: segments separated by '.', each made of word
 * characters and `backticked` parts; [digits] is a segment of its own. */
static int lex_ident(const char *t, size_t len, int i, qtok_t *tok, obs_err_t *err)
{
    buf_t name = { 0 }, path = { 0 };
    int seglen = 0;      /* bytes in the current segment */
    int plain = 1;
    int start = i;
    for (;;) {
        unsigned char c = (size_t)i < len ? (unsigned char)t[i] : 0;
        if ((size_t)i < len && c == '`') {
            int open = i++;
            int s = i;
            while ((size_t)i < len && t[i] != '`' && t[i] != '\n')
                i++;
            if ((size_t)i >= len || t[i] != '`') {
                free(name.p);
                free(path.p);
                return qlex_error(err, t, len, open, "unterminated `: missing closing backtick");
            }
            if (i == s) {
                free(name.p);
                free(path.p);
                return qlex_error(err, t, len, open, "empty field name in backticks");
            }
            buf_put(&name, t + s, (size_t)(i - s));
            /* CloudWatch flattens nested JSON into names with dots, so
             * `user.id` is the field user.id: its dots separate segments
             * in the path too, and the emitters find {"user": {"id": ..}}
             * first, then a key "user.id" itself (docs/query-language.md
             * §4.2). A dot at an end or next to another stays in the key. */
            int split = t[s] != '.' && t[i - 1] != '.';
            for (int k = s; k + 1 < i; k++)
                split &= !(t[k] == '.' && t[k + 1] == '.');
            for (int k = s; k < i; k++)
                buf_putc(&path, split && t[k] == '.' ? '\x1f' : t[k]);
            seglen += i - s;
            i++;
            plain = 0;
        } else if ((size_t)i < len && is_word(c)) {
            if (c == '@' || c >= 0x80 || (seglen == 0 && isdigit(c)))
                plain = 0;
            buf_putc(&name, (char)c);
            buf_putc(&path, (char)c);
            seglen++;
            i++;
        } else if ((size_t)i < len && c == '.' && (size_t)i + 1 < len &&
                   (is_word((unsigned char)t[i + 1]) || t[i + 1] == '`') && seglen > 0) {
            buf_putc(&name, '.');
            buf_putc(&path, '\x1f');
            seglen = 0;
            plain = 0;
            i++;
        } else if ((size_t)i < len && c == '[' && seglen > 0 &&
                   !(plain && name.len == 2 && strncasecmp(name.p, "in", 2) == 0)) {
            int j = i + 1;
            while ((size_t)j < len && isdigit((unsigned char)t[j]))
                j++;
            if (j == i + 1 || (size_t)j >= len || t[j] != ']')
                break;  /* not an index: '[' is a token of its own */
            buf_put(&name, t + i, (size_t)(j + 1 - i));
            buf_putc(&path, '\x1f');
            buf_put(&path, t + i + 1, (size_t)(j - i - 1));
            i = j + 1;
            plain = 0;
            /* an index ends its segment: what follows is '.', '[' or the end */
            if ((size_t)i < len && t[i] == '.' && (size_t)i + 1 < len &&
                (is_word((unsigned char)t[i + 1]) || t[i + 1] == '`')) {
                buf_putc(&name, '.');
                buf_putc(&path, '\x1f');
                seglen = 0;
                i++;
            } else if ((size_t)i < len && t[i] == '[') {
                seglen = 1;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    tok->kind = QT_IDENT;
    tok->start = start;
    tok->end = i;
    tok->plain = plain;
    tok->str = buf_take(&name);
    tok->path = buf_take(&path);
    return 0;
}

static int lex_number(const char *t, size_t len, int i, qtok_t *tok, obs_err_t *err)
{
    int start = i, integral = 1;
    while ((size_t)i < len && isdigit((unsigned char)t[i]))
        i++;
    if ((size_t)i + 1 < len && t[i] == '.' && isdigit((unsigned char)t[i + 1])) {
        integral = 0;
        i++;
        while ((size_t)i < len && isdigit((unsigned char)t[i]))
            i++;
    }
    if ((size_t)i < len && (t[i] == 'e' || t[i] == 'E')) {
        int j = i + 1;
        if ((size_t)j < len && (t[j] == '+' || t[j] == '-'))
            j++;
        if ((size_t)j < len && isdigit((unsigned char)t[j])) {
            integral = 0;
            i = j;
            while ((size_t)i < len && isdigit((unsigned char)t[i]))
                i++;
        }
    }
    int num_end = i;
    while ((size_t)i < len && is_word((unsigned char)t[i]))
        i++;
    char buf[64];
    int n = num_end - start;
    if (n >= (int)sizeof buf)
        n = (int)sizeof buf - 1;  /* absurdly long: precision is lost anyway */
    memcpy(buf, t + start, (size_t)n);
    buf[n] = '\0';
    tok->start = start;
    tok->end = i;
    if (i == num_end) {
        tok->kind = QT_NUMBER;
        tok->num = strtod(buf, NULL);
        return 0;
    }
    qperiod_unit_t u;
    if (!find_unit(t + num_end, (size_t)(i - num_end), &u))
        return qlex_error(err, t, len, start, "invalid number '%.*s'",
                          i - start > 40 ? 40 : i - start, t + start);
    if (!integral)
        return qlex_error(err, t, len, start, "time period '%.*s' must be a whole number",
                          i - start > 40 ? 40 : i - start, t + start);
    if (num_end - start > 9)
        return qlex_error(err, t, len, start, "time period '%.*s' is too large",
                          i - start > 40 ? 40 : i - start, t + start);
    tok->kind = QT_PERIOD;
    tok->period_n = strtoll(buf, NULL, 10);
    tok->unit = u;
    return 0;
}

static int lex_string(const char *t, size_t len, int i, qtok_t *tok, obs_err_t *err)
{
    char q = t[i];
    int start = i++;
    buf_t b = { 0 };
    while ((size_t)i < len && t[i] != q) {
        if (t[i] == '\\' && (size_t)i + 1 < len) {
            char c = t[i + 1];
            switch (c) {
            case 'n': buf_putc(&b, '\n'); break;
            case 't': buf_putc(&b, '\t'); break;
            case 'r': buf_putc(&b, '\r'); break;
            case '\\': case '"': case '\'': buf_putc(&b, c); break;
            default: buf_putc(&b, '\\'); buf_putc(&b, c); break;  /* kept: regex patterns */
            }
            i += 2;
        } else {
            buf_putc(&b, t[i++]);
        }
    }
    if ((size_t)i >= len) {
        free(b.p);
        return qlex_error(err, t, len, start, "unterminated string: missing closing %c", q);
    }
    tok->kind = QT_STRING;
    tok->start = start;
    tok->end = i + 1;
    tok->str = buf_take(&b);
    return 0;
}

/* The end of a /regex/ that starts at t[i] (its opening '/'): the index of
 * its closing '/', or len when there is none. With classes set, a '/'
 * inside a character class [...] does not close it (as in /[^/]+/); a ']'
 * first in a class ([]...] or [^]...]) is literal, as in PCRE2. */
static size_t regex_end(const char *t, size_t len, size_t i, int classes)
{
    int in_class = 0;
    size_t lit = 0;  /* in a class: a ']' at or before this index is literal */
    for (i++; i < len; i++) {
        if (t[i] == '\\' && i + 1 < len) {
            i++;
        } else if (in_class) {
            if (t[i] == ']' && i > lit)
                in_class = 0;
        } else if (t[i] == '[' && classes) {
            in_class = 1;
            lit = i + 1;
            if (lit < len && t[lit] == '^')
                lit++;
        } else if (t[i] == '/') {
            return i;
        }
    }
    return len;
}

static int lex_regex(const char *t, size_t len, int i, qtok_t *tok, obs_err_t *err)
{
    int start = i++;
    /* a class that never closes: the first '/' ends the regex, as before */
    size_t end = regex_end(t, len, (size_t)start, 1);
    if (end >= len)
        end = regex_end(t, len, (size_t)start, 0);
    buf_t b = { 0 };
    while ((size_t)i < end) {
        if (t[i] == '\\' && (size_t)i + 1 < len) {
            if (t[i + 1] != '/')
                buf_putc(&b, '\\');
            buf_putc(&b, t[i + 1]);
            i += 2;
        } else {
            buf_putc(&b, t[i++]);
        }
    }
    if ((size_t)i >= len) {
        free(b.p);
        return qlex_error(err, t, len, start, "unterminated regex: missing closing /");
    }
    tok->kind = QT_REGEX;
    tok->start = start;
    tok->end = i + 1;
    tok->str = buf_take(&b);
    return 0;
}

int qlex_next(const char *t, size_t len, int pos, int flags, qtok_t *tok, obs_err_t *err)
{
    memset(tok, 0, sizeof *tok);
    int i = pos;
    for (;;) {
        while ((size_t)i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' ||
                                   t[i] == '\r' || t[i] == '\f' || t[i] == '\v'))
            i++;
        if ((size_t)i < len && t[i] == '#') {
            while ((size_t)i < len && t[i] != '\n')
                i++;
            continue;
        }
        break;
    }
    tok->start = tok->end = i;
    if ((size_t)i >= len) {
        tok->kind = QT_EOF;
        return 0;
    }
    unsigned char c = (unsigned char)t[i];
    if (isdigit(c))
        return lex_number(t, len, i, tok, err);
    if (is_word_start(c) || c == '`')
        return lex_ident(t, len, i, tok, err);
    if (c == '"' || c == '\'')
        return lex_string(t, len, i, tok, err);
    if (c == '/' && (flags & QLEX_REGEX))
        return lex_regex(t, len, i, tok, err);
    char d = (size_t)i + 1 < len ? t[i + 1] : 0;
    int n = 1;
    switch (c) {
    case '|': tok->kind = QT_PIPE; break;
    case ',': tok->kind = QT_COMMA; break;
    case '(': tok->kind = QT_LPAREN; break;
    case ')': tok->kind = QT_RPAREN; break;
    case '[': tok->kind = QT_LBRACK; break;
    case ']': tok->kind = QT_RBRACK; break;
    case '+': tok->kind = QT_PLUS; break;
    case '-': tok->kind = QT_MINUS; break;
    case '*': tok->kind = QT_STAR; break;
    case '/': tok->kind = QT_SLASH; break;
    case '%': tok->kind = QT_PERCENT; break;
    case '^': tok->kind = QT_CARET; break;
    case ':': tok->kind = QT_COLON; break;
    case '=':
        if (d == '=') { tok->kind = QT_EQEQ; n = 2; }
        else if (d == '~') { tok->kind = QT_MATCH; n = 2; }
        else tok->kind = QT_EQ;
        break;
    case '!':
        if (d == '=') {
            tok->kind = QT_NE;
            n = 2;
        } else {
            tok->kind = QT_BANG;   /* the parser takes it only where 'not' goes */
        }
        break;
    case '<':
        if (d == '=') { tok->kind = QT_LE; n = 2; }
        else tok->kind = QT_LT;
        break;
    case '>':
        if (d == '=') { tok->kind = QT_GE; n = 2; }
        else tok->kind = QT_GT;
        break;
    default:
        if (isprint(c))
            return qlex_error(err, t, len, i, "unexpected character '%c'", c);
        return qlex_error(err, t, len, i, "unexpected byte 0x%02x", c);
    }
    tok->end = i + n;
    return 0;
}
