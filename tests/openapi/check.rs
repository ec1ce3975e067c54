//! One request and its answer against one spec operation.

use limitless_client::Bytes;
use limitless_client::http::{Request, Response};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::spec::{converted_components, is_placeholder, operation_pointer, resolve, validate};

/// A request a case built and the sandbox's answer to it.
pub(crate) struct Exchange {
    /// The spec operation (`METHOD /path`) the case is for.
    pub(crate) operation: &'static str,
    pub(crate) case: &'static str,
    pub(crate) request: Request<Bytes>,
    pub(crate) response: Response<Bytes>,
}

/// Everything about `exchange` that does not conform to `spec`.
pub(crate) fn check(spec: &Value, exchange: &Exchange) -> Vec<String> {
    let label = format!("{} ({})", exchange.operation, exchange.case);
    let Some(operation) = spec.pointer(&operation_pointer(exchange.operation)) else {
        return vec![format!("{label}: not in the spec")];
    };
    let (method, template) = exchange
        .operation
        .split_once(' ')
        .expect("operation keys are `METHOD /path`");
    let components = converted_components(spec);
    let request = &exchange.request;
    let mut problems = Vec::new();

    // Method and path: the request is this operation.
    if request.method().as_str() != method {
        problems.push(format!("sent with {}", request.method()));
    }
    let path = request.uri().path();
    match resolve(spec, request.method().as_str(), path) {
        Some(resolved) if resolved == exchange.operation => {}
        other => problems.push(format!("{path} is the spec's {other:?}")),
    }

    // Parameters: those of the path item, then the operation's own.
    let item_pointer = operation_pointer(exchange.operation);
    let item_pointer = item_pointer.rsplit_once('/').map_or("", |(item, _)| item);
    let parameters: Vec<&Value> = [spec.pointer(item_pointer), Some(operation)]
        .into_iter()
        .flatten()
        .filter_map(|holder| holder.get("parameters")?.as_array())
        .flatten()
        .collect();
    let declared = |place: &str| {
        parameters
            .iter()
            .filter(move |p| p["in"] == place)
            .copied()
            .collect::<Vec<_>>()
    };

    // Path parameters: exactly the placeholders of the template.
    let placeholders: Vec<&str> = template
        .split('/')
        .filter(|segment| is_placeholder(segment))
        .map(|segment| &segment[1..segment.len() - 1])
        .collect();
    let path_parameters = declared("path");
    for name in &placeholders {
        if !path_parameters.iter().any(|p| p["name"] == *name) {
            problems.push(format!("the path parameter {name} is not declared"));
        }
    }
    for parameter in &path_parameters {
        let name = parameter["name"].as_str().unwrap_or_default();
        if !placeholders.contains(&name) {
            problems.push(format!(
                "declares the path parameter {name}, which its path {template} does not have"
            ));
        }
    }

    // Path parameter values, decoded, against their schemas.
    for (part, segment) in template.split('/').zip(path.split('/')) {
        let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) else {
            continue;
        };
        if let Some(parameter) = path_parameters.iter().find(|p| p["name"] == name) {
            let value = percent_decode_str(segment).decode_utf8_lossy();
            for problem in validate(&components, &parameter["schema"], &typed(parameter, &value)) {
                problems.push(format!("path parameter {name}={value:?}: {problem}"));
            }
        }
    }

    // Query parameters: each sent one declared, with a valid value; each
    // required one sent.
    let sent: Vec<(String, String)> = request
        .uri()
        .query()
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let query_parameters = declared("query");
    for (name, value) in &sent {
        match query_parameters.iter().find(|p| p["name"] == name.as_str()) {
            None => problems.push(format!("sends the undeclared query parameter {name}")),
            Some(parameter) => {
                for problem in validate(&components, &parameter["schema"], &typed(parameter, value))
                {
                    problems.push(format!("query parameter {name}={value:?}: {problem}"));
                }
            }
        }
    }
    for parameter in &query_parameters {
        let name = parameter["name"].as_str().unwrap_or_default();
        if parameter["required"] == true && !sent.iter().any(|(sent, _)| sent == name) {
            problems.push(format!("does not send the required query parameter {name}"));
        }
    }

    // Header parameters: each required one sent, each sent one valid.
    for parameter in declared("header") {
        let name = parameter["name"].as_str().unwrap_or_default();
        match request.headers().get(name).and_then(|v| v.to_str().ok()) {
            None if parameter["required"] == true => {
                problems.push(format!("does not send the required header {name}"));
            }
            None => {}
            Some(value) => {
                let value = Value::String(value.to_owned());
                for problem in validate(&components, &parameter["schema"], &value) {
                    problems.push(format!("header {name}: {problem}"));
                }
            }
        }
    }

    // Security: one of the declared requirements is met.
    problems.extend(security(spec, operation, request));

    problems.extend(request_body(&components, operation, request.body()));
    problems.extend(answer(&components, operation, &exchange.response));

    problems
        .into_iter()
        .map(|problem| format!("{label}: {problem}"))
        .collect()
}

