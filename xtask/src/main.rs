//! Project automation: `cargo xtask <command>`.
//!
//! * `ci` — everything CI checks: formatting, module circles, clippy, the
//!   tests, the doctests, the demo and the examples of the client and the
//!   stream client, docs, the chaos soak, the dependency-direction rules
//!   between layers, the size of the signing crate's tree, `cargo package`
//!   of the library crates (their packaged sources checked together), the
//!   Python bindings' tests and `lmts mcp` driven by the official MCP
//!   Python SDK; then each step's time.
//! * `circles` — `ci`'s module-circle check alone: in every crate, no
//!   module imports from a module that depends on it (see `circles.rs`).
//! * `test` — the tests alone, as `ci` runs them, for the inner loop:
//!   with cargo-nextest installed, many at once (`.config/nextest.toml`),
//!   then the doctests; otherwise `cargo test`.
//! * `demo` — the SDK's main job against an embedded sandbox, step by step.
//! * `package` — `ci`'s packaging check alone.
//! * `mcp` — `ci`'s `lmts mcp` check alone.
//! * `bench` — the criterion benchmarks.
//! * `soak` — the chaos soak: a market-making bot against an in-process
//!   sandbox injecting faults on a seeded schedule (`--minutes N`,
//!   `--seconds N`, `--seed S`, `--faults <mix>`); `ci` runs it for 60 s
//!   twice at once, with a fixed seed and a drawn one, while the examples,
//!   the docs and the packaging check run.
//!
//! Every step builds with one feature set (`--workspace --all-features`),
//! so the tests' build serves the demo, the examples, the soak and `lmts`,
//! and clippy's checked dependencies serve the docs and the packaging
//! check (given the workspace's profiles, see [`package`]). The Python
//! environments are fetched from PyPI while the first builds run. xtask
//! itself depends on nothing but clap, so it never compiles the workspace
//! with a feature set of its own.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

mod circles;

