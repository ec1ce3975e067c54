//! The conformance machinery on a small spec of its own, with no sandbox:
//! each kind of difference is caught, and the tables' own mistakes (an
//! unlisted operation, a stale deviation) fail.

use limitless_client::Bytes;
use limitless_client::http::{Request, Response};
use serde_json::{Value, json};

use crate::check::{Exchange, check};
use crate::deviations::{Deviation, Reason};
use crate::spec::{Patch, resolve, to_json_schema, validate};
use crate::table::{Row, Support};
use crate::{exchange_problems, load_spec, table_problems};

fn spec() -> Value {
    json!({
        "openapi": "3.0.0",
        "paths": {
            "/things/{id}": { "get": {
                "parameters": [
                    { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "maxLength": 8 } },
                    { "name": "limit", "in": "query", "required": false, "schema": { "type": "number" } }
                ],
                "responses": { "200": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Thing" } } } } }
            } },
            "/things/special": { "get": { "responses": { "200": { "description": "no schema" } } } },
            "/things": { "post": {
                "security": [{ "Key": [] }],
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/NewThing" } } } },
                "responses": { "201": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Thing" } } } } }
            } }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "required": ["id", "note"],
                    "properties": {
                        "id": { "type": "string", "example": 7 },
                        "note": { "type": "string", "nullable": true },
                        "example": { "type": "integer" }
                    }
                },
                "NewThing": {
                    "type": "object",
                    "required": ["name"],
                    "properties": { "name": { "type": "string", "maxLength": 5 } }
                }
            },
            "securitySchemes": { "Key": { "type": "apiKey", "in": "header", "name": "x-key" } }
        }
    })
}

fn exchange(
    operation: &'static str,
    request: Request<Bytes>,
    status: u16,
    answer: &str,
) -> Exchange {
    Exchange {
        operation,
        case: "test",
        request,
        response: Response::builder()
            .status(status)
            .body(Bytes::from(answer.to_owned()))
            .unwrap(),
    }
}

fn get(uri: &str) -> Request<Bytes> {
    Request::get(format!("http://sandbox{uri}"))
        .body(Bytes::new())
        .unwrap()
}

fn post(body: &str, key: bool) -> Request<Bytes> {
    let mut request = Request::post("http://sandbox/things");
    if key {
        request = request.header("x-key", "k");
    }
    request.body(Bytes::from(body.to_owned())).unwrap()
}

const THING: &str = r#"{"id":"a","note":null}"#;

/// The single problem of `exchange`, which must contain `expected`.
fn one_problem(exchange: &Exchange, expected: &str) {
    let problems = check(&spec(), exchange);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].contains(expected), "{problems:#?}");
}

#[test]
fn a_path_resolves_to_its_most_literal_template() {
    let spec = spec();
    assert_eq!(
        resolve(&spec, "GET", "/things/special").as_deref(),
        Some("GET /things/special")
    );
    assert_eq!(
        resolve(&spec, "GET", "/things/abc").as_deref(),
        Some("GET /things/{id}")
    );
    assert_eq!(resolve(&spec, "GET", "/things/"), None);
    assert_eq!(resolve(&spec, "DELETE", "/things/abc"), None);
}

#[test]
fn nullable_admits_null_and_examples_constrain_nothing() {
    assert_eq!(
        to_json_schema(&json!({ "type": "string", "nullable": true, "example": "x" })),
        json!({ "type": ["string", "null"] })
    );
    assert_eq!(
        to_json_schema(&json!({ "type": "string", "enum": ["a"], "nullable": true })),
        json!({ "type": ["string", "null"], "enum": ["a", null] })
    );
    // Draft 4 ignores a $ref's siblings: the null goes around it.
    assert_eq!(
        to_json_schema(&json!({ "$ref": "#/components/schemas/Thing", "nullable": true })),
        json!({ "anyOf": [{ "$ref": "#/components/schemas/Thing" }, { "type": "null" }] })
    );
    // A property named `example` is a property, not a keyword.
    let thing = to_json_schema(&spec()["components"]["schemas"]["Thing"]);
    assert_eq!(thing["properties"]["example"], json!({ "type": "integer" }));
    assert_eq!(thing["properties"]["id"], json!({ "type": "string" }));

    let components = crate::spec::converted_components(&spec());
    let thing = json!({ "$ref": "#/components/schemas/Thing" });
    assert!(validate(&components, &thing, &json!({ "id": "a", "note": null })).is_empty());
    let problems = validate(&components, &thing, &json!({ "id": 7, "note": null }));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("/id"), "{problems:?}");
    let dangling = json!({ "$ref": "#/components/schemas/Missing" });
    assert!(validate(&components, &dangling, &json!({}))[0].contains("does not compile"));
}

