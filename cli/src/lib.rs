//! `dialtime`, the command line: keep many accounts' dial time groups in line with one file
//! (`apply`, `export`, `validate`), and answer schedule questions offline (`check`, `next`,
//! `calendar`). All logic is core's; this crate parses arguments and prints.

pub mod file;
pub mod plan;
pub mod show;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use dialtime::schedule::{Calendar, DayStatus, Schedule};

/// Exit codes.
pub const OK: i32 = 0;
pub const FAILED: i32 = 1;
pub const CHANGES: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "dialtime",
    version,
    about = "Dial time groups of agent-api, declaratively"
)]
pub struct Cli {
    #[command(flatten)]
    pub connection: Connection,
    #[command(subcommand)]
    pub command: Command,
}

/// How to reach the platform: the libraries' options and environment variables.
#[derive(Args, Debug, Clone)]
pub struct Connection {
    /// The API's base URL.
    #[arg(long, global = true, env = "DIALTIME_BASE_URL")]
    pub base_url: Option<String>,
    /// A file holding the token (else DIALTIME_TOKEN). The token is never printed.
    #[arg(long, global = true)]
    pub token_file: Option<PathBuf>,
    /// Seconds one attempt may take.
    #[arg(long, global = true)]
    pub timeout: Option<f64>,
    /// Seconds a whole call may take, retries included.
    #[arg(long, global = true)]
    pub deadline: Option<f64>,
    /// Retries of failures that are safe to retry.
    #[arg(long, global = true)]
    pub max_retries: Option<u32>,
    /// Log every HTTP attempt to stderr (`debug`) or only retried ones (`info`); default:
    /// DIALTIME_LOG. Never the token.
    #[arg(long, global = true, value_enum)]
    pub log_level: Option<LogLevel>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Info,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Make the platform's groups match a file: plan, then apply (safe to re-run).
    Apply(Apply),
    /// Print the platform's groups in the file format (applying it changes nothing; what a
    /// file may not hold is named on stderr).
    Export(Scope),
    /// List the platform's groups.
    List(Scope),
    /// Delete a group by id.
    Delete {
        /// The group's id.
        id: i64,
        #[command(flatten)]
        scope: Scope,
    },
    /// Check a groups file: every problem, with file, group and path.
    Validate {
        /// The groups file (YAML or JSON; `-` reads standard input).
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
    },
    /// Whether a group of a file is open at an instant, and why.
    Check(When),
    /// When a group of a file next opens.
    Next(When),
    /// A picture of when a group dials: a row per date, the hours across, holidays marked.
    Show {
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
        /// The group's name in the file.
        #[arg(long)]
        group: String,
        /// The first date, YYYY-MM-DD. Default: today in the zone.
        #[arg(long)]
        from: Option<String>,
        /// How many dates, 1 to 400.
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u16).range(1..=400))]
        days: u16,
        /// The zone (IANA name). Default Asia/Shanghai.
        #[arg(long)]
        zone: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
    },
    /// A year's off-days and make-up workdays.
    Calendar {
        /// The year.
        year: i16,
    },
    /// Run the emulator on 127.0.0.1 (prints its base URL, token and user id) until killed.
    Emulator {
        /// 0 picks a free port.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The token it accepts (default: DIALTIME_EMULATOR_TOKEN, else a random one).
        #[arg(long)]
        token: Option<String>,
        /// The user whose groups it keeps (a UUID; default: a random one).
        #[arg(long = "user-id")]
        user_id: Option<String>,
        /// A sub-account requests may name (repeat it; default: any). Others get 403.
        #[arg(long = "sub-user")]
        sub_users: Vec<String>,
    },
}

