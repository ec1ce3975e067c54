//! Project automation: `cargo xtask <command>`.
//!
//! * `ci` — everything CI checks: formatting, clippy, tests, the demo, the
//!   examples of the client and the stream client, docs, the
//!   dependency-direction rules between layers, the size of the signing
//!   crate's tree, `cargo package` of the library crates, and the Python
//!   bindings' tests.
//! * `demo` — the SDK's main job against an embedded sandbox, step by step.
//! * `bench` — the criterion benchmarks.

mod demo;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

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
/// The most crates (itself included) `limitless-auth` may build: FFI and
/// Python users link it alone, so every one counts in their build.
const MAX_AUTH_CRATES: usize = 20;
/// The crates published to crates.io.
const LIBRARY_CRATES: &[&str] = &[
    "limitless-auth",
    "limitless-types",
    "limitless-eip712",
    "limitless-transport",
    "limitless-client",
    "limitless-ws",
    "limitless-sandbox",
    "limitless-middleware",
    "limitless-ffi",
];

/// The crates whose examples `ci` runs, and where they live: every
/// example found there is run.
const EXAMPLES: &[(&str, &str)] = &[
    ("limitless-client", "crates/limitless-client/examples"),
    ("limitless-ws", "crates/limitless-ws/examples"),
];

/// The `lmts` binary: a workspace member, not a library.
const CLI_CRATE: &str = "limitless-cli";

/// The PyO3 crate, outside the workspace and built by maturin.
const PYTHON_CRATE: &str = "crates/limitless-python";

fn ci() -> Result {
    step("format", cargo(&["fmt", "--all", "--", "--check"]))?;
    let python_manifest = format!("{PYTHON_CRATE}/Cargo.toml");
    step(
        "format (python bindings)",
        cargo(&["fmt", "--manifest-path", &python_manifest, "--", "--check"]),
    )?;
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
    timed("examples", examples)?;
    let mut docs = cargo(&["doc", "--workspace", "--no-deps", "--all-features"]);
    docs.env("RUSTDOCFLAGS", "-D warnings");
    step("docs", docs)?;
    dependency_direction()?;
    auth_tree_size()?;
    timed("package", package)?;
    timed("python bindings", python)?;
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
    // (crate, what it must not depend on): the stream client stands beside
    // the REST client, and the sandbox is the other side of both.
    for (krate, forbidden) in [
        ("limitless-ws", "limitless-client"),
        ("limitless-sandbox", "limitless-client"),
        ("limitless-sandbox", "limitless-ws"),
    ] {
        if normal_dependencies(krate)?.iter().any(|d| d == forbidden) {
            return Err(format!("{krate} must not depend on {forbidden}"));
        }
    }
    // The command line sits on top: no library pulls it (and clap, tables,
    // spinners) into its users' builds.
    for krate in LIBRARY_CRATES {
        if normal_dependencies(krate)?.iter().any(|d| d == CLI_CRATE) {
            return Err(format!("{krate} must not depend on {CLI_CRATE}"));
        }
    }
    println!(
        "    ok: auth, types and eip712 pull no tokio/hyper/reqwest/http; ws does not use the client; sandbox uses neither client; no library uses the CLI"
    );
    Ok(())
}

/// `limitless-auth`'s normal tree stays small (see [`MAX_AUTH_CRATES`]).
fn auth_tree_size() -> Result {
    println!("==> limitless-auth tree size");
    let output = cargo(&[
        "tree",
        "-p",
        "limitless-auth",
        "-e",
        "normal",
        "--prefix",
        "none",
    ])
    .output()
    .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo tree -p limitless-auth failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    // A crate seen again is printed with "(*)"; name and version identify it.
    let crates: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect();
    if crates.len() > MAX_AUTH_CRATES {
        return Err(format!(
            "limitless-auth builds {} crates, more than {MAX_AUTH_CRATES}: {crates:?}",
            crates.len()
        ));
    }
    println!(
        "    ok: {} crates (at most {MAX_AUTH_CRATES})",
        crates.len()
    );
    Ok(())
}

/// Every library crate packages and its packaged sources build, with
/// unpublished workspace dependencies resolved from the other packages.
fn package() -> Result {
    forget_earlier_packages()?;
    let mut command = cargo(&["package", "--locked"]);
    for krate in LIBRARY_CRATES {
        command.args(["-p", krate]);
    }
    step("package", command)
}

