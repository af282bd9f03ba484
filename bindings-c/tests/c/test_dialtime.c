/*
 * C tests of libdialtime against the in-process emulator: the shared vectors, every status,
 * NULL and non-UTF-8 arguments, ownership of every output, 8 threads on one client.
 * Built with -Wall -Wextra -Werror and run under valgrind by `make test-c`.
 *
 * usage: test_dialtime VECTORS_TXT   (made by vectors_to_text.py)
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dialtime.h"

static int failures = 0;

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
      failures++;                                                                   \
    }                                                                               \
  } while (0)

#define CHECK_STATUS(got, want)                                                     \
  do {                                                                              \
    dialtime_status got_ = (got);                                                   \
    if (got_ != (want)) {                                                           \
      fprintf(stderr, "%s:%d: status %d, expected %d (%s)\n", __FILE__, __LINE__,   \
              (int)got_, (int)(want), #want);                                       \
      failures++;                                                                   \
    }                                                                               \
  } while (0)

static const char *DOCUMENTED =
    "{\"name\":\"周一周三拨打\",\"content\":["
    "{\"week\":1,\"times\":[{\"begin_time\":\"08:00\",\"end_time\":\"20:00\"},"
    "{\"begin_time\":\"20:30\",\"end_time\":\"22:00\"}]},"
    "{\"week\":3,\"times\":[{\"begin_time\":\"08:00\",\"end_time\":\"12:00\"}]}],"
    "\"is_default\":true,\"skip_holiday\":true}";

/* Builds a client for `base_url` with `token`; timeout_ms 0 keeps the default. Returns the
 * build status; `*client` is written only on success. */
static dialtime_status build_client(const char *base_url, const char *token, int64_t timeout_ms,
                                    int64_t max_retries, dialtime_client **client, dialtime_error **err) {
  dialtime_client_builder *b = NULL;
  CHECK_STATUS(dialtime_client_builder_new(&b, NULL), DIALTIME_STATUS_OK);
  dialtime_status st = dialtime_client_builder_set_base_url(b, base_url, err);
  if (st == DIALTIME_STATUS_OK) st = dialtime_client_builder_set_token(b, token, err);
  if (st == DIALTIME_STATUS_OK && timeout_ms != 0) st = dialtime_client_builder_set_timeout_ms(b, timeout_ms, err);
  if (st == DIALTIME_STATUS_OK) st = dialtime_client_builder_set_max_retries(b, max_retries, err);
  if (st == DIALTIME_STATUS_OK) st = dialtime_client_builder_build(b, client, err);
  dialtime_client_builder_free(b);
  return st;
}

static dialtime_client *client_for(const dialtime_emulator *emu, const char *token,
                                   int64_t timeout_ms) {
  dialtime_client *client = NULL;
  CHECK_STATUS(build_client(dialtime_emulator_base_url(emu), token, timeout_ms, 0, &client, NULL), DIALTIME_STATUS_OK);
  return client;
}

/* ---- the shared vectors ---------------------------------------------------------------- */

static dialtime_status status_named(const char *name) {
  static const struct { const char *name; dialtime_status status; } names[] = {
      {"OK", DIALTIME_STATUS_OK},         {"VALIDATION", DIALTIME_STATUS_VALIDATION},
      {"AUTHENTICATION", DIALTIME_STATUS_AUTHENTICATION},
      {"NOT_FOUND", DIALTIME_STATUS_NOT_FOUND}, {"RATE_LIMITED", DIALTIME_STATUS_RATE_LIMITED},
      {"API", DIALTIME_STATUS_API},       {"SERVER", DIALTIME_STATUS_SERVER},
      {"DECODE", DIALTIME_STATUS_DECODE},  {"TIMEOUT", DIALTIME_STATUS_TIMEOUT},
      {"CONNECTION", DIALTIME_STATUS_CONNECTION},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcmp(names[i].name, name) == 0) return names[i].status;
  }
  return DIALTIME_STATUS_PANIC;
}

/* Splits `line` in place at tabs; returns the number of fields. */
static size_t split(char *line, char **fields, size_t max) {
  size_t n = 0;
  char *p = line;
  while (n < max) {
    fields[n++] = p;
    char *tab = strchr(p, '\t');
    if (!tab) break;
    *tab = '\0';
    p = tab + 1;
  }
  return n;
}

static void check_problem_paths(const dialtime_error *err, char *expected) {
  size_t i = 0;
  char *rest = expected;
  while (rest && *rest) {
    char *sep = strchr(rest, '\x1f');
    if (sep) *sep = '\0';
    const char *path = dialtime_error_problem_path(err, i);
    if (!path || strcmp(path, rest) != 0) {
      fprintf(stderr, "problem %zu: got %s, expected %s\n", i, path ? path : "(none)", rest);
      failures++;
    }
    CHECK(dialtime_error_problem_message(err, i) != NULL);
    i++;
    rest = sep ? sep + 1 : NULL;
  }
  CHECK(dialtime_error_problem_count(err) == i);
  CHECK(dialtime_error_problem_path(err, i) == NULL);
}

/* ---- the fault matrix (faults.json): every fault x every operation ---------------------- */

struct matrix {
  char *seed, *create, *update;
  int64_t max_retries, timeout_ms;
};

struct cell {
  char *fault, *spec, *op;
  dialtime_status want;
  unsigned long requests;
};

static struct matrix the_matrix;
static struct cell *cells;
static size_t cell_count;

static int64_t id_in(const char *json) {
  const char *at = json ? strstr(json, "\"id\":") : NULL;
  return at ? strtoll(at + 5, NULL, 10) : 0;
}

/* Runs one cell on a fresh emulator; returns the number of failed checks. */
static int run_cell(const struct cell *c) {
  int bad = 0;
  dialtime_emulator *emu = NULL;
  if (dialtime_emulator_start(&emu, NULL) != DIALTIME_STATUS_OK) return 1;
  const char *user = dialtime_emulator_user_id(emu);
  dialtime_client *clean = NULL;
  build_client(dialtime_emulator_base_url(emu), dialtime_emulator_token(emu), 0, 0, &clean, NULL);
  char *seeded = NULL;
  dialtime_dial_time_groups_create_json(clean, user, the_matrix.seed, NULL, &seeded, NULL);
  const int64_t id = id_in(seeded);
  dialtime_string_free(seeded);

  char url[256];
  if (strcmp(c->spec, "refused") == 0) {
    dialtime_emulator *gone = NULL;
    dialtime_emulator_start(&gone, NULL);
    snprintf(url, sizeof url, "%s", dialtime_emulator_base_url(gone));
    dialtime_emulator_free(gone);
  } else {
    snprintf(url, sizeof url, "%s", dialtime_emulator_base_url(emu));
    if (dialtime_emulator_push_fault_json(emu, c->spec, NULL, NULL) != DIALTIME_STATUS_OK) bad++;
  }
  dialtime_client *client = NULL;
  build_client(url, dialtime_emulator_token(emu), the_matrix.timeout_ms, the_matrix.max_retries, &client, NULL);
  const uint64_t before = dialtime_emulator_request_count(emu);
  dialtime_error *err = NULL;
  dialtime_status got = DIALTIME_STATUS_PANIC;
  if (strcmp(c->op, "create") == 0) {
    char *out = NULL;
    got = dialtime_dial_time_groups_create_json(client, user, the_matrix.create, NULL, &out, &err);
    dialtime_string_free(out);
  } else if (strcmp(c->op, "list") == 0) {
    dialtime_page *page = NULL;
    got = dialtime_dial_time_groups_list(client, user, 1, NULL, NULL, &page, &err);
    dialtime_page_free(page);
  } else if (strcmp(c->op, "list_all") == 0) {
    dialtime_group_cursor *cursor = NULL;
    got = dialtime_dial_time_groups_list_all(client, user, NULL, NULL, &cursor, &err);
    while (got == DIALTIME_STATUS_OK) {
      dialtime_group *g = NULL;
      got = dialtime_group_cursor_next(cursor, &g, &err);
      if (!g) break;
      dialtime_group_free(g);
    }
    dialtime_group_cursor_free(cursor);
  } else if (strcmp(c->op, "update") == 0) {
    char *out = NULL;
    got = dialtime_dial_time_groups_update_json(client, user, id, the_matrix.update, NULL, &out, &err);
    dialtime_string_free(out);
  } else if (strcmp(c->op, "delete") == 0) {
    got = dialtime_dial_time_groups_delete(client, user, id, NULL, NULL, &err);
  } else if (strcmp(c->op, "ensure") == 0) {
    dialtime_new_group *wanted = NULL;
    dialtime_new_group_from_json(the_matrix.seed, &wanted, NULL);
    dialtime_group *g = NULL;
    dialtime_outcome outcome = DIALTIME_OUTCOME_CREATED;
    got = dialtime_dial_time_groups_ensure(client, user, wanted, NULL, &g, &outcome, &err);
    dialtime_group_free(g);
    dialtime_new_group_free(wanted);
  }
  dialtime_emulator_clear_faults(emu);
  const uint64_t requests = dialtime_emulator_request_count(emu) - before;
  if (got != c->want || requests != c->requests) {
    fprintf(stderr, "fault matrix: %s x %s: status %d (%s), %llu requests; expected status %d, %lu requests\n",
            c->fault, c->op, (int)got, err ? dialtime_error_message(err) : "ok", (unsigned long long)requests,
            (int)c->want, c->requests);
    bad++;
  }
  dialtime_error_free(err);
  if (strcmp(c->op, "create") == 0) {
    int named = 0;
    dialtime_group_cursor *cursor = NULL;
    dialtime_dial_time_groups_list_all(clean, user, NULL, NULL, &cursor, NULL);
    for (;;) {
      dialtime_group *g = NULL;
      if (dialtime_group_cursor_next(cursor, &g, NULL) != DIALTIME_STATUS_OK || !g) break;
      if (strcmp(dialtime_group_name(g), "matrix") == 0) named++;
      dialtime_group_free(g);
    }
    dialtime_group_cursor_free(cursor);
    if (named > 1) {
      fprintf(stderr, "fault matrix: %s x create: %d groups were created\n", c->fault, named);
      bad++;
    }
  }
  dialtime_client_free(client);
  dialtime_client_free(clean);
  dialtime_emulator_free(emu);
  return bad;
}

struct matrix_worker {
  size_t first, end;
  int bad;
};

static void *matrix_work(void *arg) {
  struct matrix_worker *w = arg;
  for (size_t i = w->first; i < w->end; i++) w->bad += run_cell(&cells[i]);
  return NULL;
}

/* The cells of each fault run on a thread of their own (one emulator per cell). */
static void test_fault_matrix(void) {
  CHECK(cell_count >= 90 && the_matrix.seed != NULL);
  struct matrix_worker workers[32];
  pthread_t threads[32];
  size_t n = 0;
  for (size_t i = 0; i < cell_count && n < 32;) {
    size_t j = i;
    while (j < cell_count && strcmp(cells[j].fault, cells[i].fault) == 0) j++;
    workers[n] = (struct matrix_worker){i, j, 0};
    CHECK(pthread_create(&threads[n], NULL, matrix_work, &workers[n]) == 0);
    n++;
    i = j;
  }
  for (size_t t = 0; t < n; t++) {
    pthread_join(threads[t], NULL);
    failures += workers[t].bad;
  }
  for (size_t i = 0; i < cell_count; i++) {
    free(cells[i].fault);
    free(cells[i].spec);
    free(cells[i].op);
  }
  free(cells);
  free(the_matrix.seed);
  free(the_matrix.create);
  free(the_matrix.update);
}

static char *copy(const char *s) {
  size_t n = strlen(s) + 1;
  char *out = malloc(n);
  if (out) memcpy(out, s, n);
  return out;
}

