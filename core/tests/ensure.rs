//! ensure: created, then unchanged; updated when it differs; order and padding do not count;
//! scoped by sub-user; a duplicated name is an error naming both ids.

mod common;

use common::{client, SUB};
use dialtime::{ErrorKind, NewDialTimeGroup, Outcome, Weekday};
use dialtime_emulator::Emulator;

fn wanted() -> NewDialTimeGroup {
    NewDialTimeGroup::builder("工作日")
        .window(Weekday::Monday, "08:00", "12:00")
        .window(Weekday::Monday, "13:00", "18:00")
        .window(Weekday::Tuesday, "08:00", "18:00")
        .skip_holiday(true)
        .build()
        .unwrap()
}

#[test]
fn twice_is_created_then_unchanged() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    let (first, outcome) = c
        .dial_time_groups()
        .ensure(emu.user_id(), &wanted())
        .unwrap();
    assert_eq!(outcome, Outcome::Created);
    let before = emu.request_count();
    let (again, outcome) = c
        .dial_time_groups()
        .ensure(emu.user_id(), &wanted())
        .unwrap();
    assert_eq!(outcome, Outcome::Unchanged);
    assert_eq!(again.id, first.id);
    assert_eq!(emu.request_count() - before, 1, "one list call, no write");
    assert_eq!(
        c.dial_time_groups().list_all(emu.user_id(), None).count(),
        1
    );
}

#[test]
fn order_of_days_and_ranges_and_padding_do_not_count() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    c.dial_time_groups()
        .ensure(emu.user_id(), &wanted())
        .unwrap();
    let same = NewDialTimeGroup::builder("工作日")
        .window(Weekday::Tuesday, "8:00", "18:00")
        .window(Weekday::Monday, "13:00", "18:00")
        .window(Weekday::Monday, "8:00", "12:00")
        .skip_holiday(true)
        .build()
        .unwrap();
    let (_, outcome) = c.dial_time_groups().ensure(emu.user_id(), &same).unwrap();
    assert_eq!(outcome, Outcome::Unchanged);
}

#[test]
fn a_different_schedule_or_flag_is_updated_in_place() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    let (first, _) = c
        .dial_time_groups()
        .ensure(emu.user_id(), &wanted())
        .unwrap();
    let mut changed = wanted();
    changed.content.pop();
    let (updated, outcome) = c
        .dial_time_groups()
        .ensure(emu.user_id(), &changed)
        .unwrap();
    assert_eq!(outcome, Outcome::Updated);
    assert_eq!(updated.id, first.id);
    assert_eq!(updated.content.len(), 1);
    let mut flag = changed.clone();
    flag.is_default = true;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (updated, outcome) = rt
        .block_on(c.as_async().dial_time_groups().ensure(emu.user_id(), &flag))
        .unwrap();
    assert_eq!(outcome, Outcome::Updated);
    assert!(updated.is_default);
    assert_eq!(
        c.dial_time_groups().list_all(emu.user_id(), None).count(),
        1
    );
}

#[test]
fn scopes_are_apart_and_duplicates_are_an_error() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    let groups = c.dial_time_groups();
    let (main, _) = groups.ensure(emu.user_id(), &wanted()).unwrap();
    let mut sub = wanted();
    sub.sub_user_id = Some(SUB.to_owned());
    let (in_sub, outcome) = groups.ensure(emu.user_id(), &sub).unwrap();
    assert_eq!(outcome, Outcome::Created);
    assert_ne!(in_sub.id, main.id);

    let twin = groups.create(emu.user_id(), &wanted()).unwrap();
    let err = groups.ensure(emu.user_id(), &wanted()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    let message = &err.problems()[0].message;
    assert!(
        message.contains(&main.id.to_string()) && message.contains(&twin.id.to_string()),
        "{message}"
    );
}

/// A listed group whose id is not above 0 is the platform's answer at fault, not the
/// caller's: a `Decode` error naming the id (it was a `Validation` error, "group_id must be a
/// positive integer", when ensure went on to update it).
#[test]
fn a_listed_group_without_a_usable_id_is_a_decode_error() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    for id in ["0", "-3", "\"0\""] {
        let body = format!(
            r#"{{"code":200,"status":"success","meta":{{"current_page":1,"last_page":1}},"data":[
            {{"id":{id},"name":"工作日","user_id":"u","content":[],"is_default":false,"created_at":"2022-01-01 00:00:00","updated_at":"2022-01-01 00:00:00"}}]}}"#
        );
        emu.push_fault(dialtime_emulator::Fault::body(body));
        let err = c
            .dial_time_groups()
            .ensure(emu.user_id(), &wanted())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{id}: {err}");
        assert!(
            err.to_string().contains("id must be a positive integer"),
            "{id}: {err}"
        );
    }
}

