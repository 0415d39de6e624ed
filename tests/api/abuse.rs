//! Hostile requests, browser protections and cross-origin rules.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{Backend, assert_problem, spawn_app_configured, spawn_app_with_dataset};

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    for path in [
        "/v1/models",
        "/v1/models/nope",
        "/docs/",
        "/v1/claims/article-c10/card",
        "/health/live",
        "/openapi.json",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("default-src"), "{path}: {policy}");
        assert!(
            !policy.contains("http"),
            "{path} allows no other host: {policy}"
        );
    }
    let docs = app.get("/docs/").await;
    assert!(
        docs.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
}

async fn reads_are_open_to_every_origin_and_writes_only_to_configured_ones(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let read = app
        .get_with("/v1/models", "origin", "https://anyone.example")
        .await;
    assert_eq!(
        read.headers()["access-control-allow-origin"],
        "https://anyone.example"
    );
    assert!(
        read.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .to_lowercase()
            .contains("etag")
    );

    let preflight = |origin: &'static str, method: &'static str| {
        app.client
            .request(
                Method::OPTIONS,
                format!("{}/v1/companies/deepseek", app.address),
            )
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header(
                "access-control-request-headers",
                "authorization, if-match, content-type",
            )
            .send()
    };
    let allowed = preflight("https://desk.example.org", "PATCH")
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://desk.example.org"
    );
    let refused = preflight("https://anyone.example", "PATCH").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert!(refused.status().is_client_error());
    let get = preflight("https://anyone.example", "GET").await.unwrap();
    assert_eq!(
        get.headers()["access-control-allow-origin"],
        "https://anyone.example"
    );
}

