//! Caller JSON text read straight into the typed payload, for the common case of a payload
//! that is well-formed: no `Value` tree is built, the times are parsed from the text in place.
//! Only JSON objects are read as the payload, its days and its ranges.
//! Anything this strict reading refuses (a type, an unknown or repeated key, a malformed time
//! or weekday) or the rules refuse returns `None`, and the full reading (`json.rs`) reports
//! every problem with its path. So a payload is accepted here only when the full reading
//! would accept it and give the same payload: the same rules (the `Checker`, through the
//! payloads' `validate`), the same unpadded times and integer weekdays (its rules for saving),
//! `null` as "not given" where it reads so.
//!
//! Building and dropping the `Value` tree was most of reading a payload: about a sixth of the
//! C++ client's CPU per create, which hands every group to the library as JSON text.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::model::{DaySchedule, DialTimeGroupUpdate, NewDialTimeGroup};
use crate::model::{TimeOfDay, TimeRange, Weekday};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Group<'a> {
    name: String,
    #[serde(borrow)]
    content: Vec<Object<Day<'a>>>,
    is_default: bool,
    skip_holiday: bool,
    sub_user_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Update<'a> {
    name: String,
    #[serde(borrow)]
    content: Option<Vec<Object<Day<'a>>>>,
    is_default: Option<bool>,
    skip_holiday: Option<bool>,
    sub_user_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Day<'a> {
    week: i64,
    #[serde(borrow)]
    times: Vec<Object<Range<'a>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Range<'a> {
    #[serde(borrow)]
    begin_time: Cow<'a, str>,
    #[serde(borrow)]
    end_time: Cow<'a, str>,
}

/// `T` read from a JSON object only: serde's derived structs also take an array of their
/// fields in order (`["a", [[1, [["08:00", "09:00"]]]], false, false]`), which the full
/// reading refuses as "must be a JSON object".
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Fields<T> {
            type Value = Object<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Object)
            }
        }
        d.deserialize_map(Fields(PhantomData))
    }
}

fn content(days: Vec<Object<Day<'_>>>) -> Option<Vec<DaySchedule>> {
    days.into_iter()
        .map(|Object(day)| {
            let times = day
                .times
                .iter()
                .map(|Object(r)| {
                    let begin = TimeOfDay::parse(&r.begin_time).ok()?;
                    Some(TimeRange::new(begin, TimeOfDay::parse(&r.end_time).ok()?))
                })
                .collect::<Option<Vec<_>>>()?;
            Some(DaySchedule::new(Weekday::from_number(day.week)?, times))
        })
        .collect()
}

/// The create payload `text`, when it is well-formed and keeps every rule; else `None`.
pub fn new_group(text: &str) -> Option<NewDialTimeGroup> {
    let Object(g) = serde_json::from_str::<Object<Group<'_>>>(text).ok()?;
    let group = NewDialTimeGroup {
        name: g.name,
        content: content(g.content)?,
        is_default: g.is_default,
        skip_holiday: g.skip_holiday,
        sub_user_id: g.sub_user_id,
    };
    group.validate().ok()?;
    Some(group)
}

/// The update payload `text`, when it is well-formed and keeps every rule; else `None`.
pub fn update(text: &str) -> Option<DialTimeGroupUpdate> {
    let Object(u) = serde_json::from_str::<Object<Update<'_>>>(text).ok()?;
    let update = DialTimeGroupUpdate {
        name: u.name,
        content: match u.content {
            Some(days) => Some(content(days)?),
            None => None,
        },
        is_default: u.is_default,
        skip_holiday: u.skip_holiday,
        sub_user_id: u.sub_user_id,
    };
    update.validate().ok()?;
    Some(update)
}

#[cfg(test)]
mod tests {
    use super::super::json::{parse_json, read_new_group, read_update, UnknownFields};

    const GOOD: &str = r#"{"name":"周一周三拨打","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"20:00"},{"begin_time":"20:30","end_time":"22:00"}]},{"week":3,"times":[{"begin_time":"8:00","end_time":"24:00"}]}],"is_default":false,"skip_holiday":true}"#;

