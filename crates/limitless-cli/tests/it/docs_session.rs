//! The shell sessions of `docs/cli.md`, run as written: every `$ lmts …`
//! line of the page goes through `sh` against a sandbox started by `lmts
//! sandbox`, and every output line the page shows must appear in what the
//! command printed (identifiers, addresses and numbers masked, `...` as
//! "anything from here").

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const PAGE: &str = include_str!("../../../../docs/cli.md");

/// One fenced block of the page.
struct Block {
    info: String,
    lines: Vec<String>,
}

fn blocks(page: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for line in page.lines() {
        match (line.strip_prefix("```"), current.take()) {
            (Some(info), None) => {
                current = Some(Block {
                    info: info.trim().to_owned(),
                    lines: Vec::new(),
                })
            }
            (Some(_), Some(block)) => blocks.push(block),
            (None, Some(mut block)) => {
                block.lines.push(line.to_owned());
                current = Some(block);
            }
            (None, None) => {}
        }
    }
    blocks
}

/// A command of a transcript and the lines the page shows it printing.
#[derive(Debug)]
struct Step {
    command: String,
    expected: Vec<String>,
}

/// The `$ ` commands of a `text` block (a trailing `\` continues a command).
fn transcript(block: &Block) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut continued = false;
    for line in &block.lines {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step {
                command: command.trim_end_matches('\\').trim().to_owned(),
                expected: Vec::new(),
            });
            continued = command.ends_with('\\');
        } else if let Some(step) = steps.last_mut() {
            if continued {
                step.command.push(' ');
                step.command
                    .push_str(line.trim().trim_end_matches('\\').trim());
                continued = line.ends_with('\\');
            } else {
                step.expected.push(line.clone());
            }
        }
    }
    steps
}

/// A word with its identifiers masked: the page shows one run's values.
fn mask(word: &str) -> String {
    let mut out = String::new();
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_hexdigit() {
            let mut run = String::from(c);
            while let Some(&next) = chars.peek() {
                if next.is_ascii_hexdigit() || next == '-' {
                    run.push(next);
                    chars.next();
                } else {
                    break;
                }
            }
            // A number, a UUID or a hex address is a value; a word is text.
            let is_value = run.chars().any(|c| c.is_ascii_digit())
                && run.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            out.push_str(if is_value { "#" } else { &run });
        } else {
            out.push(c);
        }
    }
    out.replace("#x#", "#")
}

/// Does the printed line match the page's line? Words are compared masked,
/// whatever the column widths; `...` in the page's line matches the rest.
/// A JSON line matches when every member the page shows is in it (in any
/// order: the page elides members with `…`).
fn matches(expected: &str, actual: &str) -> bool {
    let expected = expected.replace('…', "...");
    if expected.starts_with('{') {
        let actual = mask(actual);
        return expected
            .split(['{', '}', ',', '[', ']'])
            // A member elided midway (`"orderId":"b9bf…"`) keeps its head.
            .map(|member| member.split("...").next().unwrap_or_default().trim())
            .filter(|member| !member.is_empty())
            .all(|member| actual.contains(&mask(member)));
    }
    let (expected, open) = match expected.split_once("...") {
        Some((head, _)) => (head, true),
        None => (expected.as_str(), false),
    };
    let expected: Vec<String> = expected.split_whitespace().map(mask).collect();
    let actual: Vec<String> = actual.split_whitespace().map(mask).collect();
    if open {
        let Some((last, head)) = expected.split_last() else {
            return true;
        };
        actual.len() >= expected.len()
            && actual[..head.len()] == *head
            && actual[head.len()].starts_with(last.as_str())
    } else {
        expected == actual
    }
}

/// Every page line must appear in the output, in the page's order.
fn assert_printed(step: &Step, output: &str, config: &Path) {
    // The page shows the default config directory; the test has its own.
    let output = output.replace(&config.display().to_string(), "~/.config/lmts");
    let mut lines = output.lines();
    for expected in step.expected.iter().filter(|line| line.trim() != "...") {
        assert!(
            lines.any(|actual| matches(expected, actual)),
            "`{}` did not print `{expected}` (in order); it printed:\n{output}",
            step.command
        );
    }
}