static void test_vectors(const char *file) {
  FILE *f = fopen(file, "r");
  CHECK(f != NULL);
  if (!f) return;
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = client_for(emu, dialtime_emulator_token(emu), 0);
  const char *user = dialtime_emulator_user_id(emu);

  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int counts[5] = {0, 0, 0, 0, 0};
  while ((len = getline(&line, &cap, f)) > 0) {
    if (line[len - 1] == '\n') line[len - 1] = '\0';
    char *fields[6] = {0};
    size_t n = split(line, fields, 6);
    dialtime_error *err = NULL;
    if (strcmp(fields[0], "V") == 0 && n == 2) {
      counts[0]++;
      CHECK_STATUS(dialtime_validate_json(fields[1], &err), DIALTIME_STATUS_OK);
      char *saved = NULL;
      CHECK_STATUS(dialtime_dial_time_groups_create_json(client, user, fields[1], NULL, &saved, &err),
                   DIALTIME_STATUS_OK);
      CHECK(saved != NULL && strstr(saved, "\"id\":") != NULL);
      dialtime_string_free(saved);
    } else if (strcmp(fields[0], "I") == 0 && n >= 2) {
      counts[1]++;
      CHECK_STATUS(dialtime_validate_json(fields[1], &err), DIALTIME_STATUS_VALIDATION);
      CHECK(dialtime_error_kind(err) == DIALTIME_STATUS_VALIDATION);
      check_problem_paths(err, n > 2 ? fields[2] : "");
    } else if (strcmp(fields[0], "R") == 0 && n == 5) {
      counts[2]++;
      CHECK_STATUS(dialtime_emulator_push_fault_json(emu, fields[1], NULL, NULL), DIALTIME_STATUS_OK);
      char *saved = NULL;
      dialtime_status want = status_named(fields[2]);
      dialtime_status got = dialtime_dial_time_groups_create_json(client, user, DOCUMENTED, NULL, &saved, &err);
      if (got != want) fprintf(stderr, "response %s: status %d\n", fields[1], (int)got);
      CHECK(got == want);
      if (want == DIALTIME_STATUS_OK) {
        CHECK(saved != NULL && strcmp(saved, fields[4]) == 0);
      } else {
        CHECK(saved == NULL); /* outputs are written only on success */
        CHECK(dialtime_error_http_status(err) == (uint16_t)atoi(fields[3]));
      }
      dialtime_string_free(saved);
    } else if (strcmp(fields[0], "U") == 0 && n == 3) {
      counts[3]++;
      char *saved = NULL;
      CHECK_STATUS(dialtime_dial_time_groups_create_json(client, user, DOCUMENTED, NULL, &saved, NULL), DIALTIME_STATUS_OK);
      const char *id_at = saved ? strstr(saved, "\"id\":") : NULL;
      int64_t id = id_at ? strtoll(id_at + 5, NULL, 10) : 0;
      dialtime_string_free(saved);
      char *updated = NULL;
      dialtime_status got = dialtime_dial_time_groups_update_json(client, user, id, fields[1], NULL, &updated, &err);
      if (strcmp(fields[2], "OK") == 0) {
        if (got != DIALTIME_STATUS_OK) fprintf(stderr, "update %s: %s\n", fields[1], dialtime_error_message(err));
        CHECK(got == DIALTIME_STATUS_OK && updated != NULL);
      } else {
        CHECK(got == DIALTIME_STATUS_VALIDATION && updated == NULL);
        check_problem_paths(err, fields[2]);
      }
      dialtime_string_free(updated);
    } else if (strcmp(fields[0], "E") == 0 && n == 4) {
      counts[4]++;
      dialtime_emulator *fresh = NULL;
      CHECK_STATUS(dialtime_emulator_start(&fresh, NULL), DIALTIME_STATUS_OK);
      dialtime_client *c = client_for(fresh, dialtime_emulator_token(fresh), 0);
      char *saved = NULL;
      CHECK_STATUS(dialtime_dial_time_groups_create_json(c, dialtime_emulator_user_id(fresh), fields[1], NULL, &saved, NULL),
                   DIALTIME_STATUS_OK);
      dialtime_string_free(saved);
      dialtime_new_group *wanted = NULL;
      CHECK_STATUS(dialtime_new_group_from_json(fields[2], &wanted, NULL), DIALTIME_STATUS_OK);
      dialtime_group *g = NULL;
      dialtime_outcome outcome = DIALTIME_OUTCOME_CREATED;
      CHECK_STATUS(dialtime_dial_time_groups_ensure(c, dialtime_emulator_user_id(fresh), wanted, NULL, &g, &outcome, NULL),
                   DIALTIME_STATUS_OK);
      CHECK(outcome == (strcmp(fields[3], "1") == 0 ? DIALTIME_OUTCOME_UNCHANGED : DIALTIME_OUTCOME_UPDATED));
      dialtime_group_free(g);
      dialtime_new_group_free(wanted);
      dialtime_client_free(c);
      dialtime_emulator_free(fresh);
    } else if (strcmp(fields[0], "M") == 0 && n == 6) {
      the_matrix = (struct matrix){copy(fields[1]), copy(fields[2]), copy(fields[3]),
                                   strtoll(fields[4], NULL, 10), strtoll(fields[5], NULL, 10)};
    } else if (strcmp(fields[0], "F") == 0 && n == 6) {
      struct cell *grown = realloc(cells, (cell_count + 1) * sizeof *cells);
      CHECK(grown != NULL);
      if (grown) {
        cells = grown;
        cells[cell_count++] = (struct cell){copy(fields[1]), copy(fields[2]), copy(fields[3]),
                                            status_named(fields[4]), strtoul(fields[5], NULL, 10)};
      }
    } else if (fields[0][0] == 'S') {
      /* schedule lines: test_schedule_vectors */
    } else {
      fprintf(stderr, "bad vector line: %s\n", fields[0]);
      failures++;
    }
    dialtime_error_free(err);
  }
  free(line);
  fclose(f);
  CHECK(counts[0] >= 5 && counts[1] >= 20 && counts[2] >= 20 && counts[3] >= 5 && counts[4] >= 5);
  dialtime_client_free(client);
  dialtime_emulator_free(emu);
}

/* ---- typed create and the group handle --------------------------------------------------- */

static void test_typed_create(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = client_for(emu, dialtime_emulator_token(emu), 0);

  dialtime_new_group *g = NULL;
  CHECK_STATUS(dialtime_new_group_new("周一周三拨打", &g, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, 1, "08:00", "20:00", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, 3, "8:00", "12:00", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, 1, "20:30", "22:00", NULL), DIALTIME_STATUS_OK);
  dialtime_new_group_set_is_default(g, true);
  dialtime_new_group_set_skip_holiday(g, true);

  CHECK_STATUS(dialtime_new_group_validate(g, NULL), DIALTIME_STATUS_OK);

  dialtime_group *saved = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_create(client, dialtime_emulator_user_id(emu), g, NULL, &saved, NULL),
               DIALTIME_STATUS_OK);
  CHECK(dialtime_group_id(saved) == 1);
  CHECK(strcmp(dialtime_group_name(saved), "周一周三拨打") == 0);
  CHECK(strcmp(dialtime_group_user_id(saved), dialtime_emulator_user_id(emu)) == 0);
  CHECK(dialtime_group_is_default(saved) && dialtime_group_skip_holiday(saved));
  CHECK(dialtime_group_remark(saved) == NULL);
  /* Unix seconds (the instant), and the ISO text with the +08:00 offset. */
  CHECK(llabs(dialtime_group_created_at(saved) - (long long)time(NULL)) < 60);
  CHECK(dialtime_group_updated_at(saved) == dialtime_group_created_at(saved));
  CHECK(strlen(dialtime_group_created_at_text(saved)) == 25 && strstr(dialtime_group_created_at_text(saved), "+08:00") != NULL);
  CHECK(strcmp(dialtime_group_updated_at_text(saved), dialtime_group_created_at_text(saved)) == 0);
  CHECK(dialtime_group_created_at(NULL) == 0 && dialtime_group_created_at_text(NULL) == NULL);
  CHECK(dialtime_group_day_count(saved) == 2);
  CHECK(dialtime_group_day_week(saved, 0) == 1 && dialtime_group_day_week(saved, 1) == 3);
  CHECK(dialtime_group_day_week(saved, 2) == 255);
  CHECK(dialtime_group_day_range_count(saved, 0) == 2);
  CHECK(strcmp(dialtime_group_day_range_begin(saved, 0, 1), "20:30") == 0);
  CHECK(strcmp(dialtime_group_day_range_end(saved, 1, 0), "12:00") == 0);
  CHECK(dialtime_group_day_range_begin(saved, 1, 5) == NULL);
  char *json = NULL;
  CHECK_STATUS(dialtime_group_to_json(saved, &json, NULL), DIALTIME_STATUS_OK);
  CHECK(json && strstr(json, "\"begin_time\":\"08:00\"") && strstr(json, "\"remark\":null"));
  dialtime_string_free(json);
  dialtime_group_free(saved);

  /* A sub-account id is checked when saving; overlapping ranges too, all problems at once. */
  CHECK_STATUS(dialtime_new_group_set_sub_user_id(g, "not-a-uuid", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, 1, "19:00", "21:00", NULL), DIALTIME_STATUS_OK);
  dialtime_error *err = NULL;
  saved = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_create(client, dialtime_emulator_user_id(emu), g, NULL, &saved, &err),
               DIALTIME_STATUS_VALIDATION);
  CHECK(saved == NULL && dialtime_error_problem_count(err) >= 2);
  dialtime_error_free(err);
  CHECK(dialtime_emulator_request_count(emu) == 1);

  dialtime_new_group_free(g);

  /* Every problem at once, with its path, through the core's builder: an empty name, a
   * reversed range in content[0], week 9 in content[1], an unparsable time in content[2]. */
  g = NULL;
  CHECK_STATUS(dialtime_new_group_new(" ", &g, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, 1, "20:00", "08:00", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, 9, "08:00", "09:00", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, 2, "25:00", "8h", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, -1, "08:00", "09:00", NULL), DIALTIME_STATUS_OK);
  err = NULL;
  CHECK_STATUS(dialtime_new_group_validate(g, &err), DIALTIME_STATUS_VALIDATION);
  const char *want[] = {"name", "content[0].times[0].end_time", "content[1].week",
                        "content[2].times[0].begin_time", "content[2].times[0].end_time", "content[3].week"};
  CHECK(dialtime_error_problem_count(err) == sizeof want / sizeof want[0]);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    const char *path = dialtime_error_problem_path(err, i);
    if (!path || strcmp(path, want[i]) != 0) {
      fprintf(stderr, "problem %zu: got %s, expected %s\n", i, path ? path : "(none)", want[i]);
      failures++;
    }
  }
  dialtime_error_free(err);
  err = NULL;
  saved = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_create(client, dialtime_emulator_user_id(emu), g, NULL, &saved, &err),
               DIALTIME_STATUS_VALIDATION);
  CHECK(saved == NULL && dialtime_error_problem_count(err) == sizeof want / sizeof want[0]);
  dialtime_error_free(err);
  CHECK(dialtime_emulator_request_count(emu) == 1);
  dialtime_new_group_free(g);

  dialtime_client_free(client);
  dialtime_emulator_free(emu);
}

/* ---- the panic boundary ------------------------------------------------------------------ */

/* A test-only export, not in the header. */
dialtime_status dialtime__panic_for_tests(dialtime_error **err);

/* A record written without timestamps (null, MySQL's zero date): 0 and a NULL text, where the
   whole answer failed to decode. */
static void test_group_without_timestamps(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = client_for(emu, dialtime_emulator_token(emu), 0);
  dialtime_new_group *g = NULL;
  CHECK_STATUS(dialtime_new_group_new("d", &g, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, 1, "08:00", "20:00", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_emulator_push_fault_json(emu,
                   "{\"status\":200,\"body\":\"{\\\"code\\\":200,\\\"status\\\":\\\"success\\\",\\\"data\\\":"
                   "{\\\"id\\\":9,\\\"name\\\":\\\"d\\\",\\\"user_id\\\":\\\"u\\\",\\\"content\\\":[],"
                   "\\\"is_default\\\":true,\\\"created_at\\\":null,"
                   "\\\"updated_at\\\":\\\"0000-00-00 00:00:00\\\"}}\"}",
                   NULL, NULL),
               DIALTIME_STATUS_OK);
  dialtime_group *bare = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_create(client, dialtime_emulator_user_id(emu), g, NULL, &bare, NULL),
               DIALTIME_STATUS_OK);
  CHECK(dialtime_group_id(bare) == 9);
  CHECK(dialtime_group_created_at(bare) == 0 && dialtime_group_created_at_text(bare) == NULL);
  CHECK(dialtime_group_updated_at(bare) == 0 && dialtime_group_updated_at_text(bare) == NULL);
  dialtime_group_free(bare);
  dialtime_new_group_free(g);
  dialtime_client_free(client);
  dialtime_emulator_free(emu);
}

