//! Findings of the contract fuzzing (`fuzz/`), each kept as a regression test.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, assert_problem, spawn_app_with_dataset};

async fn an_unknown_field_is_named_once(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    for (body, field) in [
        (json!({"bogus": 1}), "bogus"),
        (json!({"name": {"en": "DeepSeek", "fr": "x"}}), "name.fr"),
    ] {
        let etag = app.etag("/v1/companies/deepseek").await;
        let response = app
            .request(Method::PATCH, "/v1/companies/deepseek", Some(&editor))
            .header("if-match", etag)
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 422).await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
}

async fn an_integral_float_is_an_integer(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    let etag = app.etag("/v1/companies/deepseek").await;
    let response = app
        .request(Method::PATCH, "/v1/companies/deepseek", Some(&editor))
        .header("if-match", etag)
        .json(&json!({"founded": 2023.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.get_json("/v1/companies/deepseek").await["founded"],
        2023
    );
}

async fn a_bad_subject_type_is_a_400_before_any_precondition(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    let response = app
        .request(
            Method::DELETE,
            "/v1/claims/article-c10/subjects/AAA/0",
            Some(&editor),
        )
        .header("if-match", "\"stale\"")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 400).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("subject type"),
        "{problem}"
    );
}

async fn head_answers_wherever_get_does(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    for path in [
        "/v1/companies/deepseek",
        "/v1/claims?limit=2",
        "/health/live",
        "/openapi.json",
    ] {
        let get = app.get(path).await;
        let head = app.request(Method::HEAD, path, None).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        for name in ["etag", "content-type"] {
            assert_eq!(
                head.headers().get(name),
                get.headers().get(name),
                "HEAD {path}: {name}"
            );
        }
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has no body"
        );
    }
    let not_allowed = app
        .request(Method::PUT, "/v1/companies/deepseek", None)
        .send()
        .await
        .unwrap();
    assert_eq!(not_allowed.headers()["allow"], "GET, HEAD, PATCH, DELETE");
    assert_problem(not_allowed, 405).await;
    let missing = app
        .request(Method::HEAD, "/v1/nowhere", None)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "application/problem+json"
    );
}

crate::on_both_backends!(
    an_unknown_field_is_named_once,
    an_integral_float_is_an_integer,
    a_bad_subject_type_is_a_400_before_any_precondition,
    head_answers_wherever_get_does,
);