#[derive(Args, Debug, Clone)]
pub struct Scope {
    /// The user (a UUID).
    #[arg(long)]
    pub user: String,
    /// A sub-account of the user.
    #[arg(long)]
    pub sub_user: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Svg,
    Html,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct Apply {
    /// The groups file (YAML or JSON; `-` reads standard input).
    #[arg(short = 'f', long = "file")]
    pub file: PathBuf,
    /// The user to apply to (else the file's `accounts`).
    #[arg(long)]
    pub user: Option<String>,
    /// Sub-accounts of --user to apply to (repeat; else the user itself).
    #[arg(long = "sub-user")]
    pub sub_users: Vec<String>,
    /// A file of sub-accounts of --user, one UUID per line (`#` comments allowed).
    #[arg(long = "sub-users")]
    pub sub_users_file: Option<PathBuf>,
    /// Also delete the groups the file does not name.
    #[arg(long)]
    pub prune: bool,
    /// Show the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: exit 2 when there are changes.
    #[arg(long, requires = "dry_run")]
    pub detailed_exitcode: bool,
    /// Accounts in flight at once (at least 1).
    #[arg(long, default_value_t = 8,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub concurrency: usize,
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

#[derive(Args, Debug)]
pub struct When {
    #[arg(short = 'f', long = "file")]
    pub file: PathBuf,
    /// The group's name in the file.
    #[arg(long)]
    pub group: String,
    /// The instant, RFC 3339 with an offset (`2027-01-01T10:00+08:00`); default now.
    #[arg(long)]
    pub at: Option<String>,
    /// The zone (IANA name). Default Asia/Shanghai.
    #[arg(long)]
    pub zone: Option<String>,
}

/// Parses `argv` (the program name first) and runs it; `--help`, `--version` and argument
/// errors print as clap prints them (to `out` or `err`).
pub fn run_args(argv: Vec<std::ffi::OsString>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match Cli::try_parse_from(argv) {
        Ok(cli) => run(cli, out, err),
        Err(e) => {
            let target: &mut dyn Write = if e.use_stderr() { err } else { out };
            let _ = target.write_all(e.to_string().as_bytes());
            // --help and --version are 0; a usage error is 1, like every failure: clap's 2
            // is `--detailed-exitcode`'s "changes planned" (a typo read as drift).
            if e.exit_code() == 0 {
                OK
            } else {
                FAILED
            }
        }
    }
}

/// Runs the command line; returns the exit code. Output goes to `out` and `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    // Both streams: `dialtime export 2>&1 | head` exited 1 for a warning no one read.
    let mut out = Reader { out, gone: false };
    let mut err = Reader {
        out: err,
        gone: false,
    };
    let err = &mut err;
    let token = known_token(&cli.connection);
    match execute(cli, &mut out, err) {
        Ok(code) => code,
        Err(message) => {
            // A file given in the wrong place (the token file as --sub-users, a token as an
            // account's user_id) was quoted back whole in the message naming its line.
            let message = match token {
                Some(token) => dialtime::__private::redact_token(message, &token),
                None => message,
            };
            let _ = writeln!(err, "dialtime: {message}");
            FAILED
        }
    }
}

/// The token as the client will read it (the token file, else DIALTIME_TOKEN), if any, for
/// keeping it out of messages.
fn known_token(c: &Connection) -> Option<String> {
    match &c.token_file {
        Some(path) => file::read_text(path).ok().map(|t| t.trim().to_owned()),
        None => std::env::var("DIALTIME_TOKEN").ok(),
    }
}

/// Standard output (or error) as its reader leaves it: once the reader has gone (`dialtime list | head`),
/// what is left to print is dropped and the command goes on as without the reader. An apply
/// whose plan no longer fit the pipe stopped before its first write, one that fitted applied
/// and exited 1 all the same, and every command printed "Broken pipe" (Rust ignores SIGPIPE,
/// so a write fails with EPIPE instead of ending the process).
struct Reader<'a> {
    out: &'a mut dyn Write,
    gone: bool,
}

impl Write for Reader<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.gone {
            return Ok(buf.len());
        }
        match self.out.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.gone = true;
                Ok(buf.len())
            }
            r => r,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.out.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.gone = true;
                Ok(())
            }
            r => r,
        }
    }
}