/// `lmts` with only the config directory and `PATH` (with `lmts` on it).
fn shell(config: &Path) -> Command {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_lmts")).parent().unwrap();
    let mut path = std::ffi::OsString::from(bin_dir);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let mut command = Command::new("sh");
    command
        .env_clear()
        .env("PATH", path)
        .env("LMTS_CONFIG_DIR", config);
    command
}

/// The page's terminal 1: `lmts sandbox`, until the guard drops.
struct Terminal1(Child);

impl Drop for Terminal1 {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

#[test]
fn the_cli_page_sessions_run_as_written() {
    let blocks = blocks(PAGE);
    let setup = blocks
        .iter()
        .find(|block| block.info == "sh")
        .expect("the set-up block");
    let mut setup = setup
        .lines
        .iter()
        .map(|line| line.split('#').next().unwrap_or_default().trim().to_owned());
    assert_eq!(setup.next().as_deref(), Some("lmts sandbox"));
    let eval = setup.next().expect("the eval line");
    assert!(eval.starts_with("eval "), "{eval}");

    let config = tempfile::tempdir().unwrap();
    let mut sandbox = shell(config.path())
        .args(["-c", "exec lmts sandbox"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Its first line says it listens.
    let mut announced = String::new();
    BufReader::new(sandbox.stdout.take().unwrap())
        .read_line(&mut announced)
        .unwrap();
    let _terminal1 = Terminal1(sandbox);

    let sessions: Vec<Vec<Step>> = blocks
        .iter()
        .filter(|block| block.info == "text")
        .map(transcript)
        .filter(|steps| !steps.is_empty())
        .collect();
    assert!(
        sessions.len() >= 2,
        "the page's sessions: {}",
        sessions.len()
    );

    let mut ran = 0;
    let mut placed_order = None;
    for step in sessions.iter().flatten() {
        assert!(step.command.starts_with("lmts "), "{}", step.command);
        if step.command.contains("order place") {
            placed_order = Some(step.command.clone());
        }
        let script = if step.command.contains(" watch") {
            // A watch waits for an event: once it has subscribed (its first
            // line), the session's order is placed again to cause one.
            let place = placed_order
                .as_deref()
                .expect("an order placed before the watch");
            format!(
                "{eval}\nout=$(mktemp)\n{cmd} > \"$out\" &\nwatcher=$!\n\
                 while [ ! -s \"$out\" ]; do kill -0 $watcher 2>/dev/null || break; sleep 0.1; done\n\
                 {place} > /dev/null\nwait $watcher\ncat \"$out\"\n",
                cmd = step.command,
            )
        } else {
            format!("{eval}\n{}\n", step.command)
        };
        let output = shell(config.path()).args(["-c", &script]).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "`{}` failed ({:?}):\n{stdout}\n{}",
            step.command,
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_printed(step, &stdout, config.path());
        ran += 1;
    }
    assert!(ran >= 7, "ran {ran} commands");
}

#[test]
fn masking_keeps_words_and_hides_values() {
    assert_eq!(mask("b9bfe001-35b7-450f-b8c9-a3a83bf70e26"), "#");
    assert_eq!(mask("0xd9285923046fb75bcb3355ce249b90973cf1d849"), "#");
    assert_eq!(mask("2001"), "#");
    assert_eq!(mask("0.42"), "#.#");
    assert_eq!(mask("BUY"), "BUY");
    assert_eq!(mask("saved"), "saved");
    assert!(matches("token id  89ecf8d0-db0b", "token id 11111111-2222"));
    assert!(!matches("token id 1", "token secret 1"));
    assert!(matches(
        r#"{"type":"subscribed","markets":[],…}"#,
        r#"{"channels":["orderEvent"],"markets":[],"type":"subscribed"}"#
    ));
    assert!(!matches(
        r#"{"type":"subscribed"}"#,
        r#"{"type":"orderEvent"}"#
    ));
    assert!(matches(
        r#"[{"tokenId":"89ecf8d0-db0b-4d62-84d7-647dc47ac83e","label":null,...}]"#,
        r#"[{"tokenId":"00000000-0000-4000-8000-000000000001","label":null,"scopes":[]}]"#
    ));
}
