/* common/limits.h — concurrency limits by function name: the rows of
 * --concurrency-limit FUNCTION=N (a function's reserved concurrency) and the
 * account limit (--account-limit N, default 1,000) every other function and
 * the account-wide total are held to. Pure. */
#ifndef OBS_COMMON_LIMITS_H
#define OBS_COMMON_LIMITS_H

#include <stddef.h>

#define LIMITS_ACCOUNT_DEFAULT 1000
#define LIMITS_MAX 64

/* The share of a limit at which a level is "near" it (80%) and at it. */
#define LIMITS_NEAR 0.8

typedef struct limits {
    int account;                  /* the account's concurrency limit */
    int n;
    struct {
        char name[128];
        int limit;
    } fn[LIMITS_MAX];
} limits_t;

void limits_init(limits_t *l);

/* Add "FUNCTION=N" (N a whole number >= 1; a later row for the same name
 * replaces it): 0, or -1 with why in why[0..n). */
int limits_add(limits_t *l, const char *arg, char *why, size_t n);
/* Set the account limit from "N": 0, or -1 with why. */
int limits_set_account(limits_t *l, const char *arg, char *why, size_t n);

/* A function's limit: its own row, else the account's. *own (may be NULL)
 * gets 1 when it has a row. */
int limits_of(const limits_t *l, const char *function, int *own);

/* The lowest level that is at least share x limit (80% of 1,000: 800; of
 * 5: 4). */
int limits_level(int limit, double share);

#endif
