/* A complete C program: save the documented dial time group. It talks to the in-process
 * emulator so it runs anywhere; against the platform, drop the emulator and pass your token
 * (or set DIALTIME_TOKEN).
 *
 *   cc main.c $(pkg-config --cflags --libs dialtime) -o save-group
 */
#include <stdio.h>

#include "dialtime.h"

static int fail(dialtime_status status, dialtime_error *err) {
  fprintf(stderr, "dialtime error %d: %s\n", (int)status, dialtime_error_message(err));
  for (size_t i = 0; i < dialtime_error_problem_count(err); i++) {
    fprintf(stderr, "  %s: %s\n", dialtime_error_problem_path(err, i), dialtime_error_problem_message(err, i));
  }
  dialtime_error_free(err);
  return 1;
}

int main(void) {
  dialtime_error *err = NULL;
  dialtime_emulator *emu = NULL;
  dialtime_status st = dialtime_emulator_start(&emu, &err);
  if (st != DIALTIME_STATUS_OK) return fail(st, err);

  dialtime_client_builder *builder = NULL;
  dialtime_client *client = NULL;
  st = dialtime_client_builder_new(&builder, &err);
  if (st == DIALTIME_STATUS_OK) st = dialtime_client_builder_set_base_url(builder, dialtime_emulator_base_url(emu), &err);
  if (st == DIALTIME_STATUS_OK) st = dialtime_client_builder_set_token(builder, dialtime_emulator_token(emu), &err);
  if (st == DIALTIME_STATUS_OK) st = dialtime_client_builder_set_timeout_ms(builder, 5000, &err);
  if (st == DIALTIME_STATUS_OK) st = dialtime_client_builder_build(builder, &client, &err);
  dialtime_client_builder_free(builder);
  if (st != DIALTIME_STATUS_OK) return fail(st, err);

  dialtime_new_group *group = NULL;
  st = dialtime_new_group_new("周一周三拨打", &group, &err);
  if (st == DIALTIME_STATUS_OK) st = dialtime_new_group_add_time(group, 1, "08:00", "20:00", &err);
  if (st == DIALTIME_STATUS_OK) st = dialtime_new_group_add_time(group, 1, "20:30", "22:00", &err);
  if (st == DIALTIME_STATUS_OK) st = dialtime_new_group_add_time(group, 3, "08:00", "12:00", &err);
  dialtime_new_group_set_is_default(group, true);
  dialtime_new_group_set_skip_holiday(group, true);

  dialtime_group *saved = NULL;
  if (st == DIALTIME_STATUS_OK) st = dialtime_dial_time_groups_create(client, dialtime_emulator_user_id(emu), group, NULL, &saved, &err);
  if (st != DIALTIME_STATUS_OK) return fail(st, err);

  /* NULL where the platform sent no time for the group. */
  const char *at = dialtime_group_created_at_text(saved);
  printf("saved \"%s\" with id %lld at %s\n", dialtime_group_name(saved),
         (long long)dialtime_group_id(saved), at ? at : "(no time sent)");
  for (size_t i = 0; i < dialtime_group_day_count(saved); i++) {
    for (size_t j = 0; j < dialtime_group_day_range_count(saved, i); j++) {
      printf("  weekday %u: %s-%s\n", dialtime_group_day_week(saved, i),
             dialtime_group_day_range_begin(saved, i, j), dialtime_group_day_range_end(saved, i, j));
    }
  }
  dialtime_group_free(saved);
  dialtime_new_group_free(group);
  dialtime_client_free(client);
  dialtime_emulator_free(emu);
  return 0;
}
