//! The C ABI from C: a program compiled against `include/limitless.h` and
//! linked with the cdylib, run over the signing vectors and error cases.

use std::path::{Path, PathBuf};
use std::process::Command;

use limitless_auth::Timestamp;
use serde_json::Value;

const CRATE: &str = env!("CARGO_MANIFEST_DIR");

/// The directory holding the cdylib cargo built for this test run: next to
/// the test binary (`target/<profile>/deps`), or its parent.
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    let name = format!(
        "{}limitless_ffi{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    [deps, deps.parent().unwrap()]
        .into_iter()
        .find(|dir| dir.join(&name).exists())
        .unwrap_or_else(|| panic!("{name} not found next to {}", exe.display()))
        .to_path_buf()
}

/// Compiles `tests/c/check.c` once per test binary run.
fn program() -> PathBuf {
    static PROGRAM: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PROGRAM
        .get_or_init(|| {
            let libs = library_dir();
            // One program per process: test runners that start a process
            // per test (nextest) would otherwise write one file at once.
            let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("limitless-ffi-check-{}", std::process::id()));
            let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
                .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-o"])
                .arg(&out)
                .arg(Path::new(CRATE).join("tests/c/check.c"))
                .arg("-I")
                .arg(Path::new(CRATE).join("include"))
                .arg("-L")
                .arg(&libs)
                .arg(format!("-Wl,-rpath,{}", libs.display()))
                .arg("-llimitless_ffi")
                .status()
                .expect("a C compiler (cc) is needed for this test");
            assert!(status.success(), "compiling tests/c/check.c failed");
            out
        })
        .clone()
}

fn run(args: &[&str]) {
    let output = Command::new(program()).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.trim() == "ok",
        "check {args:?} failed:\n{stdout}{stderr}"
    );
}

#[test]
fn a_c_program_signs_and_verifies_every_vector() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../limitless-auth/tests/vectors/hmac.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read signing vectors at {path}: {e}"));
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 7);
    for case in cases {
        let field = |key: &str| case[key].as_str().unwrap();
        let millis = Timestamp::parse(field("timestamp"))
            .unwrap()
            .to_system_time()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
            .to_string();
        run(&[
            "vector",
            field("secret"),
            &millis,
            field("method"),
            field("path"),
            field("body"),
            field("timestamp"),
            field("signature"),
        ]);
    }
}

#[test]
fn a_c_program_sees_codes_messages_and_the_window() {
    run(&["behaviour"]);
}

#[test]
fn the_header_declares_the_same_constants_as_the_library() {
    let header = std::fs::read_to_string(Path::new(CRATE).join("include/limitless.h")).unwrap();
    let define = |name: &str| -> i64 {
        header
            .lines()
            .find_map(|line| {
                let rest = line.strip_prefix("#define ")?.strip_prefix(name)?;
                rest.trim().parse().ok()
            })
            .unwrap_or_else(|| panic!("#define {name} missing from limitless.h"))
    };
    for (name, code) in limitless_ffi::STATUSES {
        assert_eq!(define(name), i64::from(code), "{name}");
    }
    let len = |n: usize| i64::try_from(n).unwrap();
    assert_eq!(
        define("LMTS_TIMESTAMP_LEN"),
        len(limitless_ffi::LMTS_TIMESTAMP_LEN)
    );
    assert_eq!(
        define("LMTS_SIGNATURE_LEN"),
        len(limitless_ffi::LMTS_SIGNATURE_LEN)
    );
    assert_eq!(
        define("LMTS_DEFAULT_MAX_SKEW_MILLIS"),
        i64::try_from(limitless_ffi::LMTS_DEFAULT_MAX_SKEW_MILLIS).unwrap()
    );
    for function in [
        "lmts_signer_new",
        "lmts_signer_free",
        "lmts_sign",
        "lmts_verify",
        "lmts_status_name",
        "lmts_last_error_message",
    ] {
        assert!(
            header.contains(&format!("{function}(")),
            "{function} not declared"
        );
    }
}
