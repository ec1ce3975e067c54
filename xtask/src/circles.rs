//! The module-circle check: in every crate, a module never imports from a
//! module that depends on it.
//!
//! Each crate root (`src/lib.rs`, `src/main.rs`, `src/bin/*.rs`) is read and
//! its `mod` declarations followed to the files they name, so every file is
//! one module (`routes::amm`, the root is `crate`). An import is a path that
//! starts with `crate::`, `self::` or `super::` — in `use` trees (grouped,
//! nested, over several lines) or inline in code — outside `#[cfg(test)]`
//! items. Each path is resolved to the file that holds the named item,
//! following `pub use` re-exports, so naming an item through the crate root
//! is an import of the module that defines it.
//!
//! A `mod` declaration is not an import (a parent holds its children), and
//! neither is a parent's relative path to its own child (`accounts::handle`):
//! the parent is above its children. A child naming its parent's items *is*
//! an import of the parent. Comments, strings and `$crate` paths inside
//! macros are not read.
//!
//! The graph is checked twice: between files, and between the crate's
//! top-level modules (every file counted as its top-level module, the root
//! as `crate`). Any strongly connected component of more than one module is
//! a circle. Only the standard library: xtask depends on clap alone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What one run of the check found.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// How many crates were read (each crate root counts once).
    pub(crate) crates: usize,
    /// How many file modules were read.
    pub(crate) modules: usize,
    /// Every circle found, at both granularities.
    pub(crate) circles: Vec<Circle>,
}

/// One import circle: the modules of a strongly connected component and the
/// imports between them.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Circle {
    /// The crate (its package name; a binary root adds ` (bin NAME)`).
    pub(crate) krate: String,
    /// `true` at top-level granularity, `false` between files.
    pub(crate) top_level: bool,
    /// The modules in the circle, sorted.
    pub(crate) modules: Vec<String>,
    /// Each import inside the circle: from, to, and the first reference
    /// that makes it (`file:line path`).
    pub(crate) imports: Vec<(String, String, String)>,
}

impl std::fmt::Display for Circle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = if self.top_level {
            "top-level modules"
        } else {
            "modules"
        };
        writeln!(
            f,
            "{}: circle between {level} {}",
            self.krate,
            self.modules.join(", ")
        )?;
        for (from, to, evidence) in &self.imports {
            writeln!(f, "      {from} -> {to}  ({evidence})")?;
        }
        Ok(())
    }
}

