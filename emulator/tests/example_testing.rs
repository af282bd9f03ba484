//! README "Testing your code" (Rust): the code under test, and its tests against the emulator.

use dialtime::{BlockingClient, NewDialTimeGroup, Weekday};
use dialtime_emulator::{Emulator, Fault};

/// The code under test: gives an account the company's standard group.
fn install(client: &BlockingClient, user_id: &str) -> dialtime::Result<i64> {
    let workdays = NewDialTimeGroup::builder("工作日白天")
        .windows(
            [
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
            ],
            "09:00",
            "18:00",
        )
        .is_default(true)
        .skip_holiday(true)
        .build()?;
    Ok(client.dial_time_groups().ensure(user_id, &workdays)?.0.id)
}

fn client_for(emu: &Emulator) -> BlockingClient {
    BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .build_blocking()
        .unwrap()
}

#[test]
fn install_saves_the_group_once() {
    let emu = Emulator::start().unwrap();
    let client = client_for(&emu);
    let id = install(&client, emu.user_id()).unwrap();
    assert_eq!(install(&client, emu.user_id()).unwrap(), id);
    let writes: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].body.as_ref().unwrap()["name"], "工作日白天");
}

#[test]
fn install_gives_up_on_a_long_outage() {
    let emu = Emulator::start().unwrap();
    let client = client_for(&emu);
    {
        let _outage = emu.fault(Fault::status(503).times(10));
        assert_eq!(
            install(&client, emu.user_id()).unwrap_err().http_status(),
            Some(503)
        );
    }
    assert_eq!(emu.pending_faults(), 0);
}