/// Removes what earlier `cargo package` runs unpacked of this workspace's
/// crates. Cargo verifies each package against the others through a local
/// registry, and unpacks a crate from it only once per version: a later run
/// with changed sources but the same version would build the old ones.
fn forget_earlier_packages() -> Result {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".cargo"))
        });
    let Some(home) = home else {
        return Ok(());
    };
    let Ok(sources) = std::fs::read_dir(home.join("registry/src")) else {
        return Ok(());
    };
    for source in sources.flatten() {
        // Local registries are unpacked under names that start with `-`;
        // crates.io's (`index.crates.io-…`) are left alone.
        if !source.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let Ok(crates) = std::fs::read_dir(source.path()) else {
            continue;
        };
        for krate in crates.flatten() {
            let name = krate.file_name().to_string_lossy().into_owned();
            if LIBRARY_CRATES
                .iter()
                .any(|library| name.starts_with(&format!("{library}-")))
            {
                std::fs::remove_dir_all(krate.path())
                    .map_err(|e| format!("cannot remove {}: {e}", krate.path().display()))?;
            }
        }
    }
    Ok(())
}

/// Builds each crate's examples once and runs each one found in its
/// directory of [`EXAMPLES`] (cargo's rule: `NAME.rs` or `NAME/main.rs`),
/// with no `LIMITLESS_*` variable in its environment, so each runs against
/// its embedded sandbox and never a real server. Output is shown on
/// failure.
fn examples() -> Result {
    let binaries = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("debug/examples");
    for (krate, dir) in EXAMPLES {
        step(
            &format!("examples of {krate} (build)"),
            cargo(&["build", "--quiet", "-p", krate, "--examples"]),
        )?;
        for name in example_names(dir)? {
            run_example(&binaries, &name)?;
        }
    }
    Ok(())
}

/// The examples in `dir`, sorted; an error if there are none.
fn example_names(dir: &str) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {dir}: {e}"))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        let single = path.extension().is_some_and(|ext| ext == "rs");
        if single || path.join("main.rs").is_file() {
            names.extend(name);
        }
    }
    names.sort();
    if names.is_empty() {
        return Err(format!("no examples found in {dir}"));
    }
    Ok(names)
}

fn run_example(binaries: &Path, name: &str) -> Result {
    let mut command = Command::new(binaries.join(name));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("LIMITLESS_") {
            command.env_remove(key);
        }
    }
    let output = command
        .output()
        .map_err(|e| format!("example {name}: cannot start it: {e}"))?;
    if !output.status.success() {
        print!("{}", String::from_utf8_lossy(&output.stdout));
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Err(format!("example {name} failed ({})", output.status));
    }
    println!("    ok: {name}");
    Ok(())
}

/// Clippy on the PyO3 crate, then a virtualenv under `target/` with maturin
/// and pytest from PyPI, the extension built into it, and its tests.
fn python() -> Result {
    let manifest = format!("{PYTHON_CRATE}/Cargo.toml");
    step(
        "clippy (python bindings)",
        cargo(&[
            "clippy",
            "--manifest-path",
            &manifest,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    let root = std::env::current_dir().map_err(|e| format!("no working directory: {e}"))?;
    let venv = root.join("target/python-venv");
    let bin = venv.join("bin");
    if !bin.join("python").exists() {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run(
            "python venv",
            Command::new(python).args(["-m", "venv"]).arg(&venv),
        )?;
    }
    run(
        "pip install maturin pytest",
        Command::new(bin.join("python")).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "maturin>=1.8,<2",
            "pytest",
        ]),
    )?;
    let path = std::env::join_paths(
        std::iter::once(bin.clone()).chain(
            std::env::var_os("PATH")
                .iter()
                .flat_map(std::env::split_paths),
        ),
    )
    .map_err(|e| format!("bad PATH: {e}"))?;
    run(
        "maturin develop",
        Command::new(bin.join("maturin"))
            .args(["develop", "--quiet", "--manifest-path", &manifest])
            .env("VIRTUAL_ENV", &venv)
            .env("PATH", &path)
            .env("CARGO_TARGET_DIR", root.join("target/python")),
    )?;
    run(
        "pytest",
        Command::new(bin.join("python"))
            .args(["-m", "pytest", "-q"])
            .arg(Path::new(PYTHON_CRATE).join("tests")),
    )
}

/// Runs `body` and says how long it took.
fn timed(name: &str, body: fn() -> Result) -> Result {
    let started = Instant::now();
    let result = body();
    println!("    {name}: {:.0} s", started.elapsed().as_secs_f64());
    result
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
    run(name, &mut command)
}

fn run(name: &str, command: &mut Command) -> Result {
    println!("==> {name}");
    let status = command
        .status()
        .map_err(|e| format!("{name}: cannot start {:?}: {e}", command.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}
