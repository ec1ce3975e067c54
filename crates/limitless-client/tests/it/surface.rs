//! The public surface a newcomer navigates, checked by two rules:
//!
//! > Every type named in a public signature of `limitless-client` (a `pub`
//! > function's arguments and result, a `pub` field) can be named from the
//! > crate root, `limitless_client::X`, from the `ops` module of
//! > operations, or from `limitless_client::types` (the wire types).
//! > Standard library types and the `http` crate (re-exported as
//! > `limitless_client::http`) are exempt.
//!
//! > The root is a door, not a warehouse: it holds the client, its
//! > services, errors and the inputs a caller writes. Of the wire types it
//! > re-exports only inputs (request bodies, query parameters, the enums
//! > and scopes they are made of); answers stay under `types`.
//!
//! The tests read the crate's own source with `syn`: a new public method
//! whose signature names a type nothing re-exports, or an answer added to
//! the root, fails here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// Names that need no re-export: the prelude, std and `http` types.
const EXEMPT: &[&str] = &[
    "Self",
    "Option",
    "Result",
    "Vec",
    "String",
    "Box",
    "Arc",
    "str",
    "bool",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "i64",
    "usize",
    "f64",
    "Duration",
    "SystemTime",
    "Method",
    "HeaderName",
    "HeaderValue",
    "HeaderMap",
    "StatusCode",
    "Request",
    "Response",
    "Into",
    "FnOnce",
    "Fn",
    "Send",
    "Sync",
    "Iterator",
    "IntoIterator",
    "AsRef",
    "Serialize",
    "DeserializeOwned",
    "Value",
    "Formatter",
    "Context",
    "Poll",
    "Pin",
];

fn source_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The names `lib.rs` makes public at the root: `pub use` items (last
/// segment or alias), `pub mod`s.
fn root_names(lib: &syn::File) -> BTreeSet<String> {
    fn walk(tree: &syn::UseTree, names: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(path) => walk(&path.tree, names),
            syn::UseTree::Name(name) => {
                names.insert(name.ident.to_string());
            }
            syn::UseTree::Rename(rename) => {
                names.insert(rename.rename.to_string());
            }
            syn::UseTree::Group(group) => group.items.iter().for_each(|t| walk(t, names)),
            syn::UseTree::Glob(_) => panic!("no glob re-exports: lib.rs lists every name"),
        }
    }
    let mut names = BTreeSet::new();
    for item in &lib.items {
        match item {
            syn::Item::Use(item) if matches!(item.vis, syn::Visibility::Public(_)) => {
                walk(&item.tree, &mut names);
            }
            syn::Item::Mod(item) if matches!(item.vis, syn::Visibility::Public(_)) => {
                names.insert(item.ident.to_string());
            }
            _ => {}
        }
    }
    names
}

/// The public type names declared in the `ops` module's files.
fn ops_names(files: &[(PathBuf, syn::File)]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (path, file) in files {
        if !path.components().any(|c| c.as_os_str() == "ops") {
            continue;
        }
        for item in &file.items {
            let (vis, ident) = match item {
                syn::Item::Struct(item) => (&item.vis, &item.ident),
                syn::Item::Enum(item) => (&item.vis, &item.ident),
                syn::Item::Type(item) => (&item.vis, &item.ident),
                _ => continue,
            };
            if matches!(vis, syn::Visibility::Public(_)) {
                names.insert(ident.to_string());
            }
        }
    }
    names
}

/// The public type names declared anywhere in the wire types crate,
/// nameable as `limitless_client::types::…`. Read as text, not with
/// `syn`: some of its enums are declared inside a macro.
fn types_names() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../limitless-types/src");
    let mut paths = Vec::new();
    source_files(&src, &mut paths);
    let mut names = BTreeSet::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            let line = line.trim_start();
            for keyword in ["pub struct ", "pub enum ", "pub type "] {
                if let Some(rest) = line.strip_prefix(keyword) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    names.insert(name);
                }
            }
        }
    }
    names
}