/// A name as `list` prints it: as saved, unless it holds control characters (a newline, a
/// tab, an escape sequence), line separators or bidirectional overrides: then quoted and
/// escaped as the plan shows names, so a name cannot add lines or columns, drive the
/// terminal or reorder what it shows.
fn shown_name(name: &str) -> std::borrow::Cow<'_, str> {
    use dialtime::__private::unsafe_to_print;
    if !name.chars().any(unsafe_to_print) {
        return name.into();
    }
    let mut out = String::from("\"");
    for c in name.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            // `\n`, `\t`, `\u{1b}`, as Rust's `{:?}` (the plan's) writes them.
            c if c.is_control() => out.extend(c.escape_debug()),
            c if unsafe_to_print(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out.push('"');
    out.into()
}

fn client(c: &Connection) -> Result<dialtime::Client, String> {
    if c.token_file.is_none() && std::env::var_os("DIALTIME_TOKEN").is_none() {
        return Err("no token: set DIALTIME_TOKEN or pass --token-file".into());
    }
    let mut b = dialtime::__private::with_binding(dialtime::Client::builder(), "cli");
    if let Some(url) = &c.base_url {
        b = b.base_url(url);
    }
    if let Some(path) = &c.token_file {
        let token = file::read_text(path)
            .map_err(|e| format!("cannot read the token file {}: {e}", path.display()))?;
        b = b.token(token.trim());
    }
    let secs = |name: &str, v: f64| {
        dialtime::__private::timeout_from_secs(name, v).map_err(|e| e.to_string())
    };
    if let Some(t) = c.timeout {
        b = b.timeout(secs("--timeout", t)?);
    }
    if let Some(t) = c.deadline {
        b = b.deadline(secs("--deadline", t)?);
    }
    if let Some(n) = c.max_retries {
        b = b.max_retries(n);
    }
    let level = c.log_level.map(|l| match l {
        LogLevel::Debug => dialtime::client::log::Level::Debug,
        LogLevel::Info => dialtime::client::log::Level::Info,
    });
    match level {
        Some(level) => {
            b = b.logger(std::sync::Arc::new(dialtime::client::log::StderrLogger {
                level,
            }));
        }
        None => {
            if let Some(logger) = dialtime::__private::env_logger() {
                b = b.logger(logger);
            }
        }
    }
    b.build().map_err(|e| e.to_string())
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))
}

