//! What the hostile-input modules share: a fixed-seed proptest
//! configuration and the captured payloads they start from.

use proptest::test_runner::{Config, RngSeed};

/// `cases` cases from a fixed seed, so a run on CI explores exactly what a
/// local run does; no regression files are written into the source tree.
/// `PROPTEST_CASES` does not apply (the count is explicit); a deeper run
/// goes through the cargo-fuzz targets in `fuzz/`.
pub(crate) fn fixed(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x1d1e_55f0_2026),
        ..Config::default()
    }
}

/// The text of every `*.json` capture in the folders whose name starts
/// with `prefix`, sorted by path; none without the captures.
pub(crate) fn captures(prefix: &str) -> Vec<String> {
    let Some(dir) = limitless_testkit::responses_dir() else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    for folder in std::fs::read_dir(&dir).expect("captures readable") {
        let folder = folder.expect("directory entry").path();
        let named = folder
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with(prefix));
        if !(named && folder.is_dir()) {
            continue;
        }
        for file in std::fs::read_dir(&folder).expect("capture folder readable") {
            let file = file.expect("directory entry").path();
            if file.extension().is_some_and(|ext| ext == "json") {
                paths.push(file);
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect()
}

/// Every WebSocket text frame a capture holds: the frames of the
/// transcripts as sent, and each `["<event>", payload]` capture as the
/// `/markets` event frame it arrived in.
pub(crate) fn captured_frames() -> Vec<String> {
    let mut frames = Vec::new();
    for text in captures("ws-") {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if let Some(sent) = value.get("frames").and_then(|f| f.as_array()) {
            frames.extend(sent.iter().filter_map(|f| f.as_str()).map(str::to_owned));
        } else if value
            .as_array()
            .is_some_and(|a| a.first().is_some_and(|n| n.is_string()))
        {
            frames.push(format!("42/markets,{value}"));
        }
    }
    frames
}