/// How many of `n` `ensure`s run at once on threads (`ensure(i)` is the i-th) created the group.
fn created_at_once(
    n: usize,
    ensure: impl Fn(usize) -> dialtime::Result<(dialtime::DialTimeGroup, Outcome)> + Sync,
) -> usize {
    let outcomes: Vec<Outcome> = std::thread::scope(|s| {
        let running: Vec<_> = (0..n)
            .map(|i| {
                let ensure = &ensure;
                s.spawn(move || ensure(i))
            })
            .collect();
        running
            .into_iter()
            .map(|t| t.join().unwrap().unwrap().1)
            .collect()
    });
    outcomes.iter().filter(|o| **o == Outcome::Created).count()
}

/// `ensure`s of one group at once (8 threads, every answer 200 ms late) create it once:
/// each found it absent and created it (8 groups of one name), and every later `ensure`
/// then failed on the duplicate name.
#[test]
fn ensures_of_one_group_at_once_create_it_once() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    emu.push_fault(dialtime_emulator::Fault::delay(200).times(1_000));
    let created = created_at_once(8, |_| c.dial_time_groups().ensure(emu.user_id(), &wanted()));
    assert_eq!(created, 1);
    assert_eq!(
        c.dial_time_groups().list_all(emu.user_id(), None).count(),
        1
    );
    // Copies of the client (per-call options) take turns with it, and the user id in upper
    // case is the same account (UUIDs): one group again.
    let copy = c
        .with_options(&dialtime::RequestOptions::new().max_retries(1))
        .unwrap();
    let other = NewDialTimeGroup::builder("副本")
        .window(Weekday::Friday, "09:00", "10:00")
        .build()
        .unwrap();
    let created = created_at_once(6, |i| {
        let client = if i % 2 == 0 { &c } else { &copy };
        let user = if i < 3 {
            emu.user_id().to_owned()
        } else {
            emu.user_id().to_uppercase()
        };
        client.dial_time_groups().ensure(&user, &other)
    });
    assert_eq!(created, 1);
    // Separate clients of one process (a client per request, Node's workers) take turns too:
    // each of four found the group absent and created it.
    let third = NewDialTimeGroup::builder("各自")
        .window(Weekday::Monday, "09:00", "10:00")
        .build()
        .unwrap();
    let created = created_at_once(4, |_| {
        client(&emu)
            .dial_time_groups()
            .ensure(emu.user_id(), &third)
    });
    assert_eq!(created, 1);
    emu.clear_faults();
    assert_eq!(
        c.dial_time_groups().list_all(emu.user_id(), None).count(),
        3
    );
}

/// A deadline that passes while another `ensure` of the group holds its turn ends the wait:
/// a `Timeout` whose call details say the deadline ended it (no attempt was made).
#[test]
fn a_deadline_ends_the_wait_for_another_ensure_of_the_group() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    emu.push_fault(dialtime_emulator::Fault::delay(500).times(10));
    let quick = c
        .with_options(
            &dialtime::RequestOptions::new().deadline(std::time::Duration::from_millis(200)),
        )
        .unwrap();
    std::thread::scope(|s| {
        let slow = s.spawn(|| c.dial_time_groups().ensure(emu.user_id(), &wanted()));
        // The slow one is waiting for its first (500 ms) answer, holding the turn.
        while emu.request_count() == 0 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let err = quick
            .dial_time_groups()
            .ensure(emu.user_id(), &wanted())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
        assert!(err.to_string().contains("another ensure"), "{err}");
        let call = err.call().expect("call details");
        assert!(call.deadline_passed && call.attempts == 0, "{call:?}");
        assert!(call.path.ends_with("/dial-time-group"), "{call:?}");
        assert_eq!(slow.join().unwrap().unwrap().1, Outcome::Created);
    });
}

/// The deadline bounds the whole `ensure` (three pages to walk, then the write), not each of
/// its calls: with every answer 400 ms late, a 600 ms deadline ends it on the second page
/// (each call got its own 600 ms, and the ensure took 1.6 s and created the group).
#[test]
fn the_deadline_bounds_the_whole_ensure() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    for i in 0..40 {
        c.dial_time_groups()
            .create(emu.user_id(), &common::group(&format!("g{i}")))
            .unwrap();
    }
    emu.push_fault(dialtime_emulator::Fault::delay(400).times(10));
    let quick = c
        .with_options(
            &dialtime::RequestOptions::new().deadline(std::time::Duration::from_millis(600)),
        )
        .unwrap();
    let err = quick
        .dial_time_groups()
        .ensure(emu.user_id(), &wanted())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.call().is_some_and(|call| call.deadline_passed), "{err}");
    emu.clear_faults();
    let names: Vec<String> = c
        .dial_time_groups()
        .list_all(emu.user_id(), None)
        .map(|g| g.unwrap().name)
        .collect();
    assert_eq!(names.len(), 40, "nothing was created");
}
