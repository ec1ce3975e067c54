//! Project automation: `cargo xtask <command>`.
//!
//! * `ci` — everything CI checks: formatting, clippy, tests, the demo, docs,
//!   and the dependency-direction rules between layers.
//! * `demo` — the SDK's main job against an embedded sandbox, step by step.
//! * `bench` — the criterion benchmarks.

mod demo;

use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "xtask", about = "limitless-rs project automation")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Format check, clippy, tests, the demo, docs and dependency-direction checks.
    Ci,
    /// Run the partner flow against an embedded sandbox and print each step.
    Demo,
    /// Run the criterion benchmarks (pass criterion arguments after `--`).
    Bench {
        /// Arguments passed through to `cargo bench`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Task::Ci => ci(),
        Task::Demo => demo::run(),
        Task::Bench { args } => bench(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = ()> = std::result::Result<T, String>;

/// Crates that must build without an async runtime or HTTP stack.
const NO_HTTP_CRATES: &[&str] = &["limitless-auth", "limitless-types", "limitless-eip712"];
/// Dependencies those crates must not pull in (normal edges).
const FORBIDDEN_IN_NO_HTTP: &[&str] = &["tokio", "hyper", "hyper-util", "reqwest", "http"];

fn ci() -> Result {
    step("format", cargo(&["fmt", "--all", "--", "--check"]))?;
    step(
        "clippy",
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step("tests", cargo(&["test", "--workspace", "--all-features"]))?;
    println!("==> demo");
    demo::run()?;
    let mut docs = cargo(&["doc", "--workspace", "--no-deps", "--all-features"]);
    docs.env("RUSTDOCFLAGS", "-D warnings");
    step("docs", docs)?;
    dependency_direction()?;
    println!("xtask ci: all checks passed");
    Ok(())
}

fn bench(args: &[String]) -> Result {
    let mut command = cargo(&["bench", "--workspace", "--all-features"]);
    command.args(args);
    step("bench", command)
}

/// The layering rules of DESIGN.md, checked on the resolved dependency graph.
fn dependency_direction() -> Result {
    println!("==> dependency direction");
    for krate in NO_HTTP_CRATES {
        let deps = normal_dependencies(krate)?;
        let bad: Vec<_> = deps
            .iter()
            .filter(|name| FORBIDDEN_IN_NO_HTTP.contains(&name.as_str()))
            .collect();
        if !bad.is_empty() {
            return Err(format!(
                "{krate} must not depend on async/HTTP crates, but pulls {bad:?}"
            ));
        }
    }
    if normal_dependencies("limitless-sandbox")?
        .iter()
        .any(|d| d == "limitless-client")
    {
        return Err("limitless-sandbox must not depend on limitless-client".into());
    }
    println!(
        "    ok: auth, types and eip712 pull no tokio/hyper/reqwest/http; sandbox does not use the client"
    );
    Ok(())
}

/// Names of every crate in `krate`'s normal dependency tree, all features on.
fn normal_dependencies(krate: &str) -> Result<Vec<String>> {
    let output = cargo(&[
        "tree",
        "-p",
        krate,
        "--all-features",
        "-e",
        "normal",
        "--prefix",
        "none",
    ])
    .output()
    .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo tree -p {krate} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    command
}

fn step(name: &str, mut command: Command) -> Result {
    println!("==> {name}");
    let status = command
        .status()
        .map_err(|e| format!("{name}: cannot start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}