static void test_panic_boundary(void) {
  dialtime_error *err = NULL;
  CHECK_STATUS(dialtime__panic_for_tests(&err), DIALTIME_STATUS_PANIC);
  CHECK(dialtime_error_kind(err) == DIALTIME_STATUS_PANIC);
  CHECK(strstr(dialtime_error_message(err), "internal error") != NULL);
  dialtime_error_free(err);
  CHECK_STATUS(dialtime__panic_for_tests(NULL), DIALTIME_STATUS_PANIC);
}

/* ---- every status from the emulator -------------------------------------------------------- */

/* `maybe`: whether the failed create may have been made (README "Whether a failed write may
 * have been made"). */
static void expect_create(dialtime_client *client, const char *user, dialtime_status want,
                          uint16_t http_status, bool maybe) {
  char *out = NULL;
  dialtime_error *err = NULL;
  dialtime_status got = dialtime_dial_time_groups_create_json(client, user, DOCUMENTED, NULL, &out, &err);
  if (got != want) fprintf(stderr, "got %d (%s), expected %d\n", (int)got, dialtime_error_message(err), (int)want);
  CHECK(got == want);
  CHECK(out == NULL);
  CHECK(dialtime_error_kind(err) == want);
  CHECK(dialtime_error_http_status(err) == http_status);
  CHECK(dialtime_error_message(err) != NULL && strlen(dialtime_error_message(err)) > 0);
  CHECK(dialtime_error_may_have_been_applied(err) == maybe);
  dialtime_error_free(err);
}

static void test_statuses(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  const char *user = dialtime_emulator_user_id(emu);
  const char *secret = "sk-live-0123456789abcdef";

  dialtime_client *bad = client_for(emu, secret, 0);
  char *out = NULL;
  dialtime_error *err = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_create_json(bad, user, DOCUMENTED, NULL, &out, &err),
               DIALTIME_STATUS_AUTHENTICATION);
  CHECK(dialtime_error_http_status(err) == 401);
  CHECK(strstr(dialtime_error_message(err), secret) == NULL);
  dialtime_error_free(err);

  /* A payload field given the token by mistake: the problem quoted it whole. */
  const char *token_in_payload[] = {
      "{\"name\":\"x\",\"content\":[],\"is_default\":false,\"skip_holiday\":false,"
      "\"sub_user_id\":\"sk-live-0123456789abcdef\"}",
      "{\"name\":\"x\",\"sub_user_id\":\"sk-live-0123456789abcdef\"}",
  };
  for (int i = 0; i < 2; i++) {
    err = NULL;
    dialtime_status got = i == 0
        ? dialtime_dial_time_groups_create_json(bad, user, token_in_payload[i], NULL, &out, &err)
        : dialtime_dial_time_groups_update_json(bad, user, 1, token_in_payload[i], NULL, &out, &err);
    CHECK_STATUS(got, DIALTIME_STATUS_VALIDATION);
    CHECK(strstr(dialtime_error_message(err), "sk-live-01234567") == NULL);
    CHECK(strstr(dialtime_error_message(err), "[redacted]") != NULL);
    for (size_t p = 0; p < dialtime_error_problem_count(err); p++) {
      CHECK(strstr(dialtime_error_problem_message(err, p), "sk-live-01234567") == NULL);
    }
    dialtime_error_free(err);
  }
  /* The typed functions: the group's builder is checked at the call, with the client. */
  dialtime_new_group *typed = NULL;
  CHECK_STATUS(dialtime_new_group_new("x", &typed, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(typed, 1, "09:00", "18:00", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_set_sub_user_id(typed, secret, NULL), DIALTIME_STATUS_OK);
  dialtime_group_update *typed_update = NULL;
  CHECK_STATUS(dialtime_group_update_new("x", &typed_update, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_group_update_set_sub_user_id(typed_update, secret, NULL), DIALTIME_STATUS_OK);
  for (int i = 0; i < 3; i++) {
    err = NULL;
    dialtime_group *saved = NULL;
    dialtime_outcome outcome = DIALTIME_OUTCOME_UNCHANGED;
    dialtime_status got =
        i == 0 ? dialtime_dial_time_groups_create(bad, user, typed, NULL, &saved, &err)
        : i == 1 ? dialtime_dial_time_groups_ensure(bad, user, typed, NULL, &saved, &outcome, &err)
                 : dialtime_dial_time_groups_update(bad, user, 1, typed_update, NULL, &saved, &err);
    CHECK_STATUS(got, DIALTIME_STATUS_VALIDATION);
    CHECK(saved == NULL);
    CHECK(strstr(dialtime_error_message(err), "sk-live-01234567") == NULL);
    CHECK(strstr(dialtime_error_message(err), "[redacted]") != NULL);
    dialtime_error_free(err);
  }
  dialtime_new_group_free(typed);
  dialtime_group_update_free(typed_update);
  /* Read with no client at hand, then scrubbed with the client's token. */
  err = NULL;
  dialtime_new_group *from_json = NULL;
  CHECK_STATUS(dialtime_new_group_from_json(token_in_payload[0], &from_json, &err), DIALTIME_STATUS_VALIDATION);
  CHECK(strstr(dialtime_error_message(err), "sk-live-01234567") != NULL);
  size_t problems = dialtime_error_problem_count(err);
  const char *borrowed = dialtime_error_message(err);
  const char *borrowed_problem = dialtime_error_problem_message(err, problems - 1);
  dialtime_client_scrub_error(bad, err);
  /* What was borrowed before stays valid until the error is freed (valgrind and ASan read it). */
  CHECK(strstr(borrowed, "sk-live-01234567") != NULL && strlen(borrowed_problem) > 0);
  CHECK(dialtime_error_kind(err) == DIALTIME_STATUS_VALIDATION && dialtime_error_problem_count(err) == problems);
  CHECK(strstr(dialtime_error_message(err), "sk-live-01234567") == NULL);
  for (size_t p = 0; p < problems; p++) {
    CHECK(strstr(dialtime_error_problem_message(err, p), "sk-live-01234567") == NULL);
  }
  dialtime_client_scrub_error(NULL, err);
  dialtime_client_scrub_error(bad, NULL);
  dialtime_error_free(err);
  dialtime_client_free(bad);

  dialtime_client *client = client_for(emu, dialtime_emulator_token(emu), 0);
  expect_create(client, "0c4c3a67-2d4f-4a0c-9b1e-6f1f1d2b9c11", DIALTIME_STATUS_AUTHENTICATION, 403, false);

  CHECK_STATUS(dialtime_emulator_push_fault_json(emu,
      "{\"status\":422,\"body\":\"{\\\"message\\\":\\\"invalid\\\",\\\"errors\\\":{\\\"name\\\":[\\\"required\\\"]}}\"}", NULL, NULL),
      DIALTIME_STATUS_OK);
  err = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_create_json(client, user, DOCUMENTED, NULL, &out, &err), DIALTIME_STATUS_API);
  CHECK(dialtime_error_problem_count(err) == 1 && strcmp(dialtime_error_problem_path(err, 0), "name") == 0);
  dialtime_error_free(err);

  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"status\":200,\"code\":404,\"message\":\"x\"}", NULL, NULL), DIALTIME_STATUS_OK);
  expect_create(client, user, DIALTIME_STATUS_NOT_FOUND, 200, false);

  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"status\":429,\"retry_after\":\"7\"}", NULL, NULL), DIALTIME_STATUS_OK);
  err = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_create_json(client, user, DOCUMENTED, NULL, &out, &err), DIALTIME_STATUS_RATE_LIMITED);
  CHECK(dialtime_error_retry_after_ms(err) == 7000 && dialtime_error_http_status(err) == 429);
  /* Every concept of README "Names across languages" on a real answer. */
  int64_t code = 0;
  CHECK(dialtime_error_envelope_code(err, &code) && code == 429);
  CHECK(dialtime_error_api_message(err) != NULL && strlen(dialtime_error_api_message(err)) > 0);
  CHECK(dialtime_error_body_excerpt(err) != NULL && strstr(dialtime_error_body_excerpt(err), "\"code\":429") != NULL);
  CHECK(!dialtime_error_envelope_code(err, NULL) && !dialtime_error_envelope_code(NULL, &code));
  dialtime_error_free(err);

  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"status\":503}", NULL, NULL), DIALTIME_STATUS_OK);
  expect_create(client, user, DIALTIME_STATUS_SERVER, 503, false);
  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"status\":504}", NULL, NULL), DIALTIME_STATUS_OK);
  expect_create(client, user, DIALTIME_STATUS_SERVER, 504, true);
  CHECK(!dialtime_error_may_have_been_applied(NULL));

  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"status\":200,\"body\":\"<html>\"}", NULL, NULL), DIALTIME_STATUS_OK);
  expect_create(client, user, DIALTIME_STATUS_DECODE, 200, true);

  dialtime_client *slow = client_for(emu, dialtime_emulator_token(emu), 200);
  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"delay_ms\":3000}", NULL, NULL), DIALTIME_STATUS_OK);
  expect_create(slow, user, DIALTIME_STATUS_TIMEOUT, 0, true);
  dialtime_client_free(slow);

  dialtime_client_free(client);

  /* An unknown route: 404. */
  char url[256];
  snprintf(url, sizeof url, "%s/not-here", dialtime_emulator_base_url(emu));
  dialtime_client *c404 = NULL;
  CHECK_STATUS(build_client(url, dialtime_emulator_token(emu), 0, 0, &c404, NULL), DIALTIME_STATUS_OK);
  expect_create(c404, user, DIALTIME_STATUS_NOT_FOUND, 404, false);
  dialtime_client_free(c404);

  /* Connection refused: the port of an emulator that has stopped. */
  snprintf(url, sizeof url, "%s", dialtime_emulator_base_url(emu));
  dialtime_emulator_free(emu);
  dialtime_client *refused = NULL;
  CHECK_STATUS(build_client(url, "t", 0, 0, &refused, NULL), DIALTIME_STATUS_OK);
  expect_create(refused, "5832d184-dd53-42a0-8ace-0bf8d660f4cc", DIALTIME_STATUS_CONNECTION, 0, false);
  dialtime_client_free(refused);

  /* Configuration. */
  dialtime_client *none = NULL;
  err = NULL;
  CHECK_STATUS(build_client("ftp://example.com", secret, 0, 2, &none, &err), DIALTIME_STATUS_CONFIG);
  CHECK(none == NULL && strstr(dialtime_error_message(err), secret) == NULL);
  dialtime_error_free(err);
  /* Refused values are reported by build, naming the setting; credentials never echoed. */
  const struct { const char *url; int64_t timeout_ms; int64_t retries; const char *named; } refusals[] = {
      {"http://127.0.0.1:1", -5, 0, "timeout_ms"},
      /* The number as given (through a double it read -9223372036854775808). */
      {"http://127.0.0.1:1", -INT64_MAX, 0, "got -9223372036854775807"},
      {"http://127.0.0.1:1", 0, -1, "max_retries"},
      {"http://127.0.0.1:1", 0, 1000000, "max_retries"},
      {"", 0, 0, "base URL"},
      {"https://user:s3cret@example.com/", 0, 0, "credentials"},
  };
  for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
    err = NULL;
    none = NULL;
    CHECK_STATUS(build_client(refusals[i].url, "t", refusals[i].timeout_ms, refusals[i].retries, &none, &err), DIALTIME_STATUS_CONFIG);
    CHECK(none == NULL && strstr(dialtime_error_message(err), refusals[i].named) != NULL);
    CHECK(strstr(dialtime_error_message(err), "s3cret") == NULL);
    dialtime_error_free(err);
  }
}

/* ---- NULL and invalid UTF-8 ---------------------------------------------------------------- */

