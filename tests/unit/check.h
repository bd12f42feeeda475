/* tests/unit/check.h — a small unit-test harness. A test file defines
 * `static void test_x(void)` functions, lists them in TEST_LIST, and includes
 * this header once with CHECK_MAIN defined to get a main() that runs them and
 * ends with the line "N passed, N failed" (tests/run.sh sums these lines).
 *
 *   #define CHECK_MAIN
 *   #include "tests/unit/check.h"
 *   static void test_parse(void) { CHECK_EQ_INT(parse("1"), 1); }
 *   TEST_LIST = { TEST(test_parse), TEST_END };
 */
#ifndef OBS_CHECK_H
#define OBS_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct check_case {
    const char *name;
    void (*fn)(void);
} check_case_t;

extern const check_case_t check_cases[];
extern int check_failures;  /* failures in the current test */

#define TEST_LIST const check_case_t check_cases[]
#define TEST(fn) { #fn, fn }
#define TEST_END { NULL, NULL }

static inline void check_fail_(const char *file, int line, const char *what)
{
    fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
    check_failures++;
}

#define CHECK(cond)                                                  \
    do {                                                             \
        if (!(cond))                                                 \
            check_fail_(__FILE__, __LINE__, #cond);                  \
    } while (0)

#define CHECK_EQ_INT(a, b)                                           \
    do {                                                             \
        long long a_ = (long long)(a), b_ = (long long)(b);          \
        if (a_ != b_) {                                              \
            char m_[256];                                            \
            snprintf(m_, sizeof m_, "%.100s == %.100s (%lld != %lld)", #a, #b, a_, b_); \
            check_fail_(__FILE__, __LINE__, m_);                     \
        }                                                            \
    } while (0)

#define CHECK_NEAR(a, b, eps)                                        \
    do {                                                             \
        double a_ = (double)(a), b_ = (double)(b);                   \
        if (!(fabs(a_ - b_) <= (eps))) {                             \
            char m_[256];                                            \
            snprintf(m_, sizeof m_, "%.100s ~= %.100s (%.17g vs %.17g)", #a, #b, a_, b_); \
            check_fail_(__FILE__, __LINE__, m_);                     \
        }                                                            \
    } while (0)

/* Compare a NUL-terminated string (NULL allowed) with an expected one. */
#define CHECK_EQ_STR(a, b)                                           \
    do {                                                             \
        const char *a_ = (a), *b_ = (b);                             \
        if ((a_ == NULL) != (b_ == NULL) || (a_ && strcmp(a_, b_) != 0)) { \
            char m_[1024];                                           \
            snprintf(m_, sizeof m_, "%.200s == %.200s (\"%.280s\" != \"%.280s\")", \
                     #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
            check_fail_(__FILE__, __LINE__, m_);                     \
        }                                                            \
    } while (0)

/* Compare a (pointer, length) span with an expected NUL-terminated string;
 * expected NULL means "the span is empty/absent" (p == NULL or len == 0). */
#define CHECK_SPAN(sp, b)                                            \
    do {                                                             \
        const char *b_ = (b);                                        \
        int ok_ = b_ == NULL ? ((sp).p == NULL || (sp).len == 0)     \
                  : ((sp).p != NULL && (sp).len == strlen(b_) &&     \
                     memcmp((sp).p, b_, (sp).len) == 0);             \
        if (!ok_) {                                                  \
            char m_[512];                                            \
            snprintf(m_, sizeof m_, "%s == \"%s\" (got \"%.*s\")", #sp, \
                     b_ ? b_ : "(absent)", (sp).p ? (int)(sp).len : 6, \
                     (sp).p ? (sp).p : "(null)");                    \
            check_fail_(__FILE__, __LINE__, m_);                     \
        }                                                            \
    } while (0)

#ifdef CHECK_MAIN
int check_failures;

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (const check_case_t *c = check_cases; c->name; c++) {
        if (argc > 1 && !strstr(c->name, argv[1]))
            continue;
        check_failures = 0;
        c->fn();
        if (check_failures) {
            failed++;
            fprintf(stderr, "FAIL %s\n", c->name);
        } else {
            passed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
#endif

#endif
