/* agent/tail/tail_import_summary.c — the summary `obsagent --once` prints at the end:
 * what was read, what was stored, what the logs say about invocations, and
 * every kind of bad input met (each counted, none dropped silently). */
#include "agent/tail/tail.h"

static void kinds_line(FILE *f, const pipeline_stats_t *s)
{
    static const lambda_kind_t order[] = {
        LK_APP, LK_PLAIN, LK_START, LK_END, LK_REPORT, LK_INIT_START, LK_INIT_REPORT,
        LK_RESTORE_REPORT, LK_EXTENSION, LK_TELEMETRY, LK_TIMEOUT, LK_RUNTIME_EXIT,
        LK_ERROR_TYPE, LK_PLATFORM,
    };
    const char *sep = "";
    fprintf(f, "  events       ");
    for (size_t i = 0; i < OBS_ARRAY_LEN(order); i++) {
        if (!s->by_kind[order[i]])
            continue;
        fprintf(f, "%s%lld %s", sep, (long long)s->by_kind[order[i]], classify_kind_name(order[i]));
        sep = ", ";
    }
    fprintf(f, "%s\n", *sep ? "" : "none");
}

void import_print_summary(FILE *f, const import_report_t *rep, const pipeline_stats_t *s,
                          const char *db_path)
{
    double secs = rep->seconds > 0 ? rep->seconds : 1e-9;
    fprintf(f, "obsagent: imported %d files, %.2f MB, %lld lines in %.2f s "
               "(%.0f lines/s, %.1f MB/s) into %s\n",
            rep->files_read, (double)s->bytes / 1e6, (long long)s->lines, rep->seconds,
            (double)s->lines / secs, (double)s->bytes / 1e6 / secs, db_path);
    if (rep->files_unchanged || rep->files_replaced || rep->files_skipped || rep->files_failed)
        fprintf(f, "  files        %d unchanged since the last import, %d replaced (read again "
                   "from the start), %d archives and rotated copies skipped (by name), %d unreadable\n",
                rep->files_unchanged, rep->files_replaced, rep->files_skipped, rep->files_failed);
    if (rep->files_not_logs)
        fprintf(f, "  not logs     %d files of the directories left out: documentation, code, templates, "
                   "or JSON that is no log export (each named above; name a file to read it)\n",
                rep->files_not_logs);
    if (rep->files_whole || rep->files_whole_changed)
        fprintf(f, "  read whole   %d gzip files and documents (exports, filter-log-events, Logs Insights "
                   "results, subscription envelopes)%s%d grown since they were read, not read again\n",
                rep->files_whole, ", ", rep->files_whole_changed);
    if (rep->files_recovered)
        fprintf(f, "  recovered    %d files rotated away or copied since the last import: their unread "
                   "part read\n", rep->files_recovered);
    fprintf(f, "  lines        %lld new lines: %lld stored as events, %lld empty lines (not stored)",
            (long long)s->lines, (long long)s->events, (long long)s->empty);
    if (s->wrapper_lines)
        fprintf(f, ", %lld lines of the wrapper's own (not stored: the console's time lines, "
                   "Copy labels and a message's other copy; sam logs' X-Ray traces)",
                (long long)s->wrapper_lines);
    if (s->multiline_joined)
        fprintf(f, ", %lld continuation lines joined into %lld multi-line events",
                (long long)s->multiline_joined, (long long)s->multiline_events);
    if (s->multiline_capped)
        fprintf(f, " (%lld continued a full event: they start a new one)",
                (long long)s->multiline_capped);
    fputc('\n', f);
    kinds_line(f, s);
    fprintf(f, "  invocations  %lld invocations, %lld cold starts, %lld errors: %lld handler errors, "
               "%lld timeouts, %lld crashes, %lld out-of-memory\n",
            (long long)s->invocations, (long long)s->cold_starts,
            (long long)(s->errors + s->timeouts + s->crashes + s->oom), (long long)s->errors,
            (long long)s->timeouts, (long long)s->crashes, (long long)s->oom);
    fprintf(f, "  throttling   %lld throttle signals (throttling errors and HTTP 429s logged by "
               "the functions; throttled invokes never reach function logs)\n",
            (long long)s->throttle);
    fprintf(f, "  emf          %lld EMF documents, %lld metric points, %lld parsing errors, "
               "%lld validation errors%s\n",
            (long long)s->emf_documents, (long long)s->emf_points, (long long)s->emf_parse_errors,
            (long long)s->emf_invalid,
            s->emf_parse_errors + s->emf_invalid ? " (obsq metrics --errors says why)" : "");
    fprintf(f, "  bad input    %lld truncated, %lld invalid UTF-8, %lld with NUL bytes, "
               "%lld without final newline\n",
            (long long)s->truncated, (long long)s->invalid_utf8, (long long)s->nul,
            (long long)s->no_newline);
    if (s->time_absurd)
        fprintf(f, "  absurd time  %lld events timed before 2000 or over a day past their arrival: "
                   "stored and flagged (obsq 'filter @absurdTime = 1')\n",
                (long long)s->time_absurd);
    if (s->emulated)
        fprintf(f, "  emulated     %lld invocations ran in an emulator (SAM local, the runtime "
                   "interface emulator, serverless-offline): their memory figures are not real "
                   "and are left out\n", (long long)s->emulated);
    if (s->outcome_unattributed)
        fprintf(f, "  unattributed %lld lines said how an invocation went without naming it, and no "
                   "one invocation was in flight to take them (none, or several; stored, no invocation "
                   "marked)\n",
                (long long)s->outcome_unattributed);
    if (s->unrecognised)
        fprintf(f, "  unrecognised %lld lines look like Lambda's platform lines but are not a shape "
                   "obs knows, e.g.\n               %s\n               (stored, tied to no invocation; "
                   "a wrapper around them? try --format, see docs/formats.md)\n",
                (long long)s->unrecognised, s->unrecognised_first);
}