/// `(method, path, content type, body, extra header, statuses allowed)`
type Case = (
    &'static str,
    String,
    Option<&'static str>,
    Vec<u8>,
    Option<(&'static str, String)>,
    &'static [u16],
);

async fn hostile_requests_get_a_clear_answer_and_change_nothing(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let revisions = app.revision_count().await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let big = vec![b'a'; 10 * 1024 * 1024];
    let json = Some("application/json");
    let etag = app.etag("/v1/models/deepseek-r1").await;
    let cases: Vec<Case> = vec![
        // Malformed and hostile bodies.
        ("POST", "/v1/models".into(), json, b"{\"slug\": \"x\"".to_vec(), None, &[400]),
        ("POST", "/v1/models".into(), json, b"{\"slug\": }".to_vec(), None, &[400]),
        ("POST", "/v1/models".into(), json, b"null".to_vec(), None, &[422]),
        ("POST", "/v1/models".into(), json, b"\"string\"".to_vec(), None, &[422]),
        ("POST", "/v1/models".into(), json, b"{\"slug\": 12}".to_vec(), None, &[422]),
        ("POST", "/v1/models".into(), json, b"{\"parameters_total\": 1e999}".to_vec(), None, &[400]),
        ("POST", "/v1/models".into(), json, b"{\"parameters_total\": 99999999999999999999999}".to_vec(), None, &[422]),
        ("POST", "/v1/models".into(), json, b"{\"value\": NaN}".to_vec(), None, &[400]),
        ("POST", "/v1/statistics".into(), json, b"{\"value\": Infinity}".to_vec(), None, &[400]),
        ("POST", "/v1/models".into(), json, deep.clone().into_bytes(), None, &[400, 413]),
        ("POST", "/v1/models".into(), json, big.clone(), None, &[413]),
        ("POST", "/v1/models".into(), json, vec![0xff, 0xfe, 0x7b, 0x7d], None, &[400]),
        ("POST", "/v1/models".into(), json, b"{\"slug\": \"\\ud800\"}".to_vec(), None, &[400, 422]),
        ("POST", "/v1/models".into(), json, b"{\"__proto__\": {\"admin\": true}}".to_vec(), None, &[422]),
        ("POST", "/v1/models".into(), json, b"{\"slug\": \"a\", \"slug\": \"b\"}".to_vec(), None, &[400, 422]),
        ("POST", "/v1/models".into(), Some("text/plain"), b"{}".to_vec(), None, &[415]),
        ("POST", "/v1/models".into(), Some("application/x-www-form-urlencoded"), b"slug=x".to_vec(), None, &[415]),
        ("POST", "/v1/models".into(), Some("application/json; charset=utf-16"), b"{}".to_vec(), None, &[400, 415, 422]),
        ("POST", "/v1/models".into(), None, b"{}".to_vec(), None, &[415]),
        ("PATCH", "/v1/models/deepseek-r1".into(), json, b"{\"slug\": \"r1\\u202e\"}".to_vec(), Some(("if-match", etag.clone())), &[422]),
        ("PATCH", "/v1/models/deepseek-r1".into(), json, b"{\"slug\": \"r\\u200b1\"}".to_vec(), Some(("if-match", etag.clone())), &[422]),
        ("PATCH", "/v1/models/deepseek-r1".into(), json, b"{\"name\": \"\\u0000\"}".to_vec(), Some(("if-match", etag.clone())), &[422]),
        ("PATCH", "/v1/models/deepseek-r1".into(), json, b"{\"unknown\": 1}".to_vec(), Some(("if-match", etag.clone())), &[422]),
        ("PATCH", "/v1/models/deepseek-r1".into(), json, b"{}".to_vec(), Some(("if-match", "garbage".into())), &[412]),
        ("PATCH", "/v1/models/deepseek-r1".into(), json, b"{}".to_vec(), Some(("if-match", "\"\\\"\"".into())), &[412]),
        ("PATCH", "/v1/models/deepseek-r1".into(), json, b"{}".to_vec(), Some(("if-match", "x".repeat(8000))), &[412]),
        ("DELETE", "/v1/models/deepseek-r1".into(), None, vec![], Some(("if-match", "W/\"1-x\"".into())), &[412, 409]),
        ("POST", "/v1/companies".into(), json, b"{}".to_vec(), Some(("idempotency-key", "\u{7f}".into())), &[400, 422]),
        ("POST", "/v1/statistics".into(), json, br#"{"period_start": "4192-02-25", "method": "measured", "subject_type": "company", "subject": "M\nK", "metric": "x\u0000", "unit": "u", "source": "s"}"#.to_vec(), None, &[422]),
        ("POST", "/v1/claims".into(), json, br#"{"claimant": {"company": "openai\u0000"}, "source": "s\u0000"}"#.to_vec(), None, &[422]),
        // Paths.
        ("GET", "/v1/models/..%2F..%2Fetc%2Fpasswd".into(), None, vec![], None, &[404]),
        ("GET", "/v1/../../etc/passwd".into(), None, vec![], None, &[404]),
        ("GET", "/v1/models/%2e%2e".into(), None, vec![], None, &[404]),
        ("GET", "/v1/models/%00".into(), None, vec![], None, &[400]),
        ("GET", "/v1/claims/article-c1%0A".into(), None, vec![], None, &[400]),
        ("GET", "/v1/models/%FF%FE".into(), None, vec![], None, &[400, 404]),
        ("GET", format!("/v1/models/{}", "a".repeat(8000)), None, vec![], None, &[404, 414]),
        ("GET", "/v1/models/deepseek-r1%E2%80%AE".into(), None, vec![], None, &[404]),
        ("GET", "/v1/models/deepseek%E2%80%8B-r1".into(), None, vec![], None, &[404]),
        ("GET", "//v1//models".into(), None, vec![], None, &[200, 404]),
        ("GET", "/v1/claims/article-c1/revisions/%27%3B".into(), None, vec![], None, &[404, 405]),
        // Queries: injection in every filter, cursors, duplicates.
        ("GET", "/v1/models?country=CN%27%20OR%20%271%27%3D%271".into(), None, vec![], None, &[200]),
        ("GET", "/v1/models?company=x%22%3B%20DROP%20TABLE%20models%3B--".into(), None, vec![], None, &[200]),
        ("GET", "/v1/models?license=%25".into(), None, vec![], None, &[200]),
        ("GET", "/v1/claims?claimant=%25%27%20OR%201%3D1--".into(), None, vec![], None, &[200]),
        ("GET", "/v1/claims?topic=%7B%22%24ne%22%3A1%7D".into(), None, vec![], None, &[200]),
        ("GET", "/v1/statistics?source=%27%20UNION%20SELECT%20*%20FROM%20api_keys--".into(), None, vec![], None, &[200]),
        ("GET", "/v1/sources?publisher=%5C%5C%5C".into(), None, vec![], None, &[200]),
        ("GET", "/v1/claims?q=%27%29%20OR%201%3D1%20--".into(), None, vec![], None, &[200]),
        ("GET", "/v1/models?sort=slug%3B%20DROP%20TABLE%20models".into(), None, vec![], None, &[400]),
        ("GET", "/v1/models?limit=99999999999999999999".into(), None, vec![], None, &[400]),
        ("GET", "/v1/models?limit=1e2".into(), None, vec![], None, &[400]),
        ("GET", "/v1/models?cursor=eyJsIjoibW9kZWxzIiwicyI6InNsdWciLCJ2IjoxLCJpIjoieCJ9".into(), None, vec![], None, &[422]),
        ("GET", "/v1/models?cursor=eyJsIjoibW9kZWxzIiwicyI6InNsdWciLCJ2IjpudWxsLCJpIjoiMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwIn0".into(), None, vec![], None, &[200, 422]),
        ("GET", "/v1/models?cursor=%F0%9F%92%A9".into(), None, vec![], None, &[400]),
        ("GET", "/v1/models?country=CN&country=US".into(), None, vec![], None, &[400]),
        ("GET", "/v1/models?openness[]=open_weights".into(), None, vec![], None, &[400]),
        ("GET", "/v1/models?%ZZ=1".into(), None, vec![], None, &[400]),
        ("GET", "/v1/search?q=deepseek%00".into(), None, vec![], None, &[400]),
        ("GET", "/v1/statistics?metric=x%00".into(), None, vec![], None, &[400]),
        ("GET", "/v1/events?after=%00".into(), None, vec![], None, &[400]),
        ("GET", format!("/v1/models?country={}", "C".repeat(20_000)), None, vec![], None, &[400, 414]),
        // Headers.
        ("GET", "/v1/models".into(), None, vec![], Some(("accept-language", "x".repeat(64 * 1024))), &[200, 400, 431]),
        ("GET", "/v1/models".into(), None, vec![], Some(("x-request-id", "\u{202e}evil".into())), &[200]),
        ("GET", "/v1/models/deepseek-r1".into(), None, vec![], Some(("if-none-match", "*".repeat(5000))), &[200, 304]),
        ("GET", "/v1/keys".into(), None, vec![], Some(("authorization", "Bearer ".to_owned() + &"A".repeat(10_000))), &[401]),
        ("GET", "/v1/keys".into(), None, vec![], Some(("authorization", "Basic YWRtaW46YWRtaW4=".into())), &[401]),
        ("POST", "/v1/models".into(), json, b"{}".to_vec(), Some(("authorization", "Bearer mzn_000000000000_".to_owned() + &"A".repeat(43))), &[401]),
    ];
    assert!(cases.len() >= 60, "{} cases", cases.len());
    for (method, path, content_type, body, header, allowed) in cases {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let sends_its_own_key = header
            .as_ref()
            .is_some_and(|(name, _)| *name == "authorization");
        let mut request = app.request(
            method.clone(),
            &path,
            if sends_its_own_key { None } else { Some(&key) },
        );
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        if let Some((name, value)) = &header {
            request = request.header(*name, value.as_str());
        }
        let response = match request.body(body).send().await {
            Ok(response) => response,
            // A request the server refuses at the connection (a header over its limit) is an answer too.
            Err(err) => {
                assert!(header.is_some(), "{method} {path}: {err}");
                continue;
            }
        };
        let status = response.status().as_u16();
        let content = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            allowed.contains(&status),
            "{method} {}: {status} not in {allowed:?}",
            &path[..path.len().min(80)]
        );
        assert!(status < 500, "{method} {path}: {status}");
        // Refusals pass the same way out as answers: marked with the request id and the
        // security headers. (The HTTP parser itself refuses some oversized requests with
        // 431 or 414 before they are requests.)
        if !matches!(status, 414 | 431) {
            for header in [
                "x-request-id",
                "x-content-type-options",
                "content-security-policy",
            ] {
                assert!(
                    response.headers().contains_key(header),
                    "{method} {}: {status} without {header}",
                    &path[..path.len().min(80)]
                );
            }
        }
        if status >= 400 {
            assert!(
                content.starts_with("application/problem+json") || status == 431 || status == 414,
                "{method} {path}: {status} {content}"
            );
        }
    }
    let after = app.revision_count().await;
    assert_eq!(after, revisions, "no hostile request changed data");
    assert_eq!(
        app.get_json("/v1/models/deepseek-r1").await["name"],
        "DeepSeek-R1"
    );
}

async fn clients_over_their_rate_limit_get_429_with_retry_after(backend: Backend) {
    let app = spawn_app_configured(backend, |config| {
        config.rate_limits.anonymous_per_minute = 5;
        config.rate_limits.key_per_minute = 8;
        config.rate_limits.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    for i in 0..5 {
        let response = app.get("/v1/countries").await;
        assert_eq!(response.status(), 200, "request {i}");
        assert_eq!(response.headers()["ratelimit-limit"], "5");
        assert_eq!(
            response.headers()["ratelimit-remaining"],
            (4 - i).to_string().as_str()
        );
    }
    let limited = app.get("/v1/countries").await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(limited.headers()["ratelimit-remaining"], "0");
    assert!(limited.headers().contains_key("x-request-id"));
    let problem = assert_problem(limited, 429).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("5 a minute"),
        "{problem}"
    );

    // Health checks are never limited; other clients behind the trusted proxy have their own bucket.
    assert_eq!(app.get("/health/live").await.status(), 200);
    assert_eq!(
        app.get_with("/v1/countries", "x-forwarded-for", "203.0.113.7")
            .await
            .status(),
        200
    );
    // A key has its own, larger bucket.
    let key = app.key("editor").await;
    for _ in 0..8 {
        assert_eq!(
            app.request(Method::GET, "/v1/countries", Some(&key))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    assert_eq!(
        app.request(Method::GET, "/v1/countries", Some(&key))
            .send()
            .await
            .unwrap()
            .status(),
        429
    );

    // Without a trusted proxy, X-Forwarded-For is the client's word and changes nothing.
    let untrusting = spawn_app_configured(backend, |config| {
        config.rate_limits.anonymous_per_minute = 2;
    })
    .await;
    for forwarded in ["198.51.100.1", "198.51.100.2"] {
        assert_eq!(
            untrusting
                .get_with("/v1/countries", "x-forwarded-for", forwarded)
                .await
                .status(),
            200
        );
    }
    assert_eq!(
        untrusting
            .get_with("/v1/countries", "x-forwarded-for", "198.51.100.3")
            .await
            .status(),
        429
    );
}

/// Every string leaf of `value` (below `path`), named as the service names fields.
fn string_fields(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::String(_) => found.push(path.to_owned()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_fields(item, &format!("{path}[{i}]"), found);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                let field = match path {
                    "" => name.clone(),
                    path => format!("{path}.{name}"),
                };
                string_fields(item, &field, found);
            }
        }
        _ => {}
    }
}

/// `value` with the string at `path` (as [`string_fields`] names it) ending in U+0000.
fn with_nul(value: &Value, path: &str) -> Value {
    let mut value = value.clone();
    let pointer: String = path
        .replace('[', ".")
        .replace(']', "")
        .split('.')
        .map(|part| format!("/{part}"))
        .collect();
    let leaf = value.pointer_mut(&pointer).expect("a field of the example");
    *leaf = Value::String(format!("{}\u{0}", leaf.as_str().unwrap()));
    value
}

/// U+0000, which PostgreSQL's `text` cannot hold, is refused before it reaches either
/// database: in every string of every write's body (nested ones included), as a 422
/// naming the field; in every query parameter of every read, as a 400 naming it.
async fn a_nul_character_is_refused_naming_where_it_is(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    let admin = app.key("admin").await;
    let revisions = app.revision_count().await;
    let document = app.get_json("/openapi.json").await;
    let schemas = &document["components"]["schemas"];
    let (mut bodies, mut parameters) = (0, 0);
    for (template, operations) in document["paths"].as_object().unwrap() {
        // A record to put in the path: the first of its collection.
        let path = match template.split_once('{') {
            None => template.clone(),
            Some((collection, rest)) => {
                let first = format!("{}?limit=1", collection.trim_end_matches('/'));
                let rows: Value = app
                    .request(Method::GET, &first, Some(&admin))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let Some(id) = rows["data"][0]["id"].as_str() else {
                    continue;
                };
                format!("{collection}{id}{}", rest.split_once('}').unwrap().1)
            }
        };
        if path.contains('{') {
            continue;
        }
        for (method, operation) in operations.as_object().unwrap() {
            if method == "get" {
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    if parameter["in"] != "query" {
                        continue;
                    }
                    let name = parameter["name"].as_str().unwrap();
                    let response = app
                        .request(Method::GET, &format!("{path}?{name}=a%00b"), Some(&admin))
                        .send()
                        .await
                        .unwrap();
                    let problem = assert_problem(response, 400).await;
                    let detail = problem["detail"].as_str().unwrap();
                    assert!(
                        detail.contains(name) && detail.contains("U+0000"),
                        "{path} {name}: {problem}"
                    );
                    parameters += 1;
                }
                continue;
            }
            let Some(content) = operation["requestBody"]["content"].as_object() else {
                continue;
            };
            let (media_type, body) = content.iter().next().unwrap();
            let component = body["schema"]["$ref"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap();
            let example = &schemas[component]["example"];
            let mut fields = Vec::new();
            string_fields(example, "", &mut fields);
            assert!(
                !fields.is_empty(),
                "{method} {template}: no string in {component}'s example"
            );
            let key = if template.starts_with("/v1/keys") || template.starts_with("/v1/webhooks") {
                &admin
            } else {
                &editor
            };
            for field in fields {
                let mut request = app
                    .request(
                        Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                        &path,
                        Some(key),
                    )
                    .header("content-type", media_type.as_str());
                if method == "patch" {
                    request = request.header("if-match", app.etag(&path).await);
                }
                let response = request
                    .json(&with_nul(example, &field))
                    .send()
                    .await
                    .unwrap();
                let problem = assert_problem(response, 422).await;
                assert_eq!(
                    problem["errors"].as_array().unwrap().len(),
                    1,
                    "{method} {path} {field}: {problem}"
                );
                assert_eq!(
                    problem["errors"][0]["field"],
                    field.as_str(),
                    "{method} {path}: {problem}"
                );
                bodies += 1;
            }
        }
    }
    assert!(
        bodies >= 60 && parameters >= 60,
        "{bodies} body fields, {parameters} parameters"
    );
    let key_with_nul = app
        .request(Method::POST, "/v1/companies", Some(&editor))
        .header("content-type", "application/json")
        .body(r#"{"name": {"en\u0000": "x"}}"#)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(key_with_nul, 422).await;
    assert_eq!(problem["errors"][0]["field"], "name.en\\u0000", "{problem}");
    let after = app.revision_count().await;
    assert_eq!(after, revisions, "no request with U+0000 changed data");
}

crate::on_both_backends!(
    clients_over_their_rate_limit_get_429_with_retry_after,
    every_response_carries_the_security_headers,
    reads_are_open_to_every_origin_and_writes_only_to_configured_ones,
    hostile_requests_get_a_clear_answer_and_change_nothing,
    a_nul_character_is_refused_naming_where_it_is,
);