/// Checks every member crate of the workspace rooted at `root` (its
/// `Cargo.toml` lists them under `members`).
pub(crate) fn check_workspace(root: &Path) -> Result<Report, String> {
    let manifest = read(&root.join("Cargo.toml"))?;
    let mut report = Report::default();
    for member in workspace_members(&manifest) {
        let dir = root.join(&member);
        let src = dir.join("src");
        if !src.is_dir() {
            continue;
        }
        let name = package_name(&read(&dir.join("Cargo.toml"))?).unwrap_or(member);
        for (label, file) in crate_roots(&src, &name) {
            let krate = load_crate(&file, &|path: &Path| std::fs::read_to_string(path).ok())?;
            report.crates += 1;
            report.modules += krate.files.len();
            report.circles.extend(krate.circles(&label));
        }
    }
    Ok(report)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The `members = [...]` of a workspace manifest (plain paths; no globs are
/// used in this workspace).
fn workspace_members(manifest: &str) -> Vec<String> {
    let Some(start) = manifest.find("members") else {
        return Vec::new();
    };
    let rest = &manifest[start..];
    let (Some(open), Some(close)) = (rest.find('['), rest.find(']')) else {
        return Vec::new();
    };
    rest[open + 1..close]
        .lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .flat_map(|line| line.split(','))
        .map(|item| item.trim().trim_matches('"').to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

/// The `name` of a package manifest's `[package]` table.
fn package_name(manifest: &str) -> Option<String> {
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[package]")
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .find_map(|line| {
            let value = line.trim().strip_prefix("name")?.trim().strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
}

/// The crate roots under `src`: the library, the main binary and
/// `src/bin/*`, each with the name its circles are reported under.
fn crate_roots(src: &Path, name: &str) -> Vec<(String, PathBuf)> {
    let mut roots = Vec::new();
    let lib = src.join("lib.rs");
    let main = src.join("main.rs");
    if lib.is_file() {
        roots.push((name.to_owned(), lib));
        if main.is_file() {
            roots.push((format!("{name} (bin main)"), main));
        }
    } else if main.is_file() {
        roots.push((name.to_owned(), main));
    }
    if let Ok(entries) = std::fs::read_dir(src.join("bin")) {
        let mut bins: Vec<(String, PathBuf)> = entries
            .flatten()
            .filter_map(|entry| {
                let path = entry.path();
                let stem = path.file_stem()?.to_string_lossy().into_owned();
                if path.extension().is_some_and(|ext| ext == "rs") {
                    Some((format!("{name} (bin {stem})"), path))
                } else if path.join("main.rs").is_file() {
                    Some((format!("{name} (bin {stem})"), path.join("main.rs")))
                } else {
                    None
                }
            })
            .collect();
        bins.sort();
        roots.extend(bins);
    }
    roots
}

/// A module path from the crate root (empty for the root).
type ModPath = Vec<String>;

fn display(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

/// One crate's file modules, read and parsed.
#[derive(Debug, Default)]
struct Crate {
    /// Every file module: its path, file name, and what it says.
    files: BTreeMap<ModPath, (String, Parsed)>,
    /// Every module, file or inline, mapped to the file module holding it.
    modules: BTreeMap<ModPath, ModPath>,
}

/// Reads the crate whose root is `root`, following `mod` declarations with
/// `read` (a function so the tests can serve files from memory).
fn load_crate(root: &Path, read: &dyn Fn(&Path) -> Option<String>) -> Result<Crate, String> {
    let mut krate = Crate::default();
    // (module path, file, directory its children live in)
    let root_dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut queue = vec![(ModPath::new(), root.to_path_buf(), root_dir)];
    while let Some((path, file, dir)) = queue.pop() {
        let text = read(&file).ok_or_else(|| format!("cannot read {}", file.display()))?;
        let parsed = parse(&text);
        if parsed.test_only {
            continue;
        }
        krate.modules.insert(path.clone(), path.clone());
        for inline in &parsed.inline_mods {
            let mut full = path.clone();
            full.extend(inline.iter().cloned());
            krate.modules.insert(full, path.clone());
        }
        for decl in &parsed.mod_decls {
            let mut child_dir = dir.clone();
            child_dir.extend(decl.iter());
            let name = decl.last().cloned().unwrap_or_default();
            let flat = child_dir.with_extension("rs");
            let nested = child_dir.join("mod.rs");
            let (child_file, grandchildren) = if read(&flat).is_some() {
                (flat, child_dir)
            } else {
                (nested, child_dir)
            };
            let mut child_path = path.clone();
            child_path.extend(decl[..decl.len() - 1].iter().cloned());
            child_path.push(name);
            queue.push((child_path, child_file, grandchildren));
        }
        krate
            .files
            .insert(path, (file.display().to_string(), parsed));
    }
    Ok(krate)
}

impl Crate {
    /// The import graph between file modules: for each import, the first
    /// reference that makes it.
    fn graph(&self) -> BTreeMap<ModPath, BTreeMap<ModPath, String>> {
        let mut graph: BTreeMap<ModPath, BTreeMap<ModPath, String>> = BTreeMap::new();
        for (path, (file, parsed)) in &self.files {
            graph.entry(path.clone()).or_default();
            for reference in &parsed.references {
                let mut scope = path.clone();
                scope.extend(reference.scope.iter().cloned());
                let Some(absolute) = absolute(&scope, &reference.path) else {
                    continue;
                };
                let target = self.resolve(&absolute, 0);
                if &target != path {
                    graph
                        .entry(path.clone())
                        .or_default()
                        .entry(target)
                        .or_insert_with(|| {
                            format!("{file}:{} {}", reference.line, reference.path.join("::"))
                        });
                }
            }
        }
        graph
    }

    /// The file module that holds the item an absolute path names.
    fn resolve(&self, path: &[String], depth: usize) -> ModPath {
        let mut module = ModPath::new();
        let mut rest = path;
        while let Some((first, tail)) = rest.split_first() {
            let mut next = module.clone();
            next.push(first.clone());
            if self.modules.contains_key(&next) {
                module = next;
                rest = tail;
            } else {
                break;
            }
        }
        let file = self.modules.get(&module).cloned().unwrap_or_default();
        // A name re-exported here (`pub use`) is an import of its origin.
        if let (Some(name), Some((_, parsed))) = (rest.first(), self.files.get(&file)) {
            let scope = &module[file.len()..];
            let exported = parsed
                .reexports
                .iter()
                .find(|export| export.scope == scope && &export.name == name);
            if let Some(export) = exported.filter(|_| depth < 8) {
                // `pub use child::Item` names a child relatively.
                let origin = absolute(&module, &export.path).or_else(|| {
                    let mut child = module.clone();
                    child.push(export.path.first()?.clone());
                    self.modules.contains_key(&child).then(|| {
                        let mut path = module.clone();
                        path.extend(export.path.iter().cloned());
                        path
                    })
                });
                if let Some(mut origin) = origin {
                    origin.extend(rest[1..].iter().cloned());
                    return self.resolve(&origin, depth + 1);
                }
            }
        }
        file
    }

    /// Every circle, between files and between top-level modules.
    fn circles(&self, krate: &str) -> Vec<Circle> {
        let graph = self.graph();
        let mut found = circles_of(krate, false, &graph);
        let top = |path: &ModPath| path.iter().take(1).cloned().collect::<ModPath>();
        let mut top_graph: BTreeMap<ModPath, BTreeMap<ModPath, String>> = BTreeMap::new();
        for (from, targets) in &graph {
            let entry = top_graph.entry(top(from)).or_default();
            for (to, evidence) in targets {
                if top(to) != top(from) {
                    entry.entry(top(to)).or_insert_with(|| evidence.clone());
                }
            }
        }
        found.extend(circles_of(krate, true, &top_graph));
        found
    }
}

/// An absolute module path for `path` as written in module `scope`, or
/// `None` for a path that does not start at this crate (`std::`, a
/// dependency, a child named relatively).
fn absolute(scope: &[String], path: &[String]) -> Option<ModPath> {
    let (first, rest) = path.split_first()?;
    match first.as_str() {
        "crate" => Some(rest.to_vec()),
        "self" => {
            let mut out = scope.to_vec();
            out.extend(rest.iter().cloned());
            Some(out)
        }
        "super" => {
            let mut out = scope.to_vec();
            let mut rest = path;
            while let Some(("super", tail)) = rest.split_first().map(|(s, t)| (s.as_str(), t)) {
                out.pop()?;
                rest = tail;
            }
            out.extend(rest.iter().cloned());
            Some(out)
        }
        _ => None,
    }
}

/// The strongly connected components of more than one node (Tarjan).
fn circles_of(
    krate: &str,
    top_level: bool,
    graph: &BTreeMap<ModPath, BTreeMap<ModPath, String>>,
) -> Vec<Circle> {
    struct Tarjan<'g> {
        graph: &'g BTreeMap<ModPath, BTreeMap<ModPath, String>>,
        index: BTreeMap<&'g ModPath, usize>,
        low: BTreeMap<&'g ModPath, usize>,
        stack: Vec<&'g ModPath>,
        on_stack: BTreeSet<&'g ModPath>,
        components: Vec<Vec<&'g ModPath>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, node: &'g ModPath) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            self.on_stack.insert(node);
            for next in self.graph.get(node).into_iter().flat_map(|t| t.keys()) {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack.remove(member);
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.components.push(component);
                }
            }
        }
    }
    let mut tarjan = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for node in graph.keys() {
        if !tarjan.index.contains_key(node) {
            tarjan.visit(node);
        }
    }
    tarjan
        .components
        .into_iter()
        .map(|component| {
            let members: BTreeSet<&ModPath> = component.into_iter().collect();
            let imports = members
                .iter()
                .flat_map(|from| {
                    graph[*from]
                        .iter()
                        .filter(|(to, _)| members.contains(to))
                        .map(|(to, evidence)| (display(from), display(to), evidence.clone()))
                })
                .collect();
            Circle {
                krate: krate.to_owned(),
                top_level,
                modules: members.iter().map(|m| display(m)).collect(),
                imports,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Reading a file.

/// What one file says about modules and imports.
#[derive(Debug, Default)]
struct Parsed {
    /// The whole file is test code (`#![cfg(test)]`).
    test_only: bool,
    /// `mod name;` declarations, with the inline modules around them.
    mod_decls: Vec<ModPath>,
    /// Inline `mod name { .. }` modules (nested ones as paths).
    inline_mods: Vec<ModPath>,
    /// Paths starting with `crate`, `self` or `super`.
    references: Vec<Reference>,
    /// `pub use` leaves: a name this module re-exports and its path.
    reexports: Vec<Reexport>,
}

#[derive(Debug)]
struct Reference {
    /// The inline modules around the reference.
    scope: ModPath,
    /// The path as written (`crate`/`self`/`super` first).
    path: Vec<String>,
    line: usize,
}

#[derive(Debug)]
struct Reexport {
    scope: ModPath,
    name: String,
    /// The path as written (may start with a child's name).
    path: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// Splits Rust source into identifiers and punctuation, with each token's
/// line; comments, string, char and number literals, and lifetimes are
/// dropped.
fn tokenize(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1, &mut line);
        } else if c == '\'' {
            if at(i + 1) == '\\' {
                // An escaped char literal: up to its closing quote.
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                // A lifetime or label.
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
            }
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let raw_prefix = matches!(word.as_str(), "r" | "br" | "cr");
            if raw_prefix && (at(i) == '"' || (at(i) == '#' && matches!(at(i + 1), '"' | '#'))) {
                let mut hashes = 0;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                i += 1;
                // A raw string ends at a quote followed by as many hashes.
                while i < chars.len() {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    if chars[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                        i += 1 + hashes;
                        break;
                    }
                    i += 1;
                }
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                i = skip_string(&chars, i + 1, &mut line);
            } else if word == "b" && at(i) == '\'' {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            } else if word == "r" && at(i) == '#' {
                // A raw identifier, `r#type`.
                let start = i + 1;
                i = start;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                tokens.push((Token::Ident(chars[start..i].iter().collect()), line));
            } else {
                tokens.push((Token::Ident(word), line));
            }
        } else if c == ':' && at(i + 1) == ':' {
            tokens.push((Token::PathSep, line));
            i += 2;
        } else {
            tokens.push((Token::Punct(c), line));
            i += 1;
        }
    }
    tokens
}

/// Skips a string's body (after its opening quote), counting lines.
fn skip_string(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            c => {
                if c == '\n' {
                    *line += 1;
                }
                i += 1;
            }
        }
    }
    i
}

fn is_ident(token: Option<&(Token, usize)>, word: &str) -> bool {
    matches!(token, Some((Token::Ident(w), _)) if w == word)
}

fn is_punct(token: Option<&(Token, usize)>, c: char) -> bool {
    matches!(token, Some((Token::Punct(p), _)) if *p == c)
}

/// Reads a file's tokens: `mod` declarations, inline modules, references
/// and re-exports, skipping `#[cfg(test)]` items.
fn parse(source: &str) -> Parsed {
    let tokens = tokenize(source);
    let mut parsed = Parsed::default();
    // Inline modules open around the cursor: (name, brace depth inside it).
    let mut scope: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let current = |scope: &[(String, usize)]| -> ModPath {
        scope.iter().map(|(name, _)| name.clone()).collect()
    };
    while i < tokens.len() {
        let token = &tokens[i].0;
        match token {
            Token::Punct('#') => {
                let inner = is_punct(tokens.get(i + 1), '!');
                let open = if inner { i + 2 } else { i + 1 };
                if !is_punct(tokens.get(open), '[') {
                    i += 1;
                    continue;
                }
                let close = matching(&tokens, open);
                let test = is_test_cfg(&tokens[open + 1..close]);
                if test && inner && depth == 0 && scope.is_empty() {
                    parsed.test_only = true;
                    return parsed;
                }
                i = close + 1;
                if test && !inner {
                    i = skip_item(&tokens, i);
                }
            }
            Token::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Token::Punct('}') => {
                if scope.last().is_some_and(|(_, d)| *d == depth) {
                    scope.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Token::Ident(word) if word == "mod" => {
                let Some((Token::Ident(name), _)) = tokens.get(i + 1) else {
                    i += 1;
                    continue;
                };
                let mut path = current(&scope);
                path.push(name.clone());
                if is_punct(tokens.get(i + 2), ';') {
                    parsed.mod_decls.push(path);
                    i += 3;
                } else if is_punct(tokens.get(i + 2), '{') {
                    parsed.inline_mods.push(path);
                    depth += 1;
                    scope.push((name.clone(), depth));
                    i += 3;
                } else {
                    i += 1;
                }
            }
            Token::Ident(word) if word == "use" => {
                let public = is_ident(i.checked_sub(1).and_then(|p| tokens.get(p)), "pub")
                    || is_punct(i.checked_sub(1).and_then(|p| tokens.get(p)), ')');
                let line = tokens[i].1;
                let mut leaves = Vec::new();
                i = use_tree(&tokens, i + 1, &mut Vec::new(), &mut leaves);
                let here = current(&scope);
                for (path, alias) in leaves {
                    if public && let Some(name) = alias.clone() {
                        parsed.reexports.push(Reexport {
                            scope: here.clone(),
                            name,
                            path: path.clone(),
                        });
                    }
                    if matches!(
                        path.first().map(String::as_str),
                        Some("crate" | "self" | "super")
                    ) {
                        parsed.references.push(Reference {
                            scope: here.clone(),
                            path,
                            line,
                        });
                    }
                }
            }
            Token::Ident(word) if matches!(word.as_str(), "crate" | "self" | "super") => {
                let before = i.checked_sub(1).and_then(|p| tokens.get(p));
                let prefixed = matches!(before, Some((Token::PathSep, _)))
                    || is_punct(before, '$')
                    || is_ident(before, "in");
                if prefixed || tokens.get(i + 1).map(|t| &t.0) != Some(&Token::PathSep) {
                    i += 1;
                    continue;
                }
                let line = tokens[i].1;
                let mut path = vec![word.clone()];
                let mut j = i + 1;
                while tokens.get(j).map(|t| &t.0) == Some(&Token::PathSep) {
                    match tokens.get(j + 1) {
                        Some((Token::Ident(segment), _)) => {
                            path.push(segment.clone());
                            j += 2;
                        }
                        _ => break,
                    }
                }
                parsed.references.push(Reference {
                    scope: current(&scope),
                    path,
                    line,
                });
                i = j;
            }
            _ => i += 1,
        }
    }
    parsed
}

/// The index of the bracket closing the one at `open` (or the last token).
fn matching(tokens: &[(Token, usize)], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, (token, _)) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    tokens.len().saturating_sub(1)
}

/// Whether an attribute's tokens (inside `#[..]`) are `cfg(test)` or
/// `cfg(all(test, ..))`: code compiled only into the tests.
fn is_test_cfg(attribute: &[(Token, usize)]) -> bool {
    let words: Vec<&Token> = attribute.iter().map(|(t, _)| t).collect();
    let ident = |k: usize, w: &str| matches!(words.get(k), Some(Token::Ident(x)) if x == w);
    let punct = |k: usize, c: char| matches!(words.get(k), Some(Token::Punct(p)) if *p == c);
    if !(ident(0, "cfg") && punct(1, '(')) {
        return false;
    }
    if ident(2, "test") && punct(3, ')') && words.len() == 4 {
        return true;
    }
    if ident(2, "all") && punct(3, '(') {
        // `test` as one of `all(..)`'s own predicates.
        let mut level = 0usize;
        for token in &words[4..] {
            match token {
                Token::Punct('(') => level += 1,
                Token::Punct(')') if level == 0 => return false,
                Token::Punct(')') => level -= 1,
                Token::Ident(w) if w == "test" && level == 0 => return true,
                _ => {}
            }
        }
    }
    false
}

/// Skips the item starting at `start` (after its attributes): up to a `;`
/// outside brackets, or through its braced body. A field, variant, match
/// arm or argument (anything not opened by an item keyword) also ends at a
/// `,` outside brackets and generics; a closing bracket of the enclosing
/// body ends anything.
fn skip_item(tokens: &[(Token, usize)], mut i: usize) -> usize {
    // Further attributes belong to the same item.
    while is_punct(tokens.get(i), '#') && is_punct(tokens.get(i + 1), '[') {
        i = matching(tokens, i + 1) + 1;
    }
    let mut first = i;
    if is_ident(tokens.get(first), "pub") {
        first += 1;
        if is_punct(tokens.get(first), '(') {
            first = matching(tokens, first) + 1;
        }
    }
    let item = matches!(
        tokens.get(first),
        Some((Token::Ident(word), _)) if ITEM_KEYWORDS.contains(&word.as_str())
    );
    let (mut depth, mut angle) = (0usize, 0usize);
    while let Some((token, _)) = tokens.get(i) {
        match token {
            Token::Punct(';') if depth == 0 => return i + 1,
            Token::Punct(',') if depth == 0 && angle == 0 && !item => return i + 1,
            Token::Punct(')' | ']' | '}') if depth == 0 => return i,
            Token::Punct('{') if depth == 0 => return matching(tokens, i) + 1,
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => depth -= 1,
            Token::Punct('-') if is_punct(tokens.get(i + 1), '>') => i += 1,
            Token::Punct('<')
                if matches!(
                    tokens.get(i.wrapping_sub(1)),
                    Some((Token::Ident(_) | Token::PathSep, _))
                ) =>
            {
                angle += 1;
            }
            Token::Punct('>') => angle = angle.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    i
}

/// Words that open an item (whose body, not a `,`, ends it).
const ITEM_KEYWORDS: &[&str] = &[
    "fn",
    "struct",
    "enum",
    "union",
    "impl",
    "mod",
    "use",
    "const",
    "static",
    "type",
    "trait",
    "macro_rules",
    "let",
    "extern",
    "unsafe",
    "async",
];

/// Reads one use tree at `i` (after `use` or inside a group) into `leaves`
/// as (full path, the name it binds); returns the index after the tree (at
/// the `,`, `}` or past the `;`).
fn use_tree(
    tokens: &[(Token, usize)],
    mut i: usize,
    prefix: &mut Vec<String>,
    leaves: &mut Vec<(Vec<String>, Option<String>)>,
) -> usize {
    let base = prefix.len();
    if tokens.get(i).map(|t| &t.0) == Some(&Token::PathSep) {
        i += 1;
    }
    loop {
        match tokens.get(i) {
            Some((Token::Ident(segment), _)) => {
                prefix.push(segment.clone());
                i += 1;
                if tokens.get(i).map(|t| &t.0) == Some(&Token::PathSep) {
                    i += 1;
                    continue;
                }
                let mut name = prefix.last().cloned();
                if is_ident(tokens.get(i), "as") {
                    name = match tokens.get(i + 1) {
                        Some((Token::Ident(alias), _)) if alias != "_" => Some(alias.clone()),
                        _ => None,
                    };
                    i += 2;
                }
                // `a::{self}` names the module `a` itself.
                let mut path = prefix.clone();
                if path.last().map(String::as_str) == Some("self") && path.len() > 1 {
                    path.pop();
                    if name.as_deref() == Some("self") {
                        name = path.last().cloned();
                    }
                }
                leaves.push((path, name));
                break;
            }
            Some((Token::Punct('*'), _)) => {
                leaves.push((prefix.clone(), None));
                i += 1;
                break;
            }
            Some((Token::Punct('{'), _)) => {
                i += 1;
                while !matches!(tokens.get(i), None | Some((Token::Punct('}'), _))) {
                    i = use_tree(tokens, i, prefix, leaves);
                    if is_punct(tokens.get(i), ',') {
                        i += 1;
                    }
                }
                i += 1;
                break;
            }
            _ => break,
        }
    }
    prefix.truncate(base);
    if is_punct(tokens.get(i), ';') {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads a crate from in-memory files (`src/lib.rs` is the root).
    fn krate(files: &[(&str, &str)]) -> Crate {
        let files: BTreeMap<PathBuf, String> = files
            .iter()
            .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
            .collect();
        load_crate(Path::new("src/lib.rs"), &|path: &Path| {
            files.get(path).cloned()
        })
        .expect("the crate loads")
    }

    fn circles(files: &[(&str, &str)]) -> Vec<(bool, Vec<String>)> {
        krate(files)
            .circles("demo")
            .into_iter()
            .map(|circle| (circle.top_level, circle.modules))
            .collect()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_circle_between_two_files_is_found_at_both_granularities() {
        let found = krate(&[
            ("src/lib.rs", "mod a;\nmod b;\n"),
            ("src/a.rs", "use crate::b::B;\npub struct A;\n"),
            (
                "src/b.rs",
                "pub struct B;\nfn f() -> crate::a::A { crate::a::A }\n",
            ),
        ])
        .circles("demo");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].modules, names(&["a", "b"]));
        assert!(!found[0].top_level);
        assert!(found[1].top_level);
        assert_eq!(
            found[0].imports,
            vec![
                ("a".into(), "b".into(), "src/a.rs:1 crate::b::B".into()),
                ("b".into(), "a".into(), "src/b.rs:2 crate::a::A".into()),
            ]
        );
    }

    #[test]
    fn a_layered_graph_passes() {
        assert_eq!(
            circles(&[
                (
                    "src/lib.rs",
                    "pub mod a;\npub mod b;\npub mod c;\npub use a::A;\n"
                ),
                ("src/a.rs", "pub struct A;\n"),
                ("src/b.rs", "use crate::A;\npub struct B(A);\n"),
                ("src/c.rs", "use crate::{a::A, b::B};\n"),
            ]),
            vec![]
        );
    }

    #[test]
    fn grouped_nested_and_multi_line_uses_are_read() {
        let parsed = parse(
            "use crate::{\n    a::{self, A},\n    b::{c::C, D as E},\n    f::*,\n};\nuse std::fmt;\n",
        );
        let paths: Vec<String> = parsed
            .references
            .iter()
            .map(|r| format!("{}@{}", r.path.join("::"), r.line))
            .collect();
        assert_eq!(
            paths,
            names(&[
                "crate::a@1",
                "crate::a::A@1",
                "crate::b::c::C@1",
                "crate::b::D@1",
                "crate::f@1"
            ])
        );
        // A circle hidden in a group is still a circle.
        assert_eq!(
            circles(&[
                ("src/lib.rs", "mod a;\nmod b;\n"),
                ("src/a.rs", "use crate::{\n    b::{B},\n};\npub struct A;\n"),
                ("src/b.rs", "pub struct B;\nuse crate::{a::A};\n"),
            ])
            .len(),
            2
        );
    }

    #[test]
    fn test_code_comments_and_strings_are_not_imports() {
        assert_eq!(
            circles(&[
                ("src/lib.rs", "mod a;\nmod b;\n#[cfg(test)]\nmod tests;\n"),
                (
                    "src/a.rs",
                    "use crate::b::B;\n#[cfg(test)]\nmod tests {\n    use crate::a::A;\n}\n",
                ),
                (
                    "src/b.rs",
                    concat!(
                        "/// See [`A`](crate::a::A).\npub struct B;\n",
                        "// crate::a::A\n/* crate::a::A */\n",
                        "const S: &str = \"crate::a::A\";\nconst R: &str = r#\"crate::a::A\"#;\n",
                        "#[cfg(test)]\nfn helper() -> crate::a::A { todo!() }\n",
                        "#[cfg(all(test, feature = \"x\"))]\nuse crate::a::A;\n",
                        "macro_rules! m { () => { $crate::a::A } }\n",
                    )
                ),
                // Never read: declared under `#[cfg(test)]`.
                ("src/tests.rs", "use crate::a::A;\nuse crate::b::B;\n"),
            ]),
            vec![]
        );
        // A test-only field or argument ends at its comma: what follows is
        // read.
        assert_eq!(
            circles(&[
                ("src/lib.rs", "mod a;\nmod b;\n"),
                ("src/a.rs", "use crate::b::B;\n"),
                (
                    "src/b.rs",
                    "pub struct B {\n    #[cfg(test)]\n    seen: HashMap<u8, Vec<u8>>,\n    a: crate::a::A,\n}\n",
                ),
            ])
            .len(),
            2
        );
        // Code under another cfg is compiled outside the tests: it counts.
        assert_eq!(
            circles(&[
                ("src/lib.rs", "mod a;\nmod b;\n"),
                ("src/a.rs", "use crate::b::B;\n"),
                (
                    "src/b.rs",
                    "#[cfg(any(test, feature = \"x\"))]\nuse crate::a::A;\n"
                ),
            ])
            .len(),
            2
        );
    }

    #[test]
    fn super_self_and_reexports_resolve_to_the_defining_file() {
        let files = [
            (
                "src/lib.rs",
                "mod routes;\nmod state;\npub use state::State;\n",
            ),
            ("src/routes/mod.rs", "mod amm;\npub(crate) fn query() {}\n"),
            (
                "src/routes/amm.rs",
                "use super::query;\nuse crate::State;\nfn f() { self::g(); }\nfn g() {}\n",
            ),
            ("src/state.rs", "pub struct State;\n"),
        ];
        let graph = krate(&files).graph();
        let of = |m: &[&str]| {
            graph[&names(m)]
                .keys()
                .map(|k| display(k))
                .collect::<Vec<_>>()
        };
        assert_eq!(of(&["routes", "amm"]), names(&["routes", "state"]));
        assert_eq!(of(&[]), Vec::<String>::new());
        // A parent's relative path to its child is not an import, so the
        // child may name its parent's helpers.
        assert_eq!(circles(&files), vec![]);
        // A re-export that leads back up closes a circle.
        assert_eq!(
            circles(&[
                ("src/lib.rs", "mod a;\nmod b;\npub use a::A;\n"),
                ("src/a.rs", "pub struct A;\nuse crate::b::B;\n"),
                ("src/b.rs", "pub struct B(crate::A);\n"),
            ]),
            vec![(false, names(&["a", "b"])), (true, names(&["a", "b"]))]
        );
    }

    #[test]
    fn top_level_circles_join_the_files_below_each_module() {
        // No two files import each other, but `x` and `y` do.
        assert_eq!(
            circles(&[
                ("src/lib.rs", "mod x;\nmod y;\n"),
                ("src/x/mod.rs", "mod low;\nmod high;\n"),
                ("src/x/low.rs", "pub struct L;\n"),
                ("src/x/high.rs", "use crate::y::Y;\n"),
                ("src/y.rs", "pub struct Y(crate::x::low::L);\n"),
            ]),
            vec![(true, names(&["x", "y"]))]
        );
    }

    #[test]
    fn workspace_manifests_are_read_by_hand() {
        assert_eq!(
            workspace_members(
                "[workspace]\nmembers = [\n    \"crates/a\", # note\n    \"tests\",\n]\n"
            ),
            names(&["crates/a", "tests"])
        );
        assert_eq!(
            package_name(
                "[package]\nname = \"limitless-x\"\nversion = \"1\"\n[dependencies]\nname = \"no\"\n"
            ),
            Some("limitless-x".to_owned())
        );
    }
}