/// Type names in public signatures and fields, with where they were seen.
#[derive(Default)]
struct Named {
    generics: Vec<BTreeSet<String>>,
    seen: BTreeSet<(String, String)>,
    context: String,
    public_impl: bool,
}

impl Named {
    fn record_type(&mut self, ty: &syn::Type) {
        struct Types<'a>(&'a mut Named);
        impl<'ast> Visit<'ast> for Types<'_> {
            fn visit_path(&mut self, path: &'ast syn::Path) {
                if let Some(last) = path.segments.last() {
                    let name = last.ident.to_string();
                    let generic = self.0.generics.iter().any(|g| g.contains(&name));
                    // `types::X`, `http::X`, `transport::X` are nameable by their path.
                    let qualified = path.segments.len() > 1;
                    if !generic && !qualified {
                        self.0.seen.insert((name, self.0.context.clone()));
                    }
                }
                syn::visit::visit_path(self, path);
            }
        }
        Types(self).visit_type(ty);
    }

    fn record_signature(&mut self, sig: &syn::Signature) {
        self.generics.push(
            sig.generics
                .type_params()
                .map(|p| p.ident.to_string())
                .collect(),
        );
        self.context = sig.ident.to_string();
        for input in &sig.inputs {
            if let syn::FnArg::Typed(arg) = input {
                self.record_type(&arg.ty);
            }
        }
        if let syn::ReturnType::Type(_, ty) = &sig.output {
            self.record_type(ty);
        }
        self.generics.pop();
    }
}

impl<'ast> Visit<'ast> for Named {
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if matches!(item.vis, syn::Visibility::Public(_)) {
            self.record_signature(&item.sig);
        }
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        // Trait impls are public when the type is; inherent `pub fn`s always.
        let was = self.public_impl;
        self.public_impl = item.trait_.is_none();
        self.generics.push(
            item.generics
                .type_params()
                .map(|p| p.ident.to_string())
                .collect(),
        );
        syn::visit::visit_item_impl(self, item);
        self.generics.pop();
        self.public_impl = was;
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if self.public_impl && matches!(item.vis, syn::Visibility::Public(_)) {
            self.record_signature(&item.sig);
        }
    }

    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        if !matches!(item.vis, syn::Visibility::Public(_)) {
            return;
        }
        self.generics.push(
            item.generics
                .type_params()
                .map(|p| p.ident.to_string())
                .collect(),
        );
        for field in &item.fields {
            if matches!(field.vis, syn::Visibility::Public(_)) {
                self.context = format!(
                    "{}.{}",
                    item.ident,
                    field
                        .ident
                        .as_ref()
                        .map_or(String::new(), ToString::to_string)
                );
                self.record_type(&field.ty);
            }
        }
        self.generics.pop();
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        // Unit tests are not part of the surface.
        if item.ident != "tests" {
            syn::visit::visit_item_mod(self, item);
        }
    }
}

#[test]
fn every_type_in_a_public_signature_is_nameable_from_the_root_ops_or_types() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    source_files(&src, &mut paths);
    let files: Vec<(PathBuf, syn::File)> = paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let file = syn::parse_file(&text).unwrap();
            (path, file)
        })
        .collect();
    let lib = &files
        .iter()
        .find(|(path, _)| path.ends_with("lib.rs"))
        .expect("lib.rs")
        .1;
    let mut nameable = root_names(lib);
    nameable.extend(ops_names(&files));
    nameable.extend(types_names());
    nameable.extend(EXEMPT.iter().map(|name| (*name).to_owned()));

    let mut named = Named::default();
    for (path, file) in &files {
        let before = named.seen.len();
        named.visit_file(file);
        assert!(before <= named.seen.len(), "{} was read", path.display());
    }
    let missing: Vec<_> = named
        .seen
        .iter()
        .filter(|(name, _)| !nameable.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "types named in public signatures but not nameable from the root, ops or types \
         (re-export them in lib.rs): {missing:?}"
    );
    // The rule is checked against something: the surface is not empty.
    assert!(named.seen.len() > 50, "{}", named.seen.len());
}