    /// Payloads around the edges of the quick reading: each must read as the full reading
    /// reads it (accepted the same, or left to it).
    const CASES: &[&str] = &[
        GOOD,
        r#"{"name":"a","content":[{"week":0,"times":[{"begin_time":"00:00","end_time":"00:01"}]}],"is_default":true,"skip_holiday":false,"sub_user_id":null}"#,
        r#"{"name":"a","content":[{"week":6,"times":[{"begin_time":"09:00","end_time":"10:00"}]}],"is_default":true,"skip_holiday":false,"sub_user_id":"5832d184-dd53-42a0-8ace-0bf8d660f4cc"}"#,
        r#"{"name":"\u0061\n","content":[{"week":1,"times":[{"begin_time":"0\u0038:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"na\u006de":"a","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        // Arrays where objects belong (serde's structs take them), at each level.
        r#"["a",[[1,[["08:00","09:00"]]]],false,false]"#,
        r#"{"name":"a","content":[[1,[{"begin_time":"08:00","end_time":"09:00"}]]],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1,"times":[["08:00","09:00"]]}],"is_default":false,"skip_holiday":false}"#,
        r#"["a"]"#,
        // All five fields (a derived struct's array form needs each): refused by the wrapper.
        r#"["a",[{"week":1,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],false,false,null]"#,
        r#"["a",null,null,null,null]"#,
        r#"{"name":"a","content":[{"week":9223372036854775808,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1e400,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1,"times":null}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","sub_user_id":5}"#,
        "null",
        // The full reading's rules: padded time, weekday as text or float, a repeated key,
        // an unknown key, null for a required flag, a range overlapping, an empty day.
        r#"{"name":"a","content":[{"week":1,"times":[{"begin_time":" 08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":"1","times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1.0,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":-0,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","name":"b","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1,"week":2,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"09:00","x":1}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":null,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"10:00"},{"begin_time":"09:00","end_time":"11:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1,"times":[]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"09:00"}]},{"week":1,"times":[{"begin_time":"10:00","end_time":"11:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":7,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"  ","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":false,"skip_holiday":false,"sub_user_id":"nope"}"#,
        r#"{"name":"a","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":0,"skip_holiday":false}"#,
        r#"{"name":"a","content":null,"is_default":false,"skip_holiday":false}"#,
        r#"{"name":"a","is_default":false}"#,
        r#"{"name":"a"} x"#,
        "[]",
        "",
    ];

    #[test]
    fn a_create_is_read_as_the_full_reading_reads_it() {
        let mut quick = 0;
        for text in CASES {
            let full = parse_json(text).and_then(|v| read_new_group(&v, UnknownFields::Reject));
            if let Some(group) = super::new_group(text) {
                quick += 1;
                assert_eq!(Some(&group), full.as_ref().ok(), "{text}");
            }
        }
        // The five well-formed ones, and only they, take the quick reading.
        assert_eq!(quick, 5);
    }

    #[test]
    fn an_update_is_read_as_the_full_reading_reads_it() {
        let updates = [
            r#"{"name":"a"}"#,
            r#"{"name":"a","content":null,"is_default":null,"skip_holiday":true,"sub_user_id":null}"#,
            r#"{"name":"a","content":[{"week":2,"times":[{"begin_time":"08:00","end_time":"09:00"}]}]}"#,
            r#"{"name":"a","content":[]}"#,
            r#"{"name":"a","is_default":1}"#,
            r#"{"content":[{"week":2,"times":[{"begin_time":"08:00","end_time":"09:00"}]}]}"#,
        ];
        let mut quick = 0;
        for text in updates.iter().chain(CASES) {
            let full = parse_json(text).and_then(|v| read_update(&v, UnknownFields::Reject));
            if let Some(update) = super::update(text) {
                quick += 1;
                assert_eq!(Some(&update), full.as_ref().ok(), "{text}");
            }
        }
        // The three well-formed updates, the five well-formed groups, and three groups that
        // are well-formed updates (`null` flags or content are "not given" there).
        assert_eq!(quick, 11);
    }
}