fn execute(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, String> {
    let w =
        |out: &mut dyn Write, text: &str| out.write_all(text.as_bytes()).map_err(|e| e.to_string());
    match cli.command {
        Command::Validate { file } => match file::load(&file) {
            Ok(f) => {
                w(
                    out,
                    &format!("{}: {} groups, valid\n", file.display(), f.groups.len()),
                )?;
                Ok(OK)
            }
            Err(problems) => {
                // A problem quotes what the file holds: the token as a user_id showed whole
                // (what `run` does for the other commands' one error).
                let token = known_token(&cli.connection);
                for p in problems {
                    let p = match &token {
                        Some(token) => dialtime::__private::redact_token(p, token),
                        None => p,
                    };
                    w(err, &format!("{p}\n"))?;
                }
                Ok(FAILED)
            }
        },
        Command::Apply(a) => {
            let f = file::load(&a.file).map_err(|p| p.join("\n"))?;
            let mut sub_users = a.sub_users.clone();
            if let Some(path) = &a.sub_users_file {
                if path.as_os_str() == "all" {
                    return Err("the platform has no endpoint listing sub-accounts: list them in a file for --sub-users".into());
                }
                let text = file::read_text(path).map_err(|e| format!("{}: {e}", path.display()))?;
                let before = sub_users.len();
                for (n, line) in text.lines().enumerate() {
                    let line = line.split('#').next().unwrap_or("").trim();
                    if line.is_empty() {
                        continue;
                    }
                    if !dialtime::validate::is_uuid(line) {
                        return Err(format!(
                            "{}:{}: not a UUID: {line:?}",
                            path.display(),
                            n + 1
                        ));
                    }
                    sub_users.push(line.to_owned());
                }
                if sub_users.len() == before {
                    // An empty list of sub-accounts applied to --user itself, and --prune
                    // deleted its groups.
                    return Err(format!(
                        "{}: lists no sub-account (one UUID per line): without sub-accounts \
                         the file would apply to --user itself",
                        path.display()
                    ));
                }
            }
            let a = Apply { sub_users, ..a };
            if a.user.is_none() && !a.sub_users.is_empty() {
                // Without --user they meant nothing, and the file's accounts (or none) were
                // planned instead: --prune deleted the main account's groups.
                return Err(
                    "--sub-user and --sub-users name sub-accounts of --user: pass --user too"
                        .into(),
                );
            }
            // Checked here, where a mistake is one message (through `run`, which keeps the
            // token out): an account that is not a UUID was printed as given in its failure
            // line and the JSON plan (the token passed as --user).
            for (flag, id) in a
                .user
                .iter()
                .map(|u| ("--user", u))
                .chain(a.sub_users.iter().map(|s| ("--sub-user", s)))
            {
                if !dialtime::validate::is_uuid(id) {
                    return Err(format!("{flag}: not a UUID: {id:?}"));
                }
            }
            let accounts = match &a.user {
                Some(user) if a.sub_users.is_empty() => vec![file::Account {
                    user_id: user.clone(),
                    sub_user_id: None,
                }],
                Some(user) => a
                    .sub_users
                    .iter()
                    .map(|s| file::Account {
                        user_id: user.clone(),
                        sub_user_id: Some(s.clone()),
                    })
                    .collect(),
                None if !f.accounts.is_empty() => f.accounts.clone(),
                None => {
                    return Err("no account: pass --user (or list `accounts` in the file)".into())
                }
            };
            // Each account once (the platform reads UUIDs in any case): a repeated one was
            // planned and applied twice at once, creating every group twice.
            let mut seen = std::collections::HashSet::new();
            let accounts: Vec<file::Account> = accounts
                .into_iter()
                .filter(|a| {
                    seen.insert((
                        a.user_id.to_ascii_lowercase(),
                        a.sub_user_id.as_deref().map(str::to_ascii_lowercase),
                    ))
                })
                .collect();
            let client = client(&cli.connection)?;
            let rt = runtime()?;
            let limiter = plan::Limiter::default();
            let mut plans = rt.block_on(plan::plan(
                &client,
                &limiter,
                accounts,
                &f.groups,
                a.prune,
                a.concurrency,
            ));
            let (c, u, d, _) = plan::counts(&plans);
            let changes = c + u + d > 0;
            if a.output == Output::Text {
                w(out, &plan::render_text(&plans))?;
            }
            if !a.dry_run && changes {
                let progress = std::sync::Mutex::new(plan::Progress {
                    out: &mut *err,
                    terminal: std::io::IsTerminal::is_terminal(&std::io::stderr()),
                    total: plans.len(),
                    finished: 0,
                });
                rt.block_on(plan::apply(
                    &client,
                    &limiter,
                    &mut plans,
                    a.concurrency,
                    &progress,
                ));
            }
            let failed: Vec<&plan::AccountPlan> =
                plans.iter().filter(|p| p.error.is_some()).collect();
            match a.output {
                Output::Json => w(out, &format!("{}\n", plan::render_json(&plans)))?,
                Output::Text => {
                    // The failures reach stderr even when stdout is gone (`| head`): its
                    // error is returned after them.
                    let mut summary = || -> Result<(), String> {
                        if a.dry_run {
                            return Ok(());
                        }
                        let applied: usize = plans.iter().map(|p| p.applied).sum();
                        let done = if applied > 0 {
                            "Applied"
                        } else if failed.iter().any(|p| p.uncertain) {
                            // A write sent and not answered may have been made.
                            "Nothing confirmed applied"
                        } else if !failed.is_empty() {
                            "Nothing applied"
                        } else {
                            "Nothing to change"
                        };
                        w(
                            out,
                            &format!(
                                "{done}: {} account(s), {} failed\n",
                                plans.len(),
                                failed.len()
                            ),
                        )?;
                        let throttled = limiter.throttled_count();
                        if throttled > 0 {
                            w(
                                out,
                                &format!("Slowed down {throttled} time(s) by HTTP 429\n"),
                            )?;
                        }
                        Ok(())
                    };
                    let summary = summary();
                    for p in &failed {
                        w(
                            err,
                            &format!(
                                "failed: {}: {}\n",
                                p.account,
                                p.error.as_deref().unwrap_or("")
                            ),
                        )?;
                    }
                    summary?;
                }
            }
            Ok(if !failed.is_empty() {
                FAILED
            } else if a.dry_run && a.detailed_exitcode && changes {
                CHANGES
            } else {
                OK
            })
        }
        Command::Export(scope) => {
            let client = client(&cli.connection)?;
            let account = file::Account {
                user_id: scope.user,
                sub_user_id: scope.sub_user,
            };
            let groups = runtime()?
                .block_on(plan::saved_groups(&client, &account))
                .map_err(|e| e.to_string())?;
            let text = file::render(&groups);
            w(out, &text)?;
            // What the platform holds may break the file's rules (a window saved across
            // midnight, two entries for one weekday): the file is written as it is, and says
            // here what an apply of it will refuse.
            if let Err(problems) = file::parse("the export", &text) {
                w(
                    err,
                    "warning: the platform holds what a groups file may not; apply refuses \
                     this file until these are fixed:\n",
                )?;
                for p in problems {
                    w(err, &format!("  {p}\n"))?;
                }
            }
            Ok(OK)
        }
        Command::List(scope) => {
            let client = client(&cli.connection)?;
            let account = file::Account {
                user_id: scope.user,
                sub_user_id: scope.sub_user,
            };
            let groups = runtime()?
                .block_on(plan::saved_groups(&client, &account))
                .map_err(|e| e.to_string())?;
            for g in &groups {
                let s = g.schedule().build().map_err(|e| e.to_string())?;
                let default = if g.is_default { " (default)" } else { "" };
                w(
                    out,
                    &format!(
                        "{}\t{}{default}\t{}\n",
                        g.id,
                        shown_name(&g.name),
                        s.summary("en")
                    ),
                )?;
            }
            Ok(OK)
        }
        Command::Delete { id, scope } => {
            let client = client(&cli.connection)?;
            runtime()?
                .block_on(client.dial_time_groups().delete(
                    &scope.user,
                    id,
                    scope.sub_user.as_deref(),
                ))
                .map_err(|e| e.to_string())?;
            w(out, &format!("deleted {id}\n"))?;
            Ok(OK)
        }
        Command::Check(q) => {
            let (schedule, t) = when(&q)?;
            let open = schedule.is_open_at(t).map_err(|e| e.to_string())?;
            let local = schedule.zoned(t);
            let day = schedule.day(local.date());
            let why = match &day.status {
                Some(DayStatus::Off { festival }) if day.holidays_applied => {
                    format!(" ({festival}, an off-day)")
                }
                Some(DayStatus::MakeupWork { festival, .. }) if day.holidays_applied => {
                    format!(" ({festival} make-up workday)")
                }
                _ => String::new(),
            };
            w(
                out,
                &format!("{}: {}{why}\n", local, if open { "open" } else { "closed" }),
            )?;
            if let Some(n) = schedule.next_window(t).map_err(|e| e.to_string())? {
                w(
                    out,
                    &format!(
                        "next window: {} – {}\n",
                        schedule.zoned(n.start),
                        schedule.zoned(n.end)
                    ),
                )?;
            }
            Ok(OK)
        }
        Command::Next(q) => {
            let (schedule, t) = when(&q)?;
            match schedule.next_window(t).map_err(|e| e.to_string())? {
                Some(n) => w(
                    out,
                    &format!("{} – {}\n", schedule.zoned(n.start), schedule.zoned(n.end)),
                )?,
                None => w(
                    out,
                    "no window within 370 days or the calendar's coverage\n",
                )?,
            }
            Ok(OK)
        }
        Command::Show {
            file,
            group,
            from,
            days,
            zone,
            format,
            out: target,
        } => {
            let q = When {
                file,
                group,
                at: None,
                zone,
            };
            let (schedule, now) = when(&q)?;
            let first = match from {
                Some(text) => dialtime::schedule::parse_date(&text)
                    .map_err(|e| format!("--from must be YYYY-MM-DD: {e}"))?,
                None => schedule.zoned(now).date(),
            };
            let rows = show::rows(&schedule, first, days);
            let title = format!("{} — {}", q.group, schedule.summary("zh"));
            let colour = target.is_none()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::IsTerminal::is_terminal(&std::io::stdout());
            let picture = match format {
                Format::Text => show::text(&title, &rows, colour),
                Format::Svg => show::svg(&title, &rows),
                Format::Html => show::html(&title, &rows),
            };
            match target {
                Some(path) => std::fs::write(&path, picture)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                None => w(out, &picture)?,
            }
            Ok(OK)
        }
        Command::Calendar { year } => {
            let china = Calendar::china();
            if !china.covers(year) {
                return Err(format!("the built-in calendar does not cover {year}"));
            }
            let mut d = jiff::civil::date(year, 1, 1);
            while d.year() == year {
                let day = &dialtime::Weekday::from(d.weekday()).name()[..3];
                match china.status(d) {
                    Some(DayStatus::Off { festival }) => {
                        w(out, &format!("{d} {day}\toff\t{festival}\n"))?
                    }
                    Some(DayStatus::MakeupWork { festival, .. }) => {
                        w(out, &format!("{d} {day}\twork\t{festival}\n"))?
                    }
                    _ => {}
                }
                d = d.tomorrow().map_err(|e| e.to_string())?;
            }
            Ok(OK)
        }
        Command::Emulator {
            port,
            token,
            user_id,
            sub_users,
        } => {
            let mut builder = dialtime_emulator::Emulator::builder().port(port);
            if let Some(token) = token {
                builder = builder.token(token);
            }
            if let Some(user_id) = user_id {
                builder = builder.user_id(user_id);
            }
            if !sub_users.is_empty() {
                builder = builder.sub_users(sub_users);
            }
            let emu = builder
                .start()
                .map_err(|e| format!("cannot start the emulator: {e}"))?;
            w(
                out,
                &format!(
                    "base_url: {}\ntoken: {}\nuser_id: {}\n",
                    emu.base_url(),
                    emu.token(),
                    emu.user_id()
                ),
            )?;
            let _ = out.flush();
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
    }
}

/// The schedule of `q.group` in `q.file`, and the instant asked about.
fn when(q: &When) -> Result<(Schedule, jiff::Timestamp), String> {
    let f = file::load(&q.file).map_err(|p| p.join("\n"))?;
    let g = f
        .groups
        .iter()
        .find(|g| g.name.trim() == q.group.trim())
        .ok_or_else(|| format!("{}: no group named {:?}", q.file.display(), q.group))?;
    let mut b = g.schedule();
    if let Some(z) = &q.zone {
        b = b.zone(z);
    }
    let schedule = b.build().map_err(|e| e.to_string())?;
    let t = match &q.at {
        None => jiff::Timestamp::now(),
        Some(text) => dialtime::schedule::parse_instant(text).map_err(|e| {
            format!("--at must be RFC 3339 with an offset (2027-01-01T10:00+08:00): {e}")
        })?,
    };
    Ok((schedule, t))
}