/// The wire types a caller writes, the only ones the root re-exports:
/// request bodies and query parameters, the enums and scopes they are made
/// of, exact amounts, the API's limits.
const ROOT_INPUTS: &[&str] = &[
    "AddWithdrawalAddressInput",
    "AmmAllowanceRequest",
    "AmmSide",
    "ActiveMarketsParams",
    "MarketSearchParams",
    "PriceHistoryParams",
    "PriceInterval",
    "BatchCancelRequest",
    "CancelReplaceMode",
    "CancelTarget",
    "CreatePartnerAccountInput",
    "DeriveApiTokenInput",
    "EoaOwnershipProof",
    "ListPartnerAccountsParams",
    "MaintenanceTarget",
    "MarketSort",
    "MicroShares",
    "OrderType",
    "PageMarketsParams",
    "RedeemParams",
    "SCOPE_ACCOUNT_CREATION",
    "SCOPE_ADMIN",
    "SCOPE_DELEGATED_SIGNING",
    "SCOPE_TRADING",
    "SCOPE_WITHDRAWAL",
    "Scope",
    "Side",
    "StpPolicy",
    "ToDecimal",
    "TradingAllowanceType",
    "WithdrawParams",
    "limits",
    "pack_min_payout",
    // The whole crate, under its own name.
    "types",
];

/// The root names `lib.rs` re-exports from `crate_name`.
fn root_names_from(lib: &syn::File, crate_name: &str) -> BTreeSet<String> {
    fn walk(tree: &syn::UseTree, from: bool, crate_name: &str, names: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(path) => {
                let from = from || path.ident == crate_name;
                walk(&path.tree, from, crate_name, names);
            }
            syn::UseTree::Name(name) if from || name.ident == crate_name => {
                names.insert(name.ident.to_string());
            }
            syn::UseTree::Rename(rename) if from || rename.ident == crate_name => {
                names.insert(rename.rename.to_string());
            }
            syn::UseTree::Group(group) => group
                .items
                .iter()
                .for_each(|tree| walk(tree, from, crate_name, names)),
            _ => {}
        }
    }
    let mut names = BTreeSet::new();
    for item in &lib.items {
        if let syn::Item::Use(item) = item
            && matches!(item.vis, syn::Visibility::Public(_))
        {
            walk(&item.tree, false, crate_name, &mut names);
        }
    }
    names
}

#[test]
fn the_root_holds_the_client_services_errors_and_inputs_not_answers() {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let lib = syn::parse_file(&std::fs::read_to_string(lib).unwrap()).unwrap();
    let wire = root_names_from(&lib, "limitless_types");
    // The rule is checked against something: the inputs are there.
    assert!(
        wire.contains("Side") && wire.contains("DeriveApiTokenInput"),
        "{wire:?}"
    );
    let not_inputs: Vec<_> = wire
        .iter()
        .filter(|name| !ROOT_INPUTS.contains(&name.as_str()))
        .collect();
    assert!(
        not_inputs.is_empty(),
        "wire types at the root that a caller does not write: {not_inputs:?}; \
         leave answers under `types` (or, for a new input, add it to ROOT_INPUTS)"
    );
    // Nor by another path: a root name that is a wire type is an input.
    let wire_types = types_names();
    assert!(wire_types.contains("OrderResponse"), "{wire_types:?}");
    let answers: Vec<_> = root_names(&lib)
        .into_iter()
        .filter(|name| wire_types.contains(name) && !ROOT_INPUTS.contains(&name.as_str()))
        .collect();
    assert!(answers.is_empty(), "wire answers at the root: {answers:?}");
}