#[derive(Debug, Parser)]
#[command(name = "xtask", about = "limitless-rs project automation")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Every CI check: format, module circles, clippy, tests, the demo, examples, the soak, docs, layering, packaging, Python, MCP.
    Ci,
    /// No import circle between the modules of any crate (a check of the sources alone).
    Circles,
    /// The workspace's tests, as CI runs them (pass test-name filters after `--`).
    Test {
        /// Arguments passed through to `cargo test` (after its own `--`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Run the partner flow against an embedded sandbox and print each step.
    Demo,
    /// Package the library crates and check the packaged sources together.
    Package,
    /// Drive `lmts mcp` with the official MCP Python SDK against the sandbox (a step of `ci`).
    Mcp,
    /// Run the criterion benchmarks (pass criterion arguments after `--`).
    Bench {
        /// Arguments passed through to `cargo bench`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// The chaos soak (`--minutes N`, `--seconds N`, `--seed S`, `--faults all|none|<kinds>`).
    Soak {
        /// Arguments passed through to the soak (`--help` lists them).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Task::Ci => ci(),
        Task::Circles => module_circles(),
        Task::Test { args } => test(&args),
        Task::Demo => run(
            "demo",
            cargo(&["run", "--quiet", "-p", TESTS_CRATE, "--example", "demo"]),
        ),
        Task::Package => package(),
        Task::Mcp => mcp(),
        Task::Bench { args } => bench(&args),
        Task::Soak { args } => soak(&args),
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

/// The directories whose examples `ci` runs: every example found there is
/// run, against its embedded sandbox.
const EXAMPLE_DIRS: &[&str] = &[
    "crates/limitless-client/examples",
    "crates/limitless-ws/examples",
];

/// The `lmts` binary: a workspace member, not a library.
const CLI_CRATE: &str = "limitless-cli";

/// The workspace-level tests, whose examples include the demo.
const TESTS_CRATE: &str = "limitless-tests";

/// The PyO3 crate, outside the workspace and built by maturin.
const PYTHON_CRATE: &str = "crates/limitless-python";

/// The captured production payloads beside the checkout. Others' data, so
/// never in the repository: a plain clone skips the suites over them, and
/// `.ci/run` sets `LIMITLESS_REQUIRE_FIXTURES` so CI fails without them.
const SHARED_FIXTURES: &str = "../shared/fixtures/responses";

/// The one feature selection every build step shares.
const ALL: &[&str] = &["--workspace", "--all-features"];

fn ci() -> Result {
    // On a cold target nothing is gained by incremental compilation's
    // bookkeeping, which costs time in every workspace crate's build; a
    // warm target keeps whatever the contributor uses.
    if !target_dir().join("debug").exists() && std::env::var_os("CARGO_INCREMENTAL").is_none() {
        COLD.set(true).ok();
    }
    let mut steps = Steps::default();
    let result = ci_steps(&mut steps);
    steps.report();
    result?;
    println!("xtask ci: all checks passed");
    Ok(())
}

fn ci_steps(steps: &mut Steps) -> Result {
    // The Python environments come from PyPI: fetched over the network
    // while the first builds keep the cores busy, waited for before the
    // steps that use them.
    let environments = std::thread::spawn(|| -> Result {
        let root = std::env::current_dir().map_err(|e| format!("no working directory: {e}"))?;
        python_env(&root, PYTHON_VENV, PYTHON_PACKAGES)?;
        python_env(&root, MCP_VENV, &[MCP_PYTHON_SDK, "pytest"])?;
        Ok(())
    });
    steps.run("format", cargo(&["fmt", "--all", "--", "--check"]))?;
    // Reads the sources only: cheap, so it fails before any build.
    steps.timed("module circles", module_circles)?;
    let python_manifest = format!("{PYTHON_CRATE}/Cargo.toml");
    steps.run(
        "format (python bindings)",
        cargo(&["fmt", "--manifest-path", &python_manifest, "--", "--check"]),
    )?;
    let mut clippy = cargo(&["clippy", "--all-targets"]);
    clippy.args(ALL).args(["--", "-D", "warnings"]);
    steps.run("clippy", clippy)?;
    fixtures_notice();
    for (name, command) in test_commands(&[]) {
        steps.run(name, command)?;
    }
    // The examples build with the tests' features and profile, so every
    // dependency the test build compiled is reused (the `dev` profile
    // would compile them all again); the binaries land in `target/debug`
    // and are run directly.
    let mut examples = cargo(&["build", "--quiet", "--profile", "test", "--examples"]);
    examples.args(ALL);
    steps.run("examples (build)", examples)?;
    let binaries = target_dir().join("debug/examples");
    // The soak runs its minute while the next steps do: it waits on its
    // fault schedule and the sandbox's pacing, and takes little of the
    // cores (under a second of CPU time a minute).
    let soaks = steps.timed_value("soak (started)", || start_ci_soaks(&binaries))?;
    steps.timed("demo, with the examples at once", || {
        let examples = start_examples(&binaries)?;
        run("demo", Command::new(binaries.join("demo")))?;
        finish_examples(examples)
    })?;
    let mut docs = cargo(&["doc", "--no-deps"]);
    docs.args(ALL).env("RUSTDOCFLAGS", "-D warnings");
    steps.run("docs", docs)?;
    steps.timed("dependency direction", dependency_direction)?;
    steps.timed("limitless-auth tree size", auth_tree_size)?;
    steps.timed("package", package)?;
    steps.timed("soak (the rest of its 60 s, two seeds at once)", || {
        finish_ci_soaks(soaks)
    })?;
    steps.timed("python environments (fetched meanwhile)", || {
        environments
            .join()
            .map_err(|_| "the Python environments' thread panicked".to_owned())?
    })?;
    steps.timed("python bindings", python)?;
    steps.timed("mcp (official Python SDK)", mcp)?;
    Ok(())
}

/// `cargo test` over the workspace with CI's feature set.
fn test(args: &[String]) -> Result {
    fixtures_notice();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for (name, command) in test_commands(&args) {
        run(name, command)?;
    }
    Ok(())
}

/// The commands that run the workspace's tests with CI's feature set,
/// each with its step name.
///
/// With cargo-nextest installed, every test runs in a process of its own,
/// many at once (`.config/nextest.toml`), then `cargo test --doc` runs the
/// doctests, which nextest does not. Without it, `cargo test` runs both,
/// one test binary at a time. Either way the test binaries are the same
/// build (the `test` profile, [`ALL`]), which the examples reuse.
fn test_commands(filters: &[&str]) -> Vec<(&'static str, Command)> {
    let nextest = cargo(&["nextest", "--version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    let with_filters = |mut command: Command| {
        if !filters.is_empty() {
            command.arg("--").args(filters);
        }
        command
    };
    if !nextest {
        println!(
            "    note: cargo-nextest is not installed: `cargo test` runs one test binary at a time"
        );
        let mut tests = cargo(&["test"]);
        tests.args(ALL);
        return vec![("tests", with_filters(tests))];
    }
    let mut tests = cargo(&["nextest", "run"]);
    tests.args(ALL);
    if !filters.is_empty() {
        // A filter may select doctests only.
        tests.arg("--no-tests=warn");
    }
    let mut doctests = cargo(&["test", "--doc"]);
    doctests.args(ALL);
    vec![
        ("tests (nextest)", with_filters(tests)),
        ("doctests", with_filters(doctests)),
    ]
}

/// Says, once, that the suites over the captured payloads will skip
/// themselves in this checkout.
fn fixtures_notice() {
    if !Path::new(SHARED_FIXTURES).is_dir() {
        println!(
            "    note: {SHARED_FIXTURES} is not beside this checkout: the suites over captured payloads are skipped"
        );
    }
}

/// The seed CI always soaks with, beside one drawn for the run.
const CI_SOAK_SEED: &str = "20261207";

/// Builds the soak as CI builds the examples (the test build's
/// dependencies), then runs it with `args`.
fn soak(args: &[String]) -> Result {
    let mut build = cargo(&["build", "--quiet", "--profile", "test", "--example", "soak"]);
    build.args(ALL);
    run("soak (build)", &mut build)?;
    let mut soak = Command::new(target_dir().join("debug/examples/soak"));
    soak.args(args);
    run("soak", &mut soak)
}

/// Two 60-second soaks at once, one with [`CI_SOAK_SEED`] and one with a
/// seed drawn for this run (each prints its seed): started by
/// [`start_ci_soaks`], waited for by [`finish_ci_soaks`], so CI grows by
/// less than their minute. Each one's output is shown whole.
struct Soaks(Vec<(&'static str, std::process::Child)>);

impl Drop for Soaks {
    /// A step that failed meanwhile ends `ci`: the soaks go with it.
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn start_ci_soaks(binaries: &Path) -> Result<Soaks> {
    let binary = binaries.join("soak");
    let start = |seed: Option<&str>| {
        let mut command = Command::new(&binary);
        command.args(["--seconds", "60"]);
        if let Some(seed) = seed {
            command.args(["--seed", seed]);
        }
        command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the soak: {e}"))
    };
    let mut soaks = Soaks(Vec::new());
    soaks.0.push(("fixed seed", start(Some(CI_SOAK_SEED))?));
    soaks.0.push(("drawn seed", start(None)?));
    Ok(soaks)
}

fn finish_ci_soaks(mut soaks: Soaks) -> Result {
    let mut failed = Vec::new();
    for (name, child) in std::mem::take(&mut soaks.0) {
        let output = child
            .wait_with_output()
            .map_err(|e| format!("soak ({name}): {e}"))?;
        println!("==> soak ({name})");
        print!("{}", String::from_utf8_lossy(&output.stdout));
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        if !output.status.success() {
            failed.push(name);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "soak failed ({}); replay with the seed it printed",
            failed.join(", ")
        ))
    }
}

fn bench(args: &[String]) -> Result {
    let mut command = cargo(&["bench"]);
    command.args(ALL).args(args);
    run("bench", command)
}

/// Each step's name and how long it took, printed at the end of `ci`.
#[derive(Default)]
struct Steps {
    done: Vec<(String, Duration, bool)>,
}

impl Steps {
    fn run(&mut self, name: &str, mut command: Command) -> Result {
        self.timed(name, || run(name, &mut command))
    }

    fn timed_value<T>(&mut self, name: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
        let started = Instant::now();
        let result = body();
        self.done
            .push((name.to_owned(), started.elapsed(), result.is_ok()));
        result
    }

    fn timed(&mut self, name: &str, body: impl FnOnce() -> Result) -> Result {
        let started = Instant::now();
        let result = body();
        self.done
            .push((name.to_owned(), started.elapsed(), result.is_ok()));
        result
    }

    fn report(&self) {
        let total: Duration = self.done.iter().map(|(_, took, _)| *took).sum();
        println!("==> step times");
        for (name, took, ok) in &self.done {
            let mark = if *ok { "" } else { "  (failed)" };
            println!("    {:>6.1} s  {name}{mark}", took.as_secs_f64());
        }
        println!("    {:>6.1} s  total", total.as_secs_f64());
    }
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

/// No crate's modules import each other in a circle, between files or
/// between top-level modules (DESIGN.md: a module never imports from a
/// module that depends on it).
fn module_circles() -> Result {
    println!("==> module circles");
    let report = circles::check_workspace(Path::new("."))?;
    if report.circles.is_empty() {
        println!(
            "    ok: {} modules in {} crates, no circle",
            report.modules, report.crates
        );
        return Ok(());
    }
    for circle in &report.circles {
        print!("    {circle}");
    }
    Err(format!(
        "{} import circle(s) among {} modules in {} crates",
        report.circles.len(),
        report.modules,
        report.crates
    ))
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

/// Every library crate packages, and the packaged sources compile together.
///
/// `cargo package` would verify each crate in a build of its own, and
/// resolve the unpublished workspace crates through a local registry it
/// unpacks into the cargo home. Instead the packages are made without
/// verification, unpacked under `target/package-check`, and checked as one
/// workspace whose `[patch]` points each crate's dependencies on the others
/// at their packaged sources — into the main target directory, with the
/// tests' lock file and feature set.
/// Nothing outside the repository and its target is written.
fn package() -> Result {
    let mut command = cargo(&["package", "--locked", "--no-verify", "--quiet"]);
    for krate in LIBRARY_CRATES {
        command.args(["-p", krate]);
    }
    run("package", &mut command)?;
    let version = workspace_version()?;
    let target = target_dir();
    let check = target.join("package-check");
    if check.exists() {
        std::fs::remove_dir_all(&check)
            .map_err(|e| format!("cannot clear {}: {e}", check.display()))?;
    }
    std::fs::create_dir_all(&check)
        .map_err(|e| format!("cannot create {}: {e}", check.display()))?;
    let mut manifest = String::from(
        "# Written by `cargo xtask ci`: the packaged crates, built together.\n[workspace]\nresolver = \"3\"\nmembers = [\n",
    );
    let mut patches = String::from("\n[patch.crates-io]\n");
    for krate in LIBRARY_CRATES {
        let archive = target.join(format!("package/{krate}-{version}.crate"));
        // `-m`: the files get the time of unpacking. cargo writes a fixed
        // old time into a package, so with the archive's times a warm
        // target would count its previous check of these paths as fresh
        // and never look at the new sources.
        run(
            &format!("unpack {krate}"),
            Command::new("tar")
                .arg("-xzmf")
                .arg(&archive)
                .arg("-C")
                .arg(&check),
        )?;
        manifest.push_str(&format!("    \"{krate}-{version}\",\n"));
        patches.push_str(&format!("{krate} = {{ path = \"{krate}-{version}\" }}\n"));
    }
    manifest.push_str("]\n");
    manifest.push_str(&patches);
    // The workspace's profiles: a dependency's build is reused only under
    // the same profile settings, so without them every dependency would
    // be checked again.
    manifest.push_str(&workspace_profiles()?);
    std::fs::write(check.join("Cargo.toml"), manifest)
        .map_err(|e| format!("cannot write the packages' workspace: {e}"))?;
    std::fs::copy("Cargo.lock", check.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    let absolute_target =
        std::path::absolute(&target).map_err(|e| format!("no target directory: {e}"))?;
    // A check, not a build: it proves the packaged sources compile with
    // the dependencies and features they declare, at the cost of metadata
    // only (a build would compile every dependency a third time, in the
    // features of a workspace of the library crates alone).
    let mut build = cargo(&["check", "--offline", "--quiet"]);
    build
        .args(ALL)
        .current_dir(&check)
        .env("CARGO_TARGET_DIR", absolute_target);
    run("check the packaged sources", &mut build)
}

/// The `[profile.*]` tables of the workspace's manifest, as written.
fn workspace_profiles() -> Result<String> {
    let manifest = std::fs::read_to_string("Cargo.toml")
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let mut profiles = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            inside = line.starts_with("[profile.");
        }
        if inside {
            profiles.push_str(line);
            profiles.push('\n');
        }
    }
    Ok(profiles)
}

/// The version every crate carries (`[workspace.package]`).
fn workspace_version() -> Result<String> {
    let manifest = std::fs::read_to_string("Cargo.toml")
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[workspace.package]")
        .find_map(|line| {
            let value = line
                .trim()
                .strip_prefix("version")?
                .trim()
                .strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| "no version in [workspace.package]".to_owned())
}

/// Where cargo builds: `CARGO_TARGET_DIR`, or `target`.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from)
}

/// Starts every example found in [`EXAMPLE_DIRS`] (cargo's rule: `NAME.rs`
/// or `NAME/main.rs`) from `binaries`, all at once (each waits on its
/// embedded sandbox and the documented pacing far more than on the
/// cores), with no `LIMITLESS_*` or `LMTS_*` variable in its environment,
/// so each runs against its embedded sandbox and never a real server.
fn start_examples(binaries: &Path) -> Result<Examples> {
    let mut examples = Examples(Vec::new());
    for dir in EXAMPLE_DIRS {
        for name in example_names(dir)? {
            let child = example_command(binaries, &name)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .map_err(|e| format!("example {name}: cannot start it: {e}"))?;
            examples.0.push((name, child));
        }
    }
    Ok(examples)
}

/// Waits for every example [`start_examples`] started; a failed one's
/// output is shown whole, and every failure is named.
fn finish_examples(mut examples: Examples) -> Result {
    println!("==> examples");
    let mut failed = Vec::new();
    for (name, child) in std::mem::take(&mut examples.0) {
        let output = child
            .wait_with_output()
            .map_err(|e| format!("example {name}: {e}"))?;
        if output.status.success() {
            println!("    ok: {name}");
        } else {
            println!("    failed: {name} ({})", output.status);
            print!("{}", String::from_utf8_lossy(&output.stdout));
            eprint!("{}", String::from_utf8_lossy(&output.stderr));
            failed.push(name);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("example(s) failed: {}", failed.join(", ")))
    }
}

/// The examples [`start_examples`] started, each with its name.
struct Examples(Vec<(String, std::process::Child)>);

impl Drop for Examples {
    /// A step that failed meanwhile ends `ci`: the examples go with it.
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
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

fn example_command(binaries: &Path, name: &str) -> Command {
    let mut command = Command::new(binaries.join(name));
    for (key, _) in std::env::vars_os() {
        let key_text = key.to_string_lossy();
        if key_text.starts_with("LIMITLESS_") || key_text.starts_with("LMTS_") {
            command.env_remove(key);
        }
    }
    command
}

/// Clippy on the PyO3 crate, then a virtualenv under `target/` with maturin
/// and pytest from PyPI, the extension built into it, and its tests.
fn python() -> Result {
    let manifest = format!("{PYTHON_CRATE}/Cargo.toml");
    let root = std::env::current_dir().map_err(|e| format!("no working directory: {e}"))?;
    // One target directory for the bindings' lint and build: pyo3's build
    // script and the signer's dependencies compile once.
    let python_target = root.join("target/python");
    run(
        "clippy (python bindings)",
        cargo(&[
            "clippy",
            "--manifest-path",
            &manifest,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
        .env("CARGO_TARGET_DIR", &python_target),
    )?;
    let venv = python_env(&root, PYTHON_VENV, PYTHON_PACKAGES)?;
    let bin = venv.join("bin");
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
            .env("CARGO_TARGET_DIR", &python_target),
    )?;
    run(
        "pytest",
        Command::new(bin.join("python"))
            .args(["-m", "pytest", "-q"])
            .arg(Path::new(PYTHON_CRATE).join("tests")),
    )
}

/// The official MCP Python SDK, pinned: `lmts mcp` is tested with a client
/// nobody here wrote.
const MCP_PYTHON_SDK: &str = "mcp==2.3.0";

/// The tests of `lmts mcp` in Python (see [`mcp`]).
const MCP_TESTS: &str = "crates/limitless-cli/tests/mcp";

/// `lmts mcp` driven by the official MCP Python SDK over stdio, against the
/// sandbox `lmts sandbox` embeds: `lmts` built with the tests' profile and
/// features (reusing their build), the SDK in a venv of its own under
/// `target/`, pytest over [`MCP_TESTS`].
fn mcp() -> Result {
    // CI's feature set and profile, with the examples so that the
    // dev-dependencies' features are on as in the tests' build: `lmts`
    // built by the tests is reused (alone it would compile anew).
    let mut build = cargo(&[
        "build",
        "--quiet",
        "--profile",
        "test",
        "--bin",
        "lmts",
        "--examples",
    ]);
    build.args(ALL);
    run("lmts (build)", build)?;
    let root = std::env::current_dir().map_err(|e| format!("no working directory: {e}"))?;
    let lmts = root.join(target_dir()).join("debug/lmts");
    let bin = python_env(&root, MCP_VENV, &[MCP_PYTHON_SDK, "pytest"])?.join("bin");
    run(
        "pytest (mcp)",
        Command::new(bin.join("python"))
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
            .arg(MCP_TESTS)
            .env("LMTS_BIN", &lmts),
    )
}

/// The Python bindings' virtualenv (under `target/`) and what it needs.
const PYTHON_VENV: &str = "target/python-venv";
const PYTHON_PACKAGES: &[&str] = &["maturin>=1.8,<2", "pytest"];
/// The MCP tests' virtualenv (under `target/`).
const MCP_VENV: &str = "target/mcp-venv";

/// A virtualenv at `root/dir` with `packages` from PyPI (made once; pip
/// finds them installed on later runs). Quiet: `ci` makes both while the
/// first builds run, and shows pip's output only when it fails.
fn python_env(root: &Path, dir: &str, packages: &[&str]) -> Result<PathBuf> {
    let venv = root.join(dir);
    let python = venv.join("bin/python");
    if !python.exists() {
        let system = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        quiet(
            &format!("python venv {dir}"),
            Command::new(system).args(["-m", "venv"]).arg(&venv),
        )?;
    }
    quiet(
        &format!("pip install into {dir}"),
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(packages),
    )?;
    Ok(venv)
}

/// Runs `command` with its output captured, shown only if it fails.
fn quiet(name: &str, command: &mut Command) -> Result {
    let output = command
        .output()
        .map_err(|e| format!("{name}: cannot start {:?}: {e}", command.get_program()))?;
    if output.status.success() {
        return Ok(());
    }
    print!("{}", String::from_utf8_lossy(&output.stdout));
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    Err(format!("{name} failed ({})", output.status))
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

/// Set by `ci` when it starts on an empty target directory.
static COLD: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    if COLD.get().copied().unwrap_or(false) {
        command.env("CARGO_INCREMENTAL", "0");
    }
    command
}

fn run(name: &str, mut command: impl std::borrow::BorrowMut<Command>) -> Result {
    let command = command.borrow_mut();
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
