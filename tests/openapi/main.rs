//! OpenAPI conformance: for every operation of the newest published spec
//! copy (`../shared/reference/openapi/`, never copied into the repository)
//! that the client implements, the requests the client builds match the
//! operation (method, path template, path, query and header parameters,
//! security, request body schema), and the sandbox's real answers to them
//! validate against the operation's response schema for their status.
//!
//! Known differences are one table of deviations (`deviations.rs`), each a
//! narrow patch to the spec with its reason; a listed deviation that no
//! longer makes a difference fails the test, and so does a spec operation
//! that is neither implemented nor listed as not implemented
//! (`table.rs`).

mod check;
mod deviations;
mod machinery;
mod spec;
mod table;
mod world;

use std::collections::BTreeSet;
use std::path::Path;

use limitless_transport::{ReqwestTransport, Transport};
use serde_json::Value;

use crate::check::{Exchange, check};
use crate::deviations::{Deviation, deviations};
use crate::table::{Row, Support, rows};
use crate::world::World;

/// The spec copy in `dir`, or `None` (with one line saying so) when `dir`
/// does not exist: a plain clone without `../shared` still passes, and CI
/// requires `../shared`. A `dir` without the copy is an error: the spec
/// moved and this test must follow it.
fn load_spec(dir: &Path) -> Option<Value> {
    if !dir.is_dir() {
        println!(
            "openapi conformance skipped: {} is not there",
            dir.display()
        );
        return None;
    }
    let path = dir.join(spec::SPEC_FILE);
    let bytes = std::fs::read(&path).unwrap_or_else(|error| {
        panic!("the spec copy {} is not readable: {error}", path.display())
    });
    Some(serde_json::from_slice(&bytes).expect("the spec copy is JSON"))
}

/// The spec with `deviations` applied.
fn patched<'a>(spec: &Value, deviations: impl IntoIterator<Item = &'a Deviation>) -> Value {
    let mut document = spec.clone();
    for deviation in deviations {
        for patch in &deviation.patches {
            if let Err(error) = patch.apply(&mut document) {
                panic!("deviation {:?} no longer applies: {error}", deviation.what);
            }
        }
    }
    document
}

/// What is wrong with the tables themselves: the rows and the spec list
/// different operations, a row gives no reason, a deviation names an
/// operation the client does not implement (nothing could show it is
/// needed).
fn table_problems(spec: &Value, rows: &[Row], deviations: &[Deviation]) -> Vec<String> {
    let mut problems = Vec::new();
    let in_spec: BTreeSet<String> = spec::operations(spec).into_iter().collect();
    let mut in_table = BTreeSet::new();
    for row in rows {
        if !in_table.insert(row.operation.to_owned()) {
            problems.push(format!("{}: listed twice in the table", row.operation));
        }
        if !in_spec.contains(row.operation) {
            problems.push(format!(
                "{}: in the table but not in the spec (renamed or removed?)",
                row.operation
            ));
        }
        match &row.support {
            Support::NotImplemented(reason) if reason.trim().is_empty() => {
                problems.push(format!(
                    "{}: not implemented, without a reason",
                    row.operation
                ));
            }
            Support::Implemented(cases) if cases.is_empty() => {
                problems.push(format!("{}: implemented, without a case", row.operation));
            }
            _ => {}
        }
    }
    for operation in in_spec.difference(&in_table) {
        problems.push(format!(
            "{operation}: in the spec but neither implemented nor listed as not implemented in table.rs"
        ));
    }
    let implemented: BTreeSet<&str> = rows
        .iter()
        .filter(|row| matches!(row.support, Support::Implemented(_)))
        .map(|row| row.operation)
        .collect();
    for deviation in deviations {
        if deviation.source.trim().is_empty() {
            problems.push(format!("deviation {:?} names no source", deviation.what));
        }
        for operation in deviation.operations {
            if !implemented.contains(operation) {
                problems.push(format!(
                    "deviation {:?} names {operation}, which the client does not implement",
                    deviation.what
                ));
            }
        }
    }
    problems
}

/// What does not conform in `exchanges`: checked against the spec with
/// every deviation; then, for each deviation and each operation it names,
/// against the spec without that deviation, where some exchange of the
/// operation must fail (else the deviation is stale).
fn exchange_problems(
    spec: &Value,
    deviations: &[Deviation],
    exchanges: &[Exchange],
) -> Vec<String> {
    let conforming = patched(spec, deviations);
    let mut problems: Vec<String> = exchanges
        .iter()
        .flat_map(|exchange| check(&conforming, exchange))
        .collect();
    for (skip, deviation) in deviations.iter().enumerate() {
        let without = patched(
            spec,
            deviations
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, d)| d),
        );
        for operation in deviation.operations {
            let needed = exchanges
                .iter()
                .filter(|exchange| exchange.operation == *operation)
                .any(|exchange| !check(&without, exchange).is_empty());
            if !needed {
                problems.push(format!(
                    "deviation {:?} ({:?}) is stale for {operation}: it conforms without it",
                    deviation.what, deviation.reason
                ));
            }
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread")]
async fn the_client_and_the_sandbox_conform_to_the_published_spec() {
    let Some(spec) = load_spec(&spec::spec_dir()) else {
        return;
    };
    let rows = rows();
    let deviations = deviations();
    let mut problems = table_problems(&spec, &rows, &deviations);

    // Every case's request, sent to the sandbox, and its answer.
    let world = World::new().await;
    let transport = ReqwestTransport::new().expect("reqwest transport");
    let mut exchanges = Vec::new();
    for row in &rows {
        let Support::Implemented(cases) = &row.support else {
            continue;
        };
        for case in cases {
            let request = match (case.build)(&world).await {
                Ok(request) => request,
                Err(error) => {
                    problems.push(format!(
                        "{} ({}): not built: {error}",
                        row.operation, case.name
                    ));
                    continue;
                }
            };
            let response = transport
                .send(request.clone())
                .await
                .unwrap_or_else(|error| {
                    panic!("{}: the sandbox is unreachable: {error}", case.name)
                });
            exchanges.push(Exchange {
                operation: row.operation,
                case: case.name,
                request,
                response,
            });
        }
    }
    world.sandbox.shutdown().await;
    problems.extend(exchange_problems(&spec, &deviations, &exchanges));

    assert!(
        problems.is_empty(),
        "{} conformance problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let implemented = rows
        .iter()
        .filter(|row| matches!(row.support, Support::Implemented(_)))
        .count();
    println!(
        "{} spec operations: {implemented} implemented ({} exchanges conform), {} not implemented; {} deviations",
        rows.len(),
        exchanges.len(),
        rows.len() - implemented,
        deviations.len()
    );
}
