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
}