static void test_bad_arguments(void) {
  const char not_utf8[] = {(char)0xff, (char)0xfe, 0};
  dialtime_error *err = NULL;
  CHECK_STATUS(dialtime_validate_json(NULL, &err), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(dialtime_error_message(err), "json") != NULL);
  dialtime_error_free(err);
  CHECK_STATUS(dialtime_validate_json(not_utf8, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_client_new(NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_client_builder_new(NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_client_builder_set_token(NULL, "t", NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_client_builder_build(NULL, NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  dialtime_client_builder_free(NULL);
  dialtime_client *client = NULL;
  CHECK_STATUS(build_client(not_utf8, "t", 0, 0, &client, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK(client == NULL);
  CHECK_STATUS(build_client("http://127.0.0.1:1", NULL, 0, 0, &client, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK(client == NULL);

  CHECK_STATUS(build_client("http://127.0.0.1:1", "t", 0, 0, &client, NULL), DIALTIME_STATUS_OK);
  char *out = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_create_json(NULL, "u", "{}", NULL, &out, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_dial_time_groups_create_json(client, NULL, "{}", NULL, &out, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_dial_time_groups_create_json(client, not_utf8, "{}", NULL, &out, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_dial_time_groups_create_json(client, "u", NULL, NULL, &out, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_dial_time_groups_create_json(client, "u", "{}", NULL, NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK(out == NULL);
  dialtime_group *saved = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_create(client, "u", NULL, NULL, &saved, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK(saved == NULL);

  dialtime_new_group *g = NULL;
  CHECK_STATUS(dialtime_new_group_new(NULL, &g, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_new_group_new("x", NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_new_group_new(not_utf8, &g, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK(g == NULL);
  CHECK_STATUS(dialtime_new_group_add_time(NULL, 1, "08:00", "09:00", NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_new_group_new("x", &g, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, 1, NULL, "09:00", NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_new_group_set_sub_user_id(NULL, "x", NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_new_group_set_sub_user_id(g, not_utf8, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  dialtime_new_group_set_is_default(NULL, true);
  dialtime_new_group_set_skip_holiday(NULL, true);
  CHECK_STATUS(dialtime_dial_time_groups_create(client, "not-a-uuid", g, NULL, &saved, NULL), DIALTIME_STATUS_VALIDATION);
  CHECK_STATUS(dialtime_group_to_json(NULL, &out, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_emulator_push_fault_json(NULL, "{}", NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_emulator_start(NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);

  /* Accessors on NULL answer NULL / 0; every _free accepts NULL. */
  CHECK(dialtime_group_id(NULL) == 0 && dialtime_group_name(NULL) == NULL && dialtime_group_day_count(NULL) == 0);
  CHECK(dialtime_error_message(NULL) == NULL && dialtime_error_kind(NULL) == DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK(dialtime_error_retry_after_ms(NULL) == -1 && dialtime_error_problem_path(NULL, 0) == NULL);
  CHECK(dialtime_error_api_message(NULL) == NULL && dialtime_error_body_excerpt(NULL) == NULL);
  /* A validation error has no answer: no envelope code, API message or body. */
  dialtime_error *verr = NULL;
  CHECK_STATUS(dialtime_validate_json("{}", &verr), DIALTIME_STATUS_VALIDATION);
  int64_t no_code = 7;
  CHECK(!dialtime_error_envelope_code(verr, &no_code) && no_code == 7);
  CHECK(dialtime_error_api_message(verr) == NULL && dialtime_error_body_excerpt(verr) == NULL);
  dialtime_error_free(verr);
  /* dialtime_weekday values are the platform's numbers; add_time takes them or ints. */
  CHECK(DIALTIME_WEEKDAY_SUNDAY == 0 && DIALTIME_WEEKDAY_SATURDAY == 6);
  CHECK(dialtime_emulator_base_url(NULL) == NULL && dialtime_emulator_request_count(NULL) == 0);
  dialtime_client_free(NULL);
  dialtime_group_free(NULL);
  dialtime_new_group_free(NULL);
  dialtime_error_free(NULL);
  dialtime_emulator_free(NULL);
  dialtime_string_free(NULL);

  dialtime_new_group_free(g);
  dialtime_client_free(client);
}

/* ---- hostile input: a clear, bounded error, never a crash ---------------------------------- */

static char *repeat(const char *head, const char *unit, size_t n, const char *tail) {
  size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
  char *s = malloc(hl + ul * n + tl + 1);
  if (!s) return NULL;
  memcpy(s, head, hl);
  for (size_t i = 0; i < n; i++) memcpy(s + hl + i * ul, unit, ul);
  memcpy(s + hl + ul * n, tail, tl + 1);
  return s;
}

static void expect_bounded_validation(const char *json) {
  dialtime_error *err = NULL;
  CHECK_STATUS(dialtime_validate_json(json, &err), DIALTIME_STATUS_VALIDATION);
  CHECK(dialtime_error_problem_count(err) >= 1 && dialtime_error_problem_count(err) <= 101);
  CHECK(strlen(dialtime_error_message(err)) < 40000);
  dialtime_error_free(err);
  dialtime_new_group *g = NULL;
  err = NULL;
  CHECK_STATUS(dialtime_new_group_from_json(json, &g, &err), DIALTIME_STATUS_VALIDATION);
  CHECK(g == NULL);
  dialtime_error_free(err);
}

static void test_hostile_input(void) {
  /* Full size under the sanitizers; DIALTIME_TEST_SMALL (set for the valgrind runs, which are
   * ~50x slower) divides the sizes by 100. */
  const size_t div = getenv("DIALTIME_TEST_SMALL") ? 100 : 1;
  char *deep = repeat("", "[", 100000, "");
  char *name = repeat("{\"name\":\"", "x", (10u << 20) / div, "\",\"content\":[],\"is_default\":true,\"skip_holiday\":false}");
  char *ranges = repeat("{\"name\":\"x\",\"content\":[{\"week\":1,\"times\":[", "{\"begin_time\":\"10:00\",\"end_time\":\"09:00\"},",
                        200000 / div, "{}]}],\"is_default\":true,\"skip_holiday\":false}");
  CHECK(deep && name && ranges);
  if (deep && name && ranges) {
    expect_bounded_validation(deep);
    expect_bounded_validation(name);
    expect_bounded_validation(ranges);
    expect_bounded_validation("{\"name\":\"x\",\"content\":[{\"week\":1e400,\"times\":[]}],\"is_default\":1}");
    expect_bounded_validation("{\"name\":\"\\ud800\",\"content\":[{\"week\":9223372036854775808}]}");
    expect_bounded_validation("");
  }
  free(deep);
  free(name);
  free(ranges);
  /* A builder with a million bad ranges: a capped list with a summary at "$". */
  dialtime_new_group *g = NULL;
  CHECK_STATUS(dialtime_new_group_new("x", &g, NULL), DIALTIME_STATUS_OK);
  const int n = (int)(1000000 / div);
  for (int i = 0; i < n; i++) dialtime_new_group_add_time(g, 1, "10:00", "09:00", NULL);
  dialtime_error *err = NULL;
  CHECK_STATUS(dialtime_new_group_validate(g, &err), DIALTIME_STATUS_VALIDATION);
  CHECK(dialtime_error_problem_count(err) == 101);
  CHECK(strcmp(dialtime_error_problem_path(err, 100), "$") == 0);
  char more[64];
  snprintf(more, sizeof more, "and %d more", n - 100);
  CHECK(strstr(dialtime_error_problem_message(err, 100), more) != NULL);
  dialtime_error_free(err);
  dialtime_new_group_free(g);
}

/* ---- list, update, delete, ensure ---------------------------------------------------------- */

static dialtime_new_group *named(const char *name, uint8_t week) {
  dialtime_new_group *g = NULL;
  CHECK_STATUS(dialtime_new_group_new(name, &g, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_new_group_add_time(g, week, "08:00", "20:00", NULL), DIALTIME_STATUS_OK);
  return g;
}

static void test_list_update_delete_ensure(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = client_for(emu, dialtime_emulator_token(emu), 0);
  const char *user = dialtime_emulator_user_id(emu);

  for (int i = 0; i < 40; i++) {
    char name[16];
    snprintf(name, sizeof name, "g%d", i);
    dialtime_new_group *g = named(name, (uint8_t)(i % 7));
    dialtime_group *saved = NULL;
    CHECK_STATUS(dialtime_dial_time_groups_create(client, user, g, NULL, &saved, NULL), DIALTIME_STATUS_OK);
    dialtime_group_free(saved);
    dialtime_new_group_free(g);
  }
  /* The page-by-page loop of the README. */
  int seen[41] = {0};
  size_t total = 0;
  uint32_t page_no = 1;
  for (;;) {
    dialtime_page *page = NULL;
    CHECK_STATUS(dialtime_dial_time_groups_list(client, user, page_no, NULL, NULL, &page, NULL), DIALTIME_STATUS_OK);
    if (!page) break;
    if (page_no == 1) {
      CHECK(dialtime_page_count(page) == 15 && dialtime_page_last_page(page) == 3);
      CHECK(dialtime_page_per_page(page) == 15 && dialtime_page_total(page) == 40);
    }
    for (size_t i = 0; i < dialtime_page_count(page); i++) {
      int64_t id = dialtime_group_id(dialtime_page_group(page, i));
      CHECK(id >= 1 && id <= 40 && !seen[id]);
      if (id >= 1 && id <= 40) seen[id] = 1;
      total++;
    }
    CHECK(dialtime_page_group(page, dialtime_page_count(page)) == NULL);
    bool more = dialtime_page_has_more(page);
    page_no = dialtime_page_current_page(page) + 1;
    dialtime_page_free(page);
    if (!more) break;
  }
  CHECK(total == 40 && page_no == 4);

  /* The same walk through a cursor: each group once, in order, then NULL. */
  dialtime_group_cursor *cursor = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_list_all(client, user, NULL, NULL, &cursor, NULL), DIALTIME_STATUS_OK);
  int64_t expect = 1;
  for (;;) {
    dialtime_group *g = NULL;
    CHECK_STATUS(dialtime_group_cursor_next(cursor, &g, NULL), DIALTIME_STATUS_OK);
    if (!g) break;
    CHECK(dialtime_group_id(g) == expect++);
    dialtime_group_free(g);
  }
  CHECK(expect == 41);
  dialtime_group *after_end = NULL;
  CHECK_STATUS(dialtime_group_cursor_next(cursor, &after_end, NULL), DIALTIME_STATUS_OK);
  CHECK(after_end == NULL);
  CHECK_STATUS(dialtime_group_cursor_next(cursor, NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_group_cursor_next(NULL, &after_end, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  dialtime_group_cursor_free(cursor);
  dialtime_group_cursor_free(NULL);
  CHECK_STATUS(dialtime_dial_time_groups_list_all(client, NULL, NULL, NULL, &cursor, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);

  /* update: typed and JSON; the default flag moves. */
  dialtime_group_update *changes = NULL;
  CHECK_STATUS(dialtime_group_update_new("renamed", &changes, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_group_update_add_time(changes, 5, "08:00", "20:00", NULL), DIALTIME_STATUS_OK);
  dialtime_group_update_set_is_default(changes, true);
  dialtime_group_update_set_skip_holiday(changes, true);
  dialtime_group *updated = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_update(client, user, 1, changes, NULL, &updated, NULL), DIALTIME_STATUS_OK);
  CHECK(strcmp(dialtime_group_name(updated), "renamed") == 0 && dialtime_group_is_default(updated));
  CHECK(dialtime_group_skip_holiday(updated) && dialtime_group_day_week(updated, 0) == 5);
  dialtime_group_free(updated);
  dialtime_group_update_free(changes);
  /* A partial update is partial: only the name changes, the flags and content stay. */
  changes = NULL;
  CHECK_STATUS(dialtime_group_update_new("改名", &changes, NULL), DIALTIME_STATUS_OK);
  updated = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_update(client, user, 1, changes, NULL, &updated, NULL), DIALTIME_STATUS_OK);
  CHECK(strcmp(dialtime_group_name(updated), "改名") == 0);
  CHECK(dialtime_group_is_default(updated) && dialtime_group_skip_holiday(updated));
  CHECK(dialtime_group_day_week(updated, 0) == 5);
  dialtime_group_free(updated);
  dialtime_group_update_free(changes);
  /* Every problem of an update at once, with paths. */
  changes = NULL;
  CHECK_STATUS(dialtime_group_update_new("", &changes, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_group_update_add_time(changes, 8, "09:00", "08:00", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_group_update_set_sub_user_id(changes, "nope", NULL), DIALTIME_STATUS_OK);
  dialtime_error *uerr = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_update(client, user, 1, changes, NULL, &updated, &uerr), DIALTIME_STATUS_VALIDATION);
  CHECK(dialtime_error_problem_count(uerr) == 4);
  CHECK(strcmp(dialtime_error_problem_path(uerr, 1), "content[0].week") == 0);
  CHECK(strcmp(dialtime_error_problem_path(uerr, 3), "sub_user_id") == 0);
  dialtime_error_free(uerr);
  dialtime_group_update_free(changes);
  dialtime_group_update_free(NULL);
  char *json = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_update_json(client, user, 2, "{\"name\":\"two\",\"is_default\":true}", NULL, &json, NULL),
               DIALTIME_STATUS_OK);
  CHECK(json && strstr(json, "\"is_default\":true") && strstr(json, "\"name\":\"two\""));
  dialtime_string_free(json);
  json = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_update_json(client, user, 1, "{\"name\":\"renamed\"}", NULL, &json, NULL),
               DIALTIME_STATUS_OK);
  CHECK(json && strstr(json, "\"is_default\":false"));
  dialtime_string_free(json);
  dialtime_error *err = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_update_json(client, user, 999, "{\"name\":\"x\"}", NULL, &json, &err),
               DIALTIME_STATUS_NOT_FOUND);
  dialtime_error_free(err);
  err = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_update_json(client, user, 1, "{\"is_default\":1}", NULL, &json, &err),
               DIALTIME_STATUS_VALIDATION);
  CHECK(dialtime_error_problem_count(err) == 2);
  dialtime_error_free(err);

  /* delete, and not found in another scope. */
  const char *sub = "0d1b7c2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
  CHECK_STATUS(dialtime_dial_time_groups_delete(client, user, 3, sub, NULL, NULL), DIALTIME_STATUS_NOT_FOUND);
  CHECK_STATUS(dialtime_dial_time_groups_delete(client, user, 3, NULL, NULL, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_dial_time_groups_delete(client, user, 3, NULL, NULL, NULL), DIALTIME_STATUS_NOT_FOUND);
  CHECK_STATUS(dialtime_dial_time_groups_delete(client, NULL, 3, NULL, NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);

  /* ensure: created, then unchanged, then updated. */
  dialtime_new_group *wanted = named("工作日", 1);
  dialtime_outcome outcome = 0;
  dialtime_group *g = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_ensure(client, user, wanted, NULL, &g, &outcome, NULL), DIALTIME_STATUS_OK);
  CHECK(outcome == DIALTIME_OUTCOME_CREATED);
  int64_t id = dialtime_group_id(g);
  dialtime_group_free(g);
  CHECK_STATUS(dialtime_dial_time_groups_ensure(client, user, wanted, NULL, &g, &outcome, NULL), DIALTIME_STATUS_OK);
  CHECK(outcome == DIALTIME_OUTCOME_UNCHANGED && dialtime_group_id(g) == id);
  dialtime_group_free(g);
  dialtime_new_group_set_skip_holiday(wanted, true);
  CHECK_STATUS(dialtime_dial_time_groups_ensure(client, user, wanted, NULL, &g, &outcome, NULL), DIALTIME_STATUS_OK);
  CHECK(outcome == DIALTIME_OUTCOME_UPDATED && dialtime_group_skip_holiday(g));
  dialtime_group_free(g);
  CHECK_STATUS(dialtime_dial_time_groups_ensure(client, user, wanted, NULL, &g, NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  dialtime_new_group_free(wanted);

  dialtime_page_free(NULL);
  CHECK(dialtime_page_count(NULL) == 0 && dialtime_page_total(NULL) == -1);
  dialtime_client_free(client);
  dialtime_emulator_free(emu);
}

/* ---- 8 threads, one client ---------------------------------------------------------------- */

struct worker {
  dialtime_client *client;
  const char *user;
  int64_t ids[5];
  int ok;
};

static void *work(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < 5; i++) {
    dialtime_new_group *g = NULL;
    dialtime_group *saved = NULL;
    if (dialtime_new_group_new("thread", &g, NULL) == DIALTIME_STATUS_OK &&
        dialtime_new_group_add_time(g, (uint8_t)(i % 7), "09:00", "17:00", NULL) == DIALTIME_STATUS_OK &&
        dialtime_dial_time_groups_create(w->client, w->user, g, NULL, &saved, NULL) == DIALTIME_STATUS_OK) {
      w->ids[i] = dialtime_group_id(saved);
      w->ok++;
    }
    dialtime_group_free(saved);
    dialtime_new_group_free(g);
  }
  return NULL;
}

static void test_threads(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = client_for(emu, dialtime_emulator_token(emu), 0);
  pthread_t threads[8];
  struct worker workers[8];
  for (int t = 0; t < 8; t++) {
    workers[t] = (struct worker){client, dialtime_emulator_user_id(emu), {0}, 0};
    CHECK(pthread_create(&threads[t], NULL, work, &workers[t]) == 0);
  }
  int64_t seen[41] = {0};
  for (int t = 0; t < 8; t++) {
    pthread_join(threads[t], NULL);
    CHECK(workers[t].ok == 5);
    for (int i = 0; i < 5; i++) {
      int64_t id = workers[t].ids[i];
      CHECK(id >= 1 && id <= 40);
      if (id >= 1 && id <= 40) {
        CHECK(seen[id] == 0);
        seen[id] = 1;
      }
    }
  }
  dialtime_client_free(client);
  dialtime_emulator_free(emu);
}

/* ---- the schedule evaluator (the S lines of the vectors) -------------------------------- */

/* Checks an error status of a schedule query: CALENDAR_NOT_COVERED naming `want` ("E2027"). */
static void check_not_covered(dialtime_status st, dialtime_error *err, const char *want) {
  CHECK_STATUS(st, DIALTIME_STATUS_CALENDAR_NOT_COVERED);
  CHECK(dialtime_error_year(err) == atoi(want + 1));
  dialtime_error_free(err);
}

static void test_schedule_vectors(const char *file) {
  FILE *f = fopen(file, "r");
  CHECK(f != NULL);
  if (!f) return;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  dialtime_schedule *s = NULL;
  int cases = 0, queries = 0;
  while ((len = getline(&line, &cap, f)) > 0) {
    if (line[len - 1] == '\n') line[len - 1] = '\0';
    if (line[0] != 'S') continue;
    char *fields[6] = {0};
    size_t n = split(line, fields, 6);
    dialtime_error *err = NULL;
    if (strcmp(fields[0], "S") == 0 && n == 5) {
      dialtime_schedule_free(s);
      s = NULL;
      dialtime_schedule_options o = {0};
      o.zone = fields[2];
      int makeup = atoi(fields[3]);
      o.makeup_as_set = makeup >= 0;
      o.makeup_as_weekday = makeup;
      o.assume_no_holidays = strcmp(fields[4], "1") == 0;
      CHECK_STATUS(dialtime_schedule_new_json(fields[1], &o, &s, &err), DIALTIME_STATUS_OK);
      dialtime_error_free(err);
      cases++;
    } else if (strcmp(fields[0], "SO") == 0 && n == 3 && s) {
      bool open = false;
      dialtime_status st = dialtime_schedule_is_open_at(s, strtoll(fields[1], NULL, 10), &open, &err);
      if (fields[2][0] == 'E') {
        check_not_covered(st, err, fields[2]);
      } else {
        CHECK_STATUS(st, DIALTIME_STATUS_OK);
        CHECK(open == (fields[2][0] == '1'));
      }
      queries++;
    } else if (strcmp(fields[0], "SN") == 0 && n == 3 && s) {
      bool found = false;
      int64_t start = 0, end = 0;
      dialtime_status st = dialtime_schedule_next_window(s, strtoll(fields[1], NULL, 10), &found, &start, &end, &err);
      if (fields[2][0] == 'E') {
        check_not_covered(st, err, fields[2]);
      } else if (strcmp(fields[2], "none") == 0) {
        CHECK_STATUS(st, DIALTIME_STATUS_OK);
        CHECK(!found);
      } else {
        CHECK_STATUS(st, DIALTIME_STATUS_OK);
        char *rest = NULL;
        CHECK(found && start == strtoll(fields[2], &rest, 10) && end == strtoll(rest, NULL, 10));
      }
      /* The first instant the dialer may call: the query's own while open, else the start. */
      if (fields[2][0] != 'E') {
        const int64_t query = strtoll(fields[1], NULL, 10);
        bool allowed_found = true;
        int64_t allowed = 0;
        CHECK_STATUS(dialtime_schedule_next_allowed_instant(s, query, &allowed_found, &allowed, NULL), DIALTIME_STATUS_OK);
        CHECK(allowed_found == found);
        if (found) CHECK(allowed == (query > start ? query : start));
      }
      CHECK_STATUS(dialtime_schedule_next_allowed_instant(s, 0, NULL, NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
      queries++;
    } else if (strcmp(fields[0], "SW") == 0 && n == 5 && s) {
      int64_t from = strtoll(fields[1], NULL, 10), to = strtoll(fields[2], NULL, 10);
      dialtime_intervals *list = NULL;
      CHECK_STATUS(dialtime_schedule_windows(s, from, to, &list, NULL), DIALTIME_STATUS_OK);
      int64_t total = -1;
      CHECK_STATUS(dialtime_schedule_open_seconds(s, from, to, &total, NULL), DIALTIME_STATUS_OK);
      CHECK(total == strtoll(fields[3], NULL, 10));
      char want[512] = "";
      for (size_t i = 0; i < dialtime_intervals_count(list); i++) {
        char one[64];
        snprintf(one, sizeof one, "%s%lld,%lld", i ? ";" : "", (long long)dialtime_intervals_start(list, i),
                 (long long)dialtime_intervals_end(list, i));
        strncat(want, one, sizeof want - strlen(want) - 1);
      }
      CHECK(strcmp(want[0] ? want : "-", fields[4]) == 0);
      dialtime_intervals_free(list);
      queries++;
    } else if (strcmp(fields[0], "SS") == 0 && n == 3 && s) {
      char *zh = NULL, *en = NULL;
      CHECK_STATUS(dialtime_schedule_summary(s, NULL, &zh, NULL), DIALTIME_STATUS_OK);
      CHECK_STATUS(dialtime_schedule_summary(s, "en", &en, NULL), DIALTIME_STATUS_OK);
      CHECK(zh && strcmp(zh, fields[1]) == 0);
      CHECK(en && strcmp(en, fields[2]) == 0);
      dialtime_string_free(zh);
      dialtime_string_free(en);
      queries++;
    } else {
      fprintf(stderr, "bad schedule vector line: %s\n", fields[0]);
      failures++;
    }
  }
  dialtime_schedule_free(s);
  free(line);
  fclose(f);
  CHECK(cases >= 10 && queries >= 30);

  /* A day as JSON, bad input, NULLs. */
  dialtime_schedule *sch = NULL;
  CHECK_STATUS(dialtime_schedule_new_json("{\"content\":[{\"week\":4,\"times\":[{\"begin_time\":\"09:00\",\"end_time\":\"18:00\"}]}],\"skip_holiday\":true}", NULL, &sch, NULL),
               DIALTIME_STATUS_OK);
  char *day = NULL;
  CHECK_STATUS(dialtime_schedule_day_json(sch, "2026-10-01", &day, NULL), DIALTIME_STATUS_OK);
  CHECK(day && strstr(day, "\"status\":\"off\"") && strstr(day, "国庆节"));
  dialtime_string_free(day);
  CHECK_STATUS(dialtime_schedule_day_json(sch, "2026-13-01", &day, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  /* Exactly YYYY-MM-DD: a time after the date is a mistake, not dropped. */
  CHECK_STATUS(dialtime_schedule_day_json(sch, "2026-10-01T10:00", &day, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_schedule_day_json(sch, "20261001", &day, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  bool open = true;
  CHECK_STATUS(dialtime_schedule_is_open_at(NULL, 0, &open, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_schedule_is_open_at(sch, 0, NULL, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_schedule_is_open_at(sch, INT64_MAX, &open, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  dialtime_schedule_free(sch);
  dialtime_error *err = NULL;
  dialtime_schedule_options bad = {0};
  bad.zone = "Mars/Olympus";
  CHECK_STATUS(dialtime_schedule_new_json("{\"content\":[],\"skip_holiday\":false}", &bad, &sch, &err),
               DIALTIME_STATUS_VALIDATION);
  CHECK(strcmp(dialtime_error_problem_path(err, 0), "zone") == 0);
  dialtime_error_free(err);
  /* A make-up weekday out of range is a problem of that option, worded as a payload's week. */
  dialtime_schedule_options bad_makeup = {0};
  bad_makeup.makeup_as_set = true;
  bad_makeup.makeup_as_weekday = 7;
  CHECK_STATUS(dialtime_schedule_new_json("{\"content\":[],\"skip_holiday\":false}", &bad_makeup, &sch, &err),
               DIALTIME_STATUS_VALIDATION);
  CHECK(strcmp(dialtime_error_problem_path(err, 0), "makeup_as_weekday") == 0);
  CHECK(strstr(dialtime_error_problem_message(err, 0), "0 (Sunday) to 6 (Saturday), got 7") != NULL);
  dialtime_error_free(err);
  CHECK_STATUS(dialtime_schedule_new_json("{\"content\":[{\"week\":9,\"times\":[]}],\"skip_holiday\":false}", NULL, &sch, &err),
               DIALTIME_STATUS_VALIDATION);
  CHECK(strcmp(dialtime_error_problem_path(err, 0), "content[0].week") == 0);
  dialtime_error_free(err);

  /* A calendar with 2027 added. */
  dialtime_calendar *cal = NULL;
  CHECK_STATUS(dialtime_calendar_china(&cal, NULL), DIALTIME_STATUS_OK);
  CHECK(!dialtime_calendar_covers(cal, 2027) && dialtime_calendar_covers(cal, 2026));
  CHECK_STATUS(dialtime_calendar_load_holiday_cn(cal, "{\"year\":2027,\"days\":[{\"name\":\"元旦\",\"date\":\"2027-01-01\",\"isOffDay\":true}]}", NULL),
               DIALTIME_STATUS_OK);
  CHECK(dialtime_calendar_covers(cal, 2027));
  dialtime_schedule_options with = {0};
  with.calendar = cal;
  CHECK_STATUS(dialtime_schedule_new_json("{\"content\":[{\"week\":5,\"times\":[{\"begin_time\":\"09:00\",\"end_time\":\"18:00\"}]}],\"skip_holiday\":true}", &with, &sch, NULL),
               DIALTIME_STATUS_OK);
  dialtime_calendar_free(cal); /* the schedule has its own copy */
  CHECK_STATUS(dialtime_schedule_is_open_at(sch, 1798768800 /* 2027-01-01 10:00+08 */, &open, NULL), DIALTIME_STATUS_OK);
  CHECK(!open);
  CHECK_STATUS(dialtime_schedule_is_open_at(sch, 1799373600 /* 2027-01-08 10:00+08 */, &open, NULL), DIALTIME_STATUS_OK);
  CHECK(open);
  dialtime_schedule_free(sch);
}

/* ---- a forward proxy for one connection: notes the request line, relays to the target ---- */

struct proxy {
  int listener;
  int port;
  char first_line[512];
};

static void *proxy_main(void *arg) {
  struct proxy *p = arg;
  int client = accept(p->listener, NULL, NULL);
  if (client < 0) return NULL;
  char head[8192];
  size_t len = 0;
  while (len < sizeof head - 1) {
    ssize_t n = recv(client, head + len, sizeof head - 1 - len, 0);
    if (n <= 0) break;
    len += (size_t)n;
    head[len] = '\0';
    if (strstr(head, "\r\n\r\n")) break;
  }
  head[len] = '\0';
  char *eol = strstr(head, "\r\n");
  size_t first = eol ? (size_t)(eol - head) : 0;
  if (first >= sizeof p->first_line) first = sizeof p->first_line - 1;
  memcpy(p->first_line, head, first);
  p->first_line[first] = '\0';
  /* "GET http://127.0.0.1:PORT/path HTTP/1.1": connect to PORT on loopback. */
  const char *hostport = strstr(head, "http://127.0.0.1:");
  int upstream = -1;
  if (hostport) {
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)atoi(hostport + strlen("http://127.0.0.1:")));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    upstream = socket(AF_INET, SOCK_STREAM, 0);
    if (upstream >= 0 && connect(upstream, (struct sockaddr *)&addr, sizeof addr) != 0) {
      close(upstream);
      upstream = -1;
    }
  }
  if (upstream >= 0 && send(upstream, head, len, 0) == (ssize_t)len) {
    struct pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    char buf[16384];
    for (;;) {
      if (poll(fds, 2, 10000) <= 0) break;
      int from = (fds[0].revents & (POLLIN | POLLHUP)) ? 0 : 1;
      ssize_t n = recv(fds[from].fd, buf, sizeof buf, 0);
      if (n <= 0 || send(fds[1 - from].fd, buf, (size_t)n, 0) != n) break;
    }
  }
  if (upstream >= 0) close(upstream);
  close(client);
  return NULL;
}

static void test_forward_proxy(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  struct proxy p = {0};
  p.listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof addr;
  CHECK(bind(p.listener, (struct sockaddr *)&addr, sizeof addr) == 0);
  CHECK(listen(p.listener, 4) == 0);
  CHECK(getsockname(p.listener, (struct sockaddr *)&addr, &alen) == 0);
  p.port = ntohs(addr.sin_port);
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, proxy_main, &p) == 0);

  char proxy_url[64];
  snprintf(proxy_url, sizeof proxy_url, "http://127.0.0.1:%d", p.port);
  dialtime_client_builder *b = NULL;
  CHECK_STATUS(dialtime_client_builder_new(&b, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_base_url(b, dialtime_emulator_base_url(emu), NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_token(b, dialtime_emulator_token(emu), NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_max_retries(b, 0, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_proxy(b, proxy_url, NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = NULL;
  CHECK_STATUS(dialtime_client_builder_build(b, &client, NULL), DIALTIME_STATUS_OK);
  dialtime_page *page = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_list(client, dialtime_emulator_user_id(emu), 1, NULL, NULL, &page, NULL),
               DIALTIME_STATUS_OK);
  dialtime_page_free(page);
  dialtime_client_free(client); /* closes the pooled connection: the proxy thread ends */
  dialtime_client_builder_free(b);
  pthread_join(thread, NULL);
  close(p.listener);
  char want[256];
  snprintf(want, sizeof want, "GET %s/agent-api/user/%s/dial-time-group", dialtime_emulator_base_url(emu),
           dialtime_emulator_user_id(emu));
  CHECK(strncmp(p.first_line, want, strlen(want)) == 0);
  dialtime_emulator_free(emu);
}

/* ---- options, call details, the log callback ------------------------------------------- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[4096];
static int log_lines = 0;

static void capture_log(dialtime_log_level level, const char *line, void *user_data) {
  CHECK(user_data == (void *)&log_lines);
  CHECK(level == DIALTIME_LOG_LEVEL_DEBUG || level == DIALTIME_LOG_LEVEL_INFO);
  pthread_mutex_lock(&log_lock);
  strncat(log_text, line, sizeof log_text - strlen(log_text) - 2);
  strcat(log_text, "\n");
  log_lines++;
  pthread_mutex_unlock(&log_lock);
}

/* dialtime_set_logger returns once no call runs the previous callback: the old user_data may
 * be freed right after (a call on another thread used to run the old callback with it later:
 * a use-after-free under ASan, 3 runs out of 3). */
#define SINK_MAGIC 0x5a5a5a5aU
static void sleep_us(long us) {
  struct timespec t = {0, us * 1000};
  nanosleep(&t, NULL);
}

struct swap_sink {
  unsigned magic;
  long lines;
};
struct swap_worker {
  dialtime_client *client;
  const char *user;
  atomic_int *stop;
};

static void swap_log(dialtime_log_level level, const char *line, void *user_data) {
  (void)level;
  (void)line;
  struct swap_sink *sink = user_data;
  CHECK(sink->magic == SINK_MAGIC);
  sink->lines++;
  sleep_us(500); /* a slow callback: other threads wait for their turn with their copy */
}

static void *swap_calls(void *arg) {
  struct swap_worker *w = arg;
  while (!atomic_load(w->stop)) {
    dialtime_page *page = NULL;
    dialtime_dial_time_groups_list(w->client, w->user, 1, NULL, NULL, &page, NULL);
    dialtime_page_free(page);
  }
  return NULL;
}

static void test_logger_swap_waits_for_callbacks(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  dialtime_client_builder *b = NULL;
  CHECK_STATUS(dialtime_client_builder_new(&b, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_base_url(b, dialtime_emulator_base_url(emu), NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_token(b, dialtime_emulator_token(emu), NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = NULL;
  CHECK_STATUS(dialtime_client_builder_build(b, &client, NULL), DIALTIME_STATUS_OK);
  dialtime_client_builder_free(b);

  atomic_int stop = 0;
  struct swap_worker w = {client, dialtime_emulator_user_id(emu), &stop};
  pthread_t threads[3];
  for (int i = 0; i < 3; i++) CHECK(pthread_create(&threads[i], NULL, swap_calls, &w) == 0);
  const int rounds = getenv("DIALTIME_TEST_SMALL") ? 20 : 300;
  long lines = 0;
  for (int r = 0; r < rounds; r++) {
    struct swap_sink *sink = malloc(sizeof *sink);
    sink->magic = SINK_MAGIC;
    sink->lines = 0;
    dialtime_set_logger(swap_log, sink);
    sleep_us(1000);
    dialtime_set_logger(NULL, NULL);
    lines += sink->lines;
    sink->magic = 0;
    free(sink);
  }
  atomic_store(&stop, 1);
  for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
  CHECK(lines > 0);
  dialtime_client_free(client);
  dialtime_emulator_free(emu);
}

/* A forked child frees the emulator it inherited: the server thread is the parent's, and
 * joining it aborted the child (std panicked in a function that cannot unwind). The child's
 * other emulator calls are refused or inert. */
static void test_emulator_freed_in_a_forked_child(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    /* Its faults and request log are the parent's server's, behind locks a thread of the
     * parent may hold at the fork (the child hung in 8 of 60 forks): refused, never waited
     * for. */
    alarm(10);
    int refused = 0;
    dialtime_error *err = NULL;
    char *json = NULL;
    uint64_t id = 99;
    refused += dialtime_emulator_push_fault_json(emu, "{\"status\":503}", &id, &err) == DIALTIME_STATUS_INVALID_ARGUMENT
               && id == 99 && strstr(dialtime_error_message(err), "parent process") != NULL;
    dialtime_error_free(err);
    refused += dialtime_emulator_requests_json(emu, &json, NULL) == DIALTIME_STATUS_INVALID_ARGUMENT && json == NULL;
    refused += dialtime_emulator_last_request_json(emu, &json, NULL) == DIALTIME_STATUS_INVALID_ARGUMENT && json == NULL;
    refused += dialtime_emulator_pending_faults(emu) == 0 && !dialtime_emulator_remove_fault(emu, 1);
    dialtime_emulator_clear_requests(emu);
    dialtime_emulator_clear_faults(emu);
    dialtime_emulator_free(emu);
    _exit(refused == 4 ? 0 : 1);
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(dialtime_emulator_request_count(emu) == 0);
  CHECK(dialtime_emulator_pending_faults(emu) == 0);
  /* A fault is checked as the HTTP control route checks it (a status of 1000 was queued and
   * ignored). */
  dialtime_error *err = NULL;
  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"status\":1000}", NULL, &err), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(dialtime_error_message(err), "fault.status") != NULL);
  dialtime_error_free(err);
  CHECK(dialtime_emulator_pending_faults(emu) == 0);
  dialtime_emulator_free(emu);
}

static void test_options(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  const char *token = dialtime_emulator_token(emu);
  dialtime_client_builder *b = NULL;
  CHECK_STATUS(dialtime_client_builder_new(&b, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_base_url(b, dialtime_emulator_base_url(emu), NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_token(b, token, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_max_retries(b, 5, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_add_default_header(b, "X-Tenant", "acme", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_user_agent_suffix(b, "c-test/1", NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_ignore_env_proxy(b, true, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_deadline_ms(NULL, 300, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_client_builder_set_deadline_ms(b, 60000, NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = NULL;
  CHECK_STATUS(dialtime_client_builder_build(b, &client, NULL), DIALTIME_STATUS_OK);

  dialtime_set_logger(capture_log, &log_lines);
  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"status\":503,\"times\":10}", NULL, NULL), DIALTIME_STATUS_OK);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  dialtime_page *page = NULL;
  dialtime_error *err = NULL;
  dialtime_request_options opts = {0};
  opts.deadline_ms = 300;
  CHECK_STATUS(dialtime_dial_time_groups_list(client, dialtime_emulator_user_id(emu), 1, NULL, &opts, &page, &err),
               DIALTIME_STATUS_SERVER);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double took_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
  CHECK(took_ms < 300);
  CHECK(page == NULL);
  CHECK(dialtime_error_attempts(err) == 1);
  CHECK(dialtime_error_deadline_passed(err));
  CHECK(dialtime_error_elapsed_ms(err) >= 0);
  CHECK(strcmp(dialtime_error_method(err), "GET") == 0);
  char path[200];
  snprintf(path, sizeof path, "/agent-api/user/%s/dial-time-group", dialtime_emulator_user_id(emu));
  CHECK(strcmp(dialtime_error_path(err), path) == 0);
  CHECK(strcmp(dialtime_error_request_id(err), "emu-1") == 0);
  CHECK(strstr(dialtime_error_message(err), "the deadline of 300 ms left no time to wait for another attempt") != NULL);
  dialtime_error_free(err);
  dialtime_set_logger(NULL, NULL);

  pthread_mutex_lock(&log_lock);
  CHECK(log_lines == 1);
  CHECK(strstr(log_text, path) != NULL);
  CHECK(strstr(log_text, " -> 503 server (attempt 1, ") != NULL);
  CHECK(strstr(log_text, token) == NULL);
  pthread_mutex_unlock(&log_lock);

  /* The default header and the user agent suffix reached the server. */
  dialtime_request_options once = {0};
  once.override_max_retries = true; /* and max_retries 0: one attempt */
  CHECK_STATUS(dialtime_dial_time_groups_list(client, dialtime_emulator_user_id(emu), 1, NULL, &once, &page, NULL),
               DIALTIME_STATUS_SERVER); /* still the 503 fault */
  char *seen = NULL;
  CHECK_STATUS(dialtime_emulator_last_request_json(emu, &seen, NULL), DIALTIME_STATUS_OK);
  CHECK(seen && strstr(seen, "\"x-tenant\":\"acme\"") != NULL);
  CHECK(seen && strstr(seen, "(c) c-test/1\"") != NULL);
  CHECK(seen && strstr(seen, token) == NULL);
  dialtime_string_free(seen);

  /* Per-call overrides: a timeout shorter than a slow answer; a negative one is refused. */
  dialtime_emulator_clear_faults(emu);
  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"delay_ms\":800}", NULL, NULL), DIALTIME_STATUS_OK);
  dialtime_request_options quick = {0};
  quick.timeout_ms = 150;
  quick.override_max_retries = true;
  quick.max_retries = 0;
  CHECK_STATUS(dialtime_dial_time_groups_list(client, dialtime_emulator_user_id(emu), 1, NULL, &quick, &page, NULL),
               DIALTIME_STATUS_TIMEOUT);
  quick.timeout_ms = -5;
  CHECK_STATUS(dialtime_dial_time_groups_list(client, dialtime_emulator_user_id(emu), 1, NULL, &quick, &page, &err),
               DIALTIME_STATUS_CONFIG);
  CHECK(strstr(dialtime_error_message(err), "options.timeout_ms") != NULL);
  dialtime_error_free(err);
  dialtime_emulator_clear_faults(emu);

  /* Not errors of a call: no call details. */
  CHECK(dialtime_error_method(NULL) == NULL && dialtime_error_attempts(NULL) == 0);
  CHECK(dialtime_error_elapsed_ms(NULL) == -1 && !dialtime_error_deadline_passed(NULL));

  /* A header dialtime sets itself is refused by build, naming it. */
  CHECK_STATUS(dialtime_client_builder_add_default_header(b, "Authorization", "Bearer x", NULL), DIALTIME_STATUS_OK);
  dialtime_client *refused = NULL;
  CHECK_STATUS(dialtime_client_builder_build(b, &refused, &err), DIALTIME_STATUS_CONFIG);
  CHECK(refused == NULL && strstr(dialtime_error_message(err), "Authorization") != NULL);
  dialtime_error_free(err);

  /* A proxy that is not there: the call fails to connect, where it succeeds without. */
  dialtime_client_builder *via = NULL;
  CHECK_STATUS(dialtime_client_builder_new(&via, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_base_url(via, dialtime_emulator_base_url(emu), NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_token(via, token, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_max_retries(via, 0, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_proxy(via, "http://127.0.0.1:9", NULL), DIALTIME_STATUS_OK);
  dialtime_client *proxied = NULL;
  CHECK_STATUS(dialtime_client_builder_build(via, &proxied, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_dial_time_groups_list(proxied, dialtime_emulator_user_id(emu), 1, NULL, NULL, &page, NULL),
               DIALTIME_STATUS_CONNECTION);
  dialtime_client_free(proxied);
  dialtime_client_builder_free(via);

  dialtime_client_free(client);
  dialtime_client_builder_free(b);
  dialtime_emulator_free(emu);

  /* HTTPS: refused without the emulator's CA, reached with it (and with it only). */
  dialtime_emulator *tls = NULL;
  CHECK_STATUS(dialtime_emulator_start_tls(&tls, NULL), DIALTIME_STATUS_OK);
  CHECK(strncmp(dialtime_emulator_base_url(tls), "https://", 8) == 0);
  CHECK(dialtime_emulator_ca_pem(tls) != NULL && dialtime_emulator_ca_pem(NULL) == NULL);
  for (int round = 0; round < 3; round++) {
    dialtime_client_builder *tb = NULL;
    CHECK_STATUS(dialtime_client_builder_new(&tb, NULL), DIALTIME_STATUS_OK);
    CHECK_STATUS(dialtime_client_builder_set_base_url(tb, dialtime_emulator_base_url(tls), NULL), DIALTIME_STATUS_OK);
    CHECK_STATUS(dialtime_client_builder_set_token(tb, dialtime_emulator_token(tls), NULL), DIALTIME_STATUS_OK);
    CHECK_STATUS(dialtime_client_builder_set_max_retries(tb, 0, NULL), DIALTIME_STATUS_OK);
    if (round > 0) {
      CHECK_STATUS(dialtime_client_builder_add_root_certificate_pem(tb, dialtime_emulator_ca_pem(tls), NULL),
                   DIALTIME_STATUS_OK);
    }
    if (round > 1) {
      CHECK_STATUS(dialtime_client_builder_set_trust_only_root_certificates(tb, true, NULL), DIALTIME_STATUS_OK);
    }
    dialtime_client *tc = NULL;
    CHECK_STATUS(dialtime_client_builder_build(tb, &tc, NULL), DIALTIME_STATUS_OK);
    dialtime_page *tp = NULL;
    CHECK_STATUS(dialtime_dial_time_groups_list(tc, dialtime_emulator_user_id(tls), 1, NULL, NULL, &tp, NULL),
                 round == 0 ? DIALTIME_STATUS_CONNECTION : DIALTIME_STATUS_OK);
    dialtime_page_free(tp);
    dialtime_client_free(tc);
    dialtime_client_builder_free(tb);
  }
  dialtime_emulator_free(tls);
}

/* ---- the testing kit: options as JSON, seeds, sub-users, the request log, faults by id --- */

static void test_testing_kit(void) {
  const char *sub = "0b3c3a51-5b8f-4c43-9a71-1f7c1d2f0a11";
  dialtime_emulator *emu = NULL;
  char options[1024];
  snprintf(options, sizeof options,
           "{\"user_id\":\"5f2b1c3d-0000-4000-8000-000000000001\",\"sub_users\":[\"%s\"],"
           "\"groups\":[%s],\"request_log_limit\":50}", sub, DOCUMENTED);
  CHECK_STATUS(dialtime_emulator_start_json(options, &emu, NULL), DIALTIME_STATUS_OK);
  CHECK(strcmp(dialtime_emulator_user_id(emu), "5f2b1c3d-0000-4000-8000-000000000001") == 0);
  dialtime_client *client = client_for(emu, dialtime_emulator_token(emu), 0);
  const char *user = dialtime_emulator_user_id(emu);

  /* The seed group is there; another sub-account is refused. */
  dialtime_page *page = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_list(client, user, 1, NULL, NULL, &page, NULL), DIALTIME_STATUS_OK);
  CHECK(page && dialtime_page_count(page) == 1);
  CHECK(page && strcmp(dialtime_group_name(dialtime_page_group(page, 0)), "周一周三拨打") == 0);
  dialtime_page_free(page);
  page = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_list(client, user, 1, "9e0d7a3c-1111-4a2b-8c3d-2e4f6a8b0c1d", NULL, &page, NULL),
               DIALTIME_STATUS_AUTHENTICATION);
  CHECK(page == NULL);

  /* The log: method, path, query, no token. */
  char *log = NULL;
  CHECK_STATUS(dialtime_emulator_requests_json(emu, &log, NULL), DIALTIME_STATUS_OK);
  CHECK(log && strstr(log, "\"method\":\"GET\"") != NULL);
  CHECK(log && strstr(log, "\"page\":\"1\"") != NULL);
  CHECK(log && strstr(log, "\"authorization\":\"[present]\"") != NULL);
  CHECK(log && strstr(log, dialtime_emulator_token(emu)) == NULL);
  dialtime_string_free(log);
  dialtime_emulator_clear_requests(emu);
  log = NULL;
  CHECK_STATUS(dialtime_emulator_requests_json(emu, &log, NULL), DIALTIME_STATUS_OK);
  CHECK(log && strcmp(log, "[]") == 0);
  dialtime_string_free(log);

  /* A fault removed by id never reaches a request. */
  uint64_t id = 0;
  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"status\":503,\"times\":4}", &id, NULL), DIALTIME_STATUS_OK);
  CHECK(id > 0 && dialtime_emulator_pending_faults(emu) == 4);
  CHECK(dialtime_emulator_remove_fault(emu, id));
  CHECK(!dialtime_emulator_remove_fault(emu, id));
  CHECK(dialtime_emulator_pending_faults(emu) == 0);
  page = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_list(client, user, 1, NULL, NULL, &page, NULL), DIALTIME_STATUS_OK);
  dialtime_page_free(page);
  CHECK(!dialtime_emulator_remove_fault(NULL, 1) && dialtime_emulator_pending_faults(NULL) == 0);
  dialtime_emulator_clear_requests(NULL);
  CHECK_STATUS(dialtime_emulator_requests_json(NULL, &log, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  dialtime_client_free(client);
  dialtime_emulator_free(emu);

  /* Bad options: an unknown key, a bad seed (its path), not JSON. */
  dialtime_error *err = NULL;
  emu = NULL;
  CHECK_STATUS(dialtime_emulator_start_json("{\"userId\":\"x\"}", &emu, &err), DIALTIME_STATUS_VALIDATION);
  CHECK(emu == NULL && err && strstr(dialtime_error_message(err), "userId") != NULL);
  dialtime_error_free(err);
  err = NULL;
  CHECK_STATUS(dialtime_emulator_start_json("{\"groups\":[{\"name\":\"\"}]}", &emu, &err), DIALTIME_STATUS_VALIDATION);
  CHECK(err && strcmp(dialtime_error_problem_path(err, 0), "groups[0].name") == 0);
  dialtime_error_free(err);
  CHECK_STATUS(dialtime_emulator_start_json("nope", &emu, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK_STATUS(dialtime_emulator_start_json(NULL, &emu, NULL), DIALTIME_STATUS_OK);
  dialtime_emulator_free(emu);
}

/* ---- a successful call's answer, on request ------------------------------------------- */

static void test_recorder(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = NULL;
  CHECK_STATUS(build_client(dialtime_emulator_base_url(emu), dialtime_emulator_token(emu), 0, 2, &client, NULL),
               DIALTIME_STATUS_OK);
  dialtime_response_recorder *rec = NULL;
  CHECK_STATUS(dialtime_response_recorder_new(&rec, NULL), DIALTIME_STATUS_OK);
  dialtime_response *r = (dialtime_response *)1;
  CHECK_STATUS(dialtime_response_recorder_last(rec, &r, NULL), DIALTIME_STATUS_OK);
  CHECK(r == NULL);

  dialtime_request_options o = {0};
  o.recorder = rec;
  CHECK_STATUS(dialtime_emulator_push_fault_json(emu, "{\"status\":503}", NULL, NULL), DIALTIME_STATUS_OK);
  dialtime_page *page = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_list(client, dialtime_emulator_user_id(emu), 1, NULL, &o, &page, NULL),
               DIALTIME_STATUS_OK); /* retried once */
  dialtime_page_free(page);
  CHECK_STATUS(dialtime_response_recorder_last(rec, &r, NULL), DIALTIME_STATUS_OK);
  CHECK(r != NULL);
  CHECK(dialtime_response_http_status(r) == 200);
  CHECK(dialtime_response_attempts(r) == 2);
  CHECK(dialtime_response_request_id(r) && strcmp(dialtime_response_request_id(r), "emu-2") == 0);
  CHECK(dialtime_response_header(r, "X-Request-Id") && strcmp(dialtime_response_header(r, "X-Request-Id"), "emu-2") == 0);
  CHECK(dialtime_response_header(r, "x-nope") == NULL && dialtime_response_header(r, NULL) == NULL);
  CHECK(dialtime_response_header_count(r) >= 2);
  CHECK(dialtime_response_header_name(r, 0) != NULL && dialtime_response_header_value(r, 0) != NULL);
  CHECK(dialtime_response_header_name(r, 999) == NULL);
  CHECK(strstr(dialtime_response_path(r), "/dial-time-group") != NULL);
  CHECK(dialtime_response_elapsed_ms(r) < 60000);
  for (size_t i = 0; i < dialtime_response_header_count(r); i++) {
    CHECK(strstr(dialtime_response_header_value(r, i), dialtime_emulator_token(emu)) == NULL);
  }
  dialtime_response_free(r);

  /* A create through the same options replaces it; a call without them leaves it. */
  char *saved = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_create_json(client, dialtime_emulator_user_id(emu), DOCUMENTED, &o, &saved, NULL),
               DIALTIME_STATUS_OK);
  dialtime_string_free(saved);
  page = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_list(client, dialtime_emulator_user_id(emu), 1, NULL, NULL, &page, NULL),
               DIALTIME_STATUS_OK);
  dialtime_page_free(page);
  CHECK_STATUS(dialtime_response_recorder_last(rec, &r, NULL), DIALTIME_STATUS_OK);
  CHECK(r && dialtime_response_attempts(r) == 1 && strcmp(dialtime_response_request_id(r), "emu-3") == 0);
  dialtime_response_free(r);
  CHECK(dialtime_response_http_status(NULL) == 0 && dialtime_response_request_id(NULL) == NULL);
  CHECK(dialtime_response_header_count(NULL) == 0 && strcmp(dialtime_response_path(NULL), "") == 0);
  CHECK_STATUS(dialtime_response_recorder_last(NULL, &r, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  dialtime_response_free(NULL);
  dialtime_response_recorder_free(NULL);
  dialtime_response_recorder_free(rec);
  dialtime_client_free(client);
  dialtime_emulator_free(emu);
}

/* Pointer outputs and *err are set to NULL first, so cleanup code can free them whatever a
 * call returned (they were left as they were on a failure). */
static void test_outputs_are_defined_whatever_a_call_returns(void) {
  dialtime_emulator *emu = (dialtime_emulator *)&failures; /* garbage a caller might leave */
  dialtime_error *err = (dialtime_error *)&failures;
  CHECK_STATUS(dialtime_emulator_start_json("{not json", &emu, &err), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK(emu == NULL && err != NULL);
  dialtime_error_free(err);
  err = (dialtime_error *)&failures;
  CHECK_STATUS(dialtime_emulator_start(&emu, &err), DIALTIME_STATUS_OK);
  CHECK(emu != NULL && err == NULL);
  dialtime_client *client = (dialtime_client *)&failures;
  dialtime_client_builder *b = NULL;
  CHECK_STATUS(dialtime_client_builder_new(&b, NULL), DIALTIME_STATUS_OK);
  (void)dialtime_client_builder_set_token(b, "t", NULL);
  (void)dialtime_client_builder_set_base_url(b, "https://user:pw@example.com", NULL); /* refused */
  CHECK_STATUS(dialtime_client_builder_build(b, &client, &err), DIALTIME_STATUS_CONFIG);
  CHECK(client == NULL && err != NULL);
  dialtime_error_free(err);
  dialtime_page *page = (dialtime_page *)&failures;
  CHECK_STATUS(dialtime_dial_time_groups_list(NULL, "u", 1, NULL, NULL, &page, NULL), DIALTIME_STATUS_INVALID_ARGUMENT);
  CHECK(page == NULL);
  dialtime_client_builder_free(b);
  dialtime_emulator_free(emu);
}

/* ---- a call from an atexit handler -------------------------------------------------------- */

/* glibc's exit() destroys the main thread's thread-locals before it runs atexit handlers (and
 * C++ static destructors): a call made there found the runtime's gone and panicked at the
 * boundary (DIALTIME_STATUS_PANIC). It is answered. The handler can only report by exit status. */
static dialtime_emulator *late_emulator;
static dialtime_client *late_client;

static void late_call(void) {
  dialtime_page *page = NULL;
  dialtime_error *err = NULL;
  dialtime_status got = dialtime_dial_time_groups_list(late_client, dialtime_emulator_user_id(late_emulator), 1,
                                                       NULL, NULL, &page, &err);
  if (got != DIALTIME_STATUS_OK) {
    fprintf(stderr, "FAIL: a call from an atexit handler: status %d: %s\n", (int)got,
            err ? dialtime_error_message(err) : "");
    fflush(stderr);
    _exit(1);
  }
  dialtime_page_free(page);
  dialtime_client_free(late_client);
  dialtime_emulator_free(late_emulator);
}

static void test_a_call_from_an_atexit_handler(void) {
  CHECK_STATUS(dialtime_emulator_start(&late_emulator, NULL), DIALTIME_STATUS_OK);
  late_client = client_for(late_emulator, dialtime_emulator_token(late_emulator), 0);
  /* A call on this thread first, so the runtime's thread-locals exist (and are destroyed). */
  dialtime_page *page = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_list(late_client, dialtime_emulator_user_id(late_emulator), 1, NULL, NULL,
                                              &page, NULL),
               DIALTIME_STATUS_OK);
  dialtime_page_free(page);
  CHECK(atexit(late_call) == 0);
}

/* A logger that calls exit() while a call is being driven on its thread, and an atexit
 * handler that then makes a call: the call fails with DIALTIME_STATUS_CONFIG, as any call from
 * a logger does (it waited forever for the runtime its own thread held). In a forked child,
 * which reports by its exit status; the parent kills a child that hangs. */
static dialtime_client *exiting_client;
static const char *exiting_user;

static void call_while_exiting(void) {
  dialtime_page *page = NULL;
  dialtime_status got = dialtime_dial_time_groups_list(exiting_client, exiting_user, 1, NULL, NULL, &page, NULL);
  dialtime_page_free(page);
  _exit(got == DIALTIME_STATUS_CONFIG ? 0 : 10 + (int)got);
}

static void exit_from_the_logger(dialtime_log_level level, const char *line, void *user_data) {
  (void)level;
  (void)line;
  (void)user_data;
  exit(0);
}

static void test_a_logger_calling_exit_with_a_call_at_exit(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = client_for(emu, dialtime_emulator_token(emu), 0);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    exiting_client = client;
    exiting_user = dialtime_emulator_user_id(emu);
    atexit(call_while_exiting);
    dialtime_set_logger(exit_from_the_logger, NULL);
    dialtime_page *page = NULL;
    dialtime_dial_time_groups_list(client, exiting_user, 1, NULL, NULL, &page, NULL);
    _exit(99); /* the logger exits before this */
  }
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 2000 && done == 0; i++) {
    done = waitpid(pid, &status, WNOHANG);
    if (done == 0) {
      struct timespec pause = {0, 10 * 1000 * 1000};
      nanosleep(&pause, NULL);
    }
  }
  if (done == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  CHECK(done == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  dialtime_client_free(client);
  dialtime_emulator_free(emu);
}

/* A refused builder value is taken back by a good one of the same setting, and leaves the
 * other settings as they were: it used to reset the builder to its defaults and stay
 * refused for good (timeout 0, then 1000: build still failed, and without the base URL). */
static void test_a_refused_builder_value_can_be_corrected(void) {
  dialtime_emulator *emu = NULL;
  CHECK_STATUS(dialtime_emulator_start(&emu, NULL), DIALTIME_STATUS_OK);
  dialtime_client_builder *b = NULL;
  CHECK_STATUS(dialtime_client_builder_new(&b, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_base_url(b, dialtime_emulator_base_url(emu), NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_token(b, dialtime_emulator_token(emu), NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_timeout_ms(b, 0, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_set_max_retries(b, -1, NULL), DIALTIME_STATUS_OK);
  dialtime_client *client = NULL;
  dialtime_error *err = NULL;
  CHECK_STATUS(dialtime_client_builder_build(b, &client, &err), DIALTIME_STATUS_CONFIG);
  CHECK(client == NULL && err != NULL && strstr(dialtime_error_message(err), "timeout_ms") != NULL);
  dialtime_error_free(err);
  err = NULL;
  CHECK_STATUS(dialtime_client_builder_set_timeout_ms(b, 1000, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_build(b, &client, &err), DIALTIME_STATUS_CONFIG);
  CHECK(err != NULL && strstr(dialtime_error_message(err), "max_retries") != NULL);
  dialtime_error_free(err);
  err = NULL;
  CHECK_STATUS(dialtime_client_builder_set_max_retries(b, 0, NULL), DIALTIME_STATUS_OK);
  CHECK_STATUS(dialtime_client_builder_build(b, &client, NULL), DIALTIME_STATUS_OK);
  /* The base URL and token set before the refusals are kept: the call reaches the emulator. */
  dialtime_page *page = NULL;
  CHECK_STATUS(dialtime_dial_time_groups_list(client, dialtime_emulator_user_id(emu), 1, NULL, NULL, &page, NULL),
               DIALTIME_STATUS_OK);
  CHECK(dialtime_emulator_request_count(emu) == 1);
  dialtime_page_free(page);
  dialtime_client_free(client);
  dialtime_client_builder_free(b);
  dialtime_emulator_free(emu);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s VECTORS_TXT\n", argv[0]);
    return 2;
  }
  CHECK(strlen(dialtime_version()) >= 5);
  char header_version[32];
  snprintf(header_version, sizeof header_version, "%d.%d.%d", DIALTIME_VERSION_MAJOR, DIALTIME_VERSION_MINOR,
           DIALTIME_VERSION_PATCH);
  /* The numbers of the version (a pre-release's follow a '-'). */
  const size_t numbers = strlen(header_version);
  CHECK(strncmp(header_version, dialtime_version(), numbers) == 0);
  CHECK(dialtime_version()[numbers] == '\0' || dialtime_version()[numbers] == '-');
  test_vectors(argv[1]);
  test_schedule_vectors(argv[1]);
  /* The matrix waits on timeouts and backoffs: run under the sanitizers, skipped under
   * valgrind (DIALTIME_TEST_SMALL), where its threads would serialize. */
  if (!getenv("DIALTIME_TEST_SMALL")) test_fault_matrix();
  test_logger_swap_waits_for_callbacks();
  /* Not under valgrind (DIALTIME_TEST_SMALL): the child leaks the parent's server by design,
   * which valgrind reports as the child's exit status. */
  if (!getenv("DIALTIME_TEST_SMALL")) test_emulator_freed_in_a_forked_child();
  if (!getenv("DIALTIME_TEST_SMALL")) test_a_logger_calling_exit_with_a_call_at_exit();
  test_typed_create();
  test_group_without_timestamps();
  test_panic_boundary();
  test_statuses();
  test_bad_arguments();
  test_outputs_are_defined_whatever_a_call_returns();
  test_hostile_input();
  test_list_update_delete_ensure();
  test_threads();
  test_options();
  test_a_refused_builder_value_can_be_corrected();
  test_forward_proxy();
  test_testing_kit();
  test_recorder();
  test_a_call_from_an_atexit_handler();
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("C tests passed (dialtime %s)\n", dialtime_version());
  return 0;
}