/// The problems of the request body: present exactly when the operation
/// declares one (or may), JSON, valid against its schema.
fn request_body(components: &Value, operation: &Value, body: &Bytes) -> Vec<String> {
    let schema = operation.pointer("/requestBody/content/application~1json/schema");
    match (operation.get("requestBody"), body.is_empty()) {
        (None, false) => vec!["sends a body the operation does not declare".to_owned()],
        (Some(declared), true) if declared["required"] == true => {
            vec!["sends no body; the operation requires one".to_owned()]
        }
        (Some(_), false) => match (serde_json::from_slice::<Value>(body), schema) {
            (Err(error), _) => vec![format!("the body is not JSON: {error}")],
            (Ok(_), None) => vec!["the request body has no JSON schema".to_owned()],
            (Ok(body), Some(schema)) => validate(components, schema, &body)
                .into_iter()
                .map(|problem| format!("request body {problem}"))
                .collect(),
        },
        _ => Vec::new(),
    }
}

/// The problems of the answer: a success (each case is meant to succeed)
/// with a status the operation declares, valid against that status's
/// schema when it has one.
fn answer(components: &Value, operation: &Value, response: &Response<Bytes>) -> Vec<String> {
    let status = response.status();
    if !status.is_success() {
        let text = String::from_utf8_lossy(response.body());
        return vec![format!("the sandbox answered {status}: {text}")];
    }
    let responses = &operation["responses"];
    let Some(declared) = responses
        .get(status.as_str())
        .or_else(|| responses.get(format!("{}XX", status.as_u16() / 100)))
        .or_else(|| responses.get("default"))
    else {
        let codes = responses
            .as_object()
            .map(|codes| codes.keys().cloned().collect::<Vec<_>>().join(", "))
            .unwrap_or_default();
        return vec![format!(
            "answered {}, which the operation does not declare (it declares {codes})",
            status.as_u16()
        )];
    };
    let Some(schema) = declared.pointer("/content/application~1json/schema") else {
        return Vec::new();
    };
    match serde_json::from_slice::<Value>(response.body()) {
        Err(error) => vec![format!("the answer is not JSON: {error}")],
        Ok(body) => validate(components, schema, &body)
            .into_iter()
            .map(|problem| format!("answer {} {problem}", status.as_u16()))
            .collect(),
    }
}

/// The problem, if none of the operation's security requirements (or the
/// document's, when it has none) is met by the request's headers.
fn security(spec: &Value, operation: &Value, request: &Request<Bytes>) -> Option<String> {
    let requirements = operation
        .get("security")
        .or_else(|| spec.get("security"))?
        .as_array()?;
    if requirements.is_empty() {
        return None;
    }
    let schemes = &spec["components"]["securitySchemes"];
    let met = |requirement: &Value| {
        requirement.as_object().is_some_and(|names| {
            names.keys().all(|name| {
                let scheme = &schemes[name];
                match (scheme["type"].as_str(), scheme["in"].as_str()) {
                    (Some("apiKey"), Some("header")) => scheme["name"]
                        .as_str()
                        .is_some_and(|header| request.headers().contains_key(header)),
                    _ => false,
                }
            })
        })
    };
    if requirements.iter().any(met) {
        return None;
    }
    let sent: Vec<&str> = request.headers().keys().map(|name| name.as_str()).collect();
    Some(format!(
        "meets none of the security requirements {requirements} (headers sent: {sent:?})",
        requirements = Value::Array(requirements.clone())
    ))
}

/// A path or query value as the JSON its parameter's schema types it
/// (`limit=5` is the number 5), else a string.
fn typed(parameter: &Value, value: &str) -> Value {
    match parameter["schema"]["type"].as_str() {
        Some("number" | "integer" | "boolean") => {
            serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()))
        }
        _ => Value::String(value.to_owned()),
    }
}
