//! Workspace-level tests: end-to-end flows in `e2e/`, reliability against the
//! sandbox in `reliability/`, hostile input in `hostile/`, conformance to the
//! published OpenAPI spec in `openapi/`, and the Rust examples of the README
//! and of every `docs/` page, compiled and run as doctests here.

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// One doctest holder per documentation page, and the list of pages.
macro_rules! doc_pages {
    ($($holder:ident = $page:literal;)*) => {
        $(
            #[cfg(doctest)]
            #[doc = include_str!(concat!("../docs/", $page))]
            struct $holder;
        )*

        /// Every page of `docs/` whose examples run as doctests.
        #[cfg(test)]
        const DOC_PAGES: &[&str] = &[$($page),*];
    };
}

doc_pages! {
    AuthenticationDoctests = "authentication.md";
    OperationsDoctests = "operations.md";
    OrdersDoctests = "orders.md";
    StreamsDoctests = "streams.md";
    ReliabilityDoctests = "reliability.md";
    SandboxDoctests = "sandbox.md";
    CliDoctests = "cli.md";
    ExamplesDoctests = "examples.md";
    TestingDoctests = "testing.md";
    PerformanceDoctests = "performance.md";
    OtherStacksDoctests = "other-stacks.md";
    ArchitectureDoctests = "architecture.md";
    McpDoctests = "mcp.md";
}

#[cfg(test)]
mod tests {
    use super::DOC_PAGES;

    /// A page added to `docs/` without a doctest holder would have its
    /// examples never compiled: the list above must name every page.
    #[test]
    fn every_docs_page_runs_as_doctests() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("docs/ exists")
            .map(|entry| entry.expect("directory entry").file_name())
            .map(|name| name.to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".md"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = DOC_PAGES.iter().map(|page| (*page).to_owned()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
    }

    /// The changelog keeps the Keep a Changelog form, and its newest
    /// release is the version every crate of the workspace carries.
    #[test]
    fn changelog_has_a_section_for_the_crates_version() {
        let changelog = include_str!("../CHANGELOG.md");
        let releases: Vec<&str> = changelog
            .lines()
            .filter_map(|line| line.strip_prefix("## "))
            .collect();
        assert_eq!(releases.first(), Some(&"[Unreleased]"), "{releases:?}");
        let version = env!("CARGO_PKG_VERSION");
        let newest = releases.get(1).expect("a released version");
        let (name, date) = newest.split_once(" - ").expect("`## [x.y.z] - YYYY-MM-DD`");
        assert_eq!(name, format!("[{version}]"));
        let date: Vec<&str> = date.split('-').collect();
        assert!(
            date.len() == 3 && date.iter().all(|part| part.parse::<u32>().is_ok()),
            "an ISO date: {newest}"
        );
        for heading in changelog
            .lines()
            .filter_map(|line| line.strip_prefix("### "))
        {
            assert!(
                [
                    "Added",
                    "Changed",
                    "Deprecated",
                    "Removed",
                    "Fixed",
                    "Security"
                ]
                .contains(&heading),
                "not a Keep a Changelog section: {heading}"
            );
        }
        for release in &releases {
            let label = release.split(" - ").next().unwrap_or_default();
            assert!(
                changelog.contains(&format!("\n{label}: https://")),
                "no link for {label}"
            );
        }
    }

    /// Every shell block of the README and of `docs/`, by its first line,
    /// and what runs it in CI (or why nothing can). A new block must be
    /// placed here, so no command a reader copies goes untried unnoticed.
    const SHELL_BLOCKS: &[(&str, &str, &str)] = &[
        (
            "README.md",
            "cargo xtask demo",
            "ci: the `demo` step runs this binary",
        ),
        (
            "cli.md",
            "lmts sandbox",
            "ci: limitless-cli tests/it/docs_session.rs runs it",
        ),
        (
            "cli.md",
            "$ lmts token derive",
            "ci: limitless-cli tests/it/docs_session.rs runs it",
        ),
        (
            "cli.md",
            "$ lmts order watch",
            "ci: limitless-cli tests/it/docs_session.rs runs it",
        ),
        (
            "examples.md",
            "cargo run -p limitless-client",
            "ci: the `examples` step runs every example",
        ),
        (
            "examples.md",
            "LIMITLESS_API_URL=https://api.limitless.exchange",
            "not run: the live API",
        ),
        (
            "mcp.md",
            "lmts mcp",
            "ci: the `mcp` step starts both forms, with its sandbox's ids, from the official MCP Python SDK",
        ),
        (
            "performance.md",
            "cargo xtask bench",
            "not run: benchmarks take minutes",
        ),
        (
            "sandbox.md",
            "cargo run -p limitless-sandbox",
            "not run: serves port 8080 until Ctrl-C; `lmts sandbox` runs the same server in CI",
        ),
        (
            "reliability.md",
            "cargo xtask soak",
            "ci: the `soak` step runs the first form for 60 s, with a fixed and a drawn seed",
        ),
    ];

    #[test]
    fn every_shell_block_is_run_or_says_why_not() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let pages = std::iter::once("README.md".to_owned())
            .chain(DOC_PAGES.iter().map(|page| format!("docs/{page}")));
        let mut found = Vec::new();
        for page in pages {
            let text = std::fs::read_to_string(format!("{root}/{page}")).expect("page");
            let name = page.trim_start_matches("docs/").to_owned();
            let mut lines = text.lines();
            while let Some(line) = lines.next() {
                let Some(info) = line.strip_prefix("```") else {
                    continue;
                };
                let first = lines.next().unwrap_or_default().to_owned();
                let body_is_shell = first.starts_with("$ ")
                    || first.starts_with("cargo ")
                    || first.starts_with("lmts ")
                    || first.starts_with("LIMITLESS_");
                if matches!(info.trim(), "sh" | "bash" | "shell" | "console")
                    || (info.trim() == "text" && body_is_shell)
                {
                    found.push((name.clone(), first));
                }
                for rest in lines.by_ref() {
                    if rest.starts_with("```") {
                        break;
                    }
                }
            }
        }
        for (page, first) in &found {
            assert!(
                SHELL_BLOCKS
                    .iter()
                    .any(|(listed, head, _)| listed == page && first.starts_with(head)),
                "{page}: the shell block `{first}` is neither run nor explained"
            );
        }
        for (page, head, _) in SHELL_BLOCKS {
            assert!(
                found
                    .iter()
                    .any(|(name, first)| name == page && first.starts_with(head)),
                "{page}: no shell block starts with `{head}` any more"
            );
        }
    }
}