#[test]
fn a_conforming_exchange_has_no_problem() {
    let spec = spec();
    let read = exchange("GET /things/{id}", get("/things/a%20b?limit=5"), 200, THING);
    assert_eq!(check(&spec, &read), Vec::<String>::new());
    let create = exchange("POST /things", post(r#"{"name":"ab"}"#, true), 201, THING);
    assert_eq!(check(&spec, &create), Vec::<String>::new());
    // A declared answer without a schema has nothing to validate.
    let bare = exchange(
        "GET /things/special",
        get("/things/special"),
        200,
        "not json",
    );
    assert_eq!(check(&spec, &bare), Vec::<String>::new());
}

#[test]
fn each_difference_from_the_spec_is_caught() {
    let read = "GET /things/{id}";
    one_problem(
        &exchange(read, get("/things/a?page=2"), 200, THING),
        "sends the undeclared query parameter page",
    );
    one_problem(
        &exchange(read, get("/things/abcdefghi"), 200, THING),
        "path parameter id=\"abcdefghi\"",
    );
    one_problem(
        &exchange(read, get("/things/a?limit=ten"), 200, THING),
        "query parameter limit=\"ten\"",
    );
    one_problem(
        &exchange(read, get("/things/a"), 200, r#"{"id":"a"}"#),
        "\"note\" is a required property",
    );
    one_problem(
        &exchange(read, get("/things/special"), 200, THING),
        "/things/special is the spec's Some(\"GET /things/special\")",
    );
    one_problem(
        &exchange(read, get("/things/a"), 404, r#"{"message":"no"}"#),
        "the sandbox answered 404 Not Found",
    );
    let create = "POST /things";
    one_problem(
        &exchange(create, post(r#"{"name":"ab"}"#, false), 201, THING),
        "meets none of the security requirements",
    );
    one_problem(
        &exchange(create, post(r#"{"name":"abcdef"}"#, true), 201, THING),
        "request body at `/name`",
    );
    one_problem(
        &exchange(create, post("", true), 201, THING),
        "sends no body; the operation requires one",
    );
    one_problem(
        &exchange(create, post(r#"{"name":"ab"}"#, true), 200, THING),
        "answered 200, which the operation does not declare (it declares 201)",
    );
    one_problem(
        &exchange(
            "GET /things/special",
            Request::get("http://sandbox/things/special")
                .body(Bytes::from_static(b"{}"))
                .unwrap(),
            200,
            "",
        ),
        "sends a body the operation does not declare",
    );
}

fn deviation(patches: Vec<Patch>) -> Deviation {
    Deviation {
        operations: &["GET /things/{id}"],
        what: "test",
        reason: Reason::SpecDefect,
        source: "this test",
        patches,
    }
}

#[test]
fn a_needed_deviation_passes_and_a_stale_one_fails() {
    let spec = spec();
    let nullable_id = || {
        Patch::Set(
            "/components/schemas/Thing/properties/id/nullable".to_owned(),
            json!(true),
        )
    };
    let null_id = exchange(
        "GET /things/{id}",
        get("/things/a"),
        200,
        r#"{"id":null,"note":null}"#,
    );
    let conforming = exchange("GET /things/{id}", get("/things/a"), 200, THING);

    let needed = [deviation(vec![nullable_id()])];
    assert_eq!(
        exchange_problems(&spec, &needed, &[null_id]),
        Vec::<String>::new()
    );
    let problems = exchange_problems(&spec, &needed, &[conforming]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("is stale for GET /things/{id}"),
        "{problems:?}"
    );
}

#[test]
fn an_operation_missing_from_the_table_fails() {
    let spec = spec();
    let rows = vec![
        Row {
            operation: "GET /things/{id}",
            support: Support::NotImplemented("not needed"),
        },
        Row {
            operation: "GET /things/gone",
            support: Support::NotImplemented(" "),
        },
    ];
    let problems = table_problems(&spec, &rows, &[deviation(Vec::new())]);
    let expected = [
        "GET /things/gone: in the table but not in the spec",
        "GET /things/gone: not implemented, without a reason",
        "GET /things/special: in the spec but neither implemented nor listed",
        "POST /things: in the spec but neither implemented nor listed",
        "names GET /things/{id}, which the client does not implement",
    ];
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    for (problem, expected) in problems.iter().zip(expected) {
        assert!(problem.contains(expected), "{problem} / {expected}");
    }
}

#[test]
fn patches_set_append_remove_and_copy_or_say_what_is_missing() {
    let mut document = json!({ "a": { "list": [1, 2] }, "b~/c": 1 });
    Patch::Set("/a/list/-".to_owned(), json!(3))
        .apply(&mut document)
        .unwrap();
    Patch::Set("/a/list/0".to_owned(), json!(0))
        .apply(&mut document)
        .unwrap();
    Patch::Set("/a/new".to_owned(), json!("n"))
        .apply(&mut document)
        .unwrap();
    Patch::Remove("/a/list/1".to_owned())
        .apply(&mut document)
        .unwrap();
    Patch::Remove("/b~0~1c".to_owned())
        .apply(&mut document)
        .unwrap();
    Patch::Copy {
        from: "/a/new".to_owned(),
        to: "/copied".to_owned(),
    }
    .apply(&mut document)
    .unwrap();
    assert_eq!(
        document,
        json!({ "a": { "list": [0, 3], "new": "n" }, "copied": "n" })
    );
    let missing = [
        Patch::Set("/nowhere/x".to_owned(), json!(1)),
        Patch::Set("/a/list/9".to_owned(), json!(1)),
        Patch::Remove("/a/absent".to_owned()),
        Patch::Remove("/a/list/9".to_owned()),
        Patch::Copy {
            from: "/absent".to_owned(),
            to: "/x".to_owned(),
        },
    ];
    for patch in missing {
        let error = patch.apply(&mut document).unwrap_err();
        assert!(error.contains("is not in the spec"), "{patch:?}: {error}");
    }
}

#[test]
fn without_shared_the_test_is_skipped() {
    let nowhere = std::env::temp_dir().join("limitless-openapi-no-such-folder");
    assert_eq!(load_spec(&nowhere), None);
}
