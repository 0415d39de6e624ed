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

async fn an_empty_query_value_is_an_absent_parameter(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let plain = app.get_json("/v1/models?limit=5").await;
    let empty = app
        .get_json("/v1/models?limit=5&cursor=&sort=&facets=&company=&openness=")
        .await;
    assert_eq!(plain, empty);
    let lang = app.get("/v1/companies/deepseek?lang=").await;
    assert_eq!(lang.status(), 200);
    let body: serde_json::Value = lang.json().await.unwrap();
    assert!(
        body["name"]["ar"].is_string() && body["name"]["en"].is_string(),
        "{body}"
    );
}

async fn invalid_percent_encoding_is_a_400_naming_the_parameter(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    for (path, parameter) in [
        ("/v1/companies?country=%zz", "country"),
        ("/v1/models?company=deep%2", "company"),
        ("/v1/search?q=%ff%fe", "q"),
    ] {
        let problem = assert_problem(app.get(path).await, 400).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(parameter),
            "{path}: {problem}"
        );
    }
}

async fn an_unparseable_accept_language_is_ignored(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    for value in ["!!!", ";;,", "*;q=x"] {
        let response = app
            .get_with("/v1/companies/deepseek", "accept-language", value)
            .await;
        assert_eq!(response.status(), 200, "{value}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(
            body["name"]["ar"].is_string() && body["name"]["en"].is_string(),
            "{value}: {body}"
        );
    }
    assert_problem(app.get("/v1/companies/deepseek?lang=fr").await, 400).await;
}

async fn a_cursor_not_made_by_the_service_is_a_422(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    for path in [
        "/v1/models?cursor=bm90LWEtY3Vyc29y",
        "/v1/claims?cursor=AAAA",
        "/v1/search?q=deepseek&cursor=AAAA",
    ] {
        let problem = assert_problem(app.get(path).await, 422).await;
        assert_eq!(problem["errors"][0]["field"], "cursor", "{path}: {problem}");
    }
    let shapeless = app.get("/v1/models?cursor=not%20a%20cursor").await;
    assert_problem(shapeless, 400).await;
}

async fn an_empty_if_match_is_a_400(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    let before = app.etag("/v1/claims/article-c16").await;
    let response = app
        .request(
            Method::POST,
            "/v1/claims/article-c16/evidence",
            Some(&editor),
        )
        .header("if-match", "")
        .json(&json!({"source": "altman-o3-price-cut-2025", "relation": "context"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 400).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("If-Match"),
        "{problem}"
    );
    assert_eq!(
        app.etag("/v1/claims/article-c16").await,
        before,
        "nothing changed"
    );
}

async fn an_admin_key_cannot_revoke_itself(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let admin = app.key("admin").await;
    let keys = app
        .request(Method::GET, "/v1/keys", Some(&admin))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let own = keys["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| admin.starts_with(key["prefix"].as_str().unwrap()))
        .expect("the admin key is listed");
    let path = format!("/v1/keys/{}", own["id"].as_str().unwrap());
    let response = app
        .request(Method::DELETE, &path, Some(&admin))
        .send()
        .await
        .unwrap();
    assert_problem(response, 409).await;
    let still = app
        .request(Method::GET, "/v1/keys", Some(&admin))
        .send()
        .await
        .unwrap();
    assert_eq!(still.status(), 200, "the key still works");
}

async fn revisions_name_their_resource_and_action_from_a_fixed_set(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let problem = assert_problem(app.get("/v1/revisions?resource=planets").await, 400).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("claims"),
        "{problem}"
    );
    let restores = app.get("/v1/revisions?action=restore").await;
    assert_eq!(restores.status(), 200);
    assert_problem(app.get("/v1/revisions?action=explode").await, 400).await;
}

/// A `PATCH` takes what the document's `CompanyPatch` says: any field alone, an object
/// field merged in turn, `null` removing an optional field but not a required one.
async fn a_patch_is_taken_as_its_schema_says(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    let document = app.get_json("/openapi.json").await;
    let schema = &document["components"]["schemas"]["CompanyPatch"];
    assert!(schema.get("required").is_none(), "{schema}");
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(
        schema["properties"]["headquarters"]["oneOf"][0]["$ref"],
        "#/components/schemas/LocalizedTextPatch"
    );
    let path = "/v1/companies/deepseek";
    let patch = async |body: serde_json::Value| {
        let etag = app.etag(path).await;
        app.request(Method::PATCH, path, Some(&editor))
            .header("content-type", "application/merge-patch+json")
            .header("if-match", etag)
            .json(&body)
            .send()
            .await
            .unwrap()
    };
    let one_language = patch(json!({"headquarters": {"ar": "هانغتشو، الصين"}})).await;
    assert_eq!(one_language.status(), 200);
    let company: serde_json::Value = one_language.json().await.unwrap();
    assert_eq!(company["headquarters"]["ar"], "هانغتشو، الصين");
    assert_eq!(
        company["headquarters"]["en"], "Hangzhou",
        "the other language is kept"
    );
    let removed = patch(json!({"website": null})).await;
    assert_eq!(removed.status(), 200);
    let company: serde_json::Value = removed.json().await.unwrap();
    assert!(company["website"].is_null(), "{company}");
    let problem = assert_problem(patch(json!({"name": null})).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "name", "{problem}");
    assert_eq!(app.get_json(path).await["name"]["en"], "DeepSeek");
}

/// A facet over a reference names a record without a key (a source may have none) by its id.
async fn a_facet_names_a_record_without_a_key_by_its_id(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    let created = app
        .request(Method::POST, "/v1/sources", Some(&editor))
        .json(
            &json!({"publisher": "A newsroom", "url": "https://example.org/keyless",
                      "language": "en", "kind": "news"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let source: serde_json::Value = created.json().await.unwrap();
    let id = source["id"].as_str().unwrap();
    let statistic = app
        .request(Method::POST, "/v1/statistics", Some(&editor))
        .json(
            &json!({"metric": "monthly_active_users", "subject_type": "company",
                      "subject": "deepseek", "value": 1.0, "unit": "people",
                      "period_start": "2025-04-01", "method": "reported", "source": id}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        statistic.status(),
        201,
        "{}",
        statistic.text().await.unwrap()
    );
    let page = app.get_json("/v1/statistics?facets=source").await;
    let values = page["facets"]["source"].as_array().unwrap();
    assert!(values.iter().any(|v| v["value"] == id), "{page}");
}

crate::on_both_backends!(
    an_unknown_field_is_named_once,
    an_integral_float_is_an_integer,
    a_bad_subject_type_is_a_400_before_any_precondition,
    head_answers_wherever_get_does,
    an_empty_query_value_is_an_absent_parameter,
    invalid_percent_encoding_is_a_400_naming_the_parameter,
    an_unparseable_accept_language_is_ignored,
    a_cursor_not_made_by_the_service_is_a_422,
    an_empty_if_match_is_a_400,
    an_admin_key_cannot_revoke_itself,
    revisions_name_their_resource_and_action_from_a_fixed_set,
    a_patch_is_taken_as_its_schema_says,
    a_facet_names_a_record_without_a_key_by_its_id,
);
