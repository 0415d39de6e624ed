//! Conditional reads: ETags built on the data version, 304 without loading the record,
//! and a new ETag whenever anything the representation shows has changed.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, TestDatabase, assert_problem, spawn_app_on, spawn_app_with_dataset};

async fn get_with_tag(app: &crate::helpers::TestApp, path: &str, tag: &str) -> (u16, String) {
    let response = app.get_with(path, "if-none-match", tag).await;
    let status = response.status().as_u16();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    if status == 304 {
        assert!(response.bytes().await.unwrap().is_empty());
    }
    (status, etag)
}

async fn a_claims_etag_changes_when_a_record_it_shows_changes(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    // C4 cites statistics S1 to S3.
    let claim = "/v1/claims/article-c4";
    let tag = app.etag(claim).await;
    assert_eq!(app.etag(claim).await, tag, "stable while nothing changes");
    assert_eq!(get_with_tag(&app, claim, &tag).await, (304, tag.clone()));
    assert_ne!(
        app.etag(&format!("{claim}?lang=ar")).await,
        tag,
        "one tag per language"
    );

    // Change a statistic the claim cites as evidence: the claim shows its figure.
    let evidence = app.get_json(claim).await["evidence"].clone();
    let statistic = evidence
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| e["statistic"]["id"].as_str())
        .expect("C4 cites a statistic")
        .to_owned();
    let path = format!("/v1/statistics/{statistic}");
    let response = app
        .request(Method::PATCH, &path, Some(&editor))
        .header("if-match", app.etag(&path).await)
        .json(&json!({"note": {"en": "Checked again.", "ar": "رُوجع مرة أخرى."}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (status, new_tag) = get_with_tag(&app, claim, &tag).await;
    assert_eq!(
        status, 200,
        "the old tag is stale once a cited record changed"
    );
    assert_ne!(new_tag, tag);
    assert_eq!(get_with_tag(&app, claim, &new_tag).await.0, 304);
    // The version part still serves If-Match.
    let response = app
        .request(Method::PATCH, claim, Some(&editor))
        .header("if-match", &new_tag)
        .json(&json!({"claimant": null}))
        .send()
        .await
        .unwrap();
    assert_ne!(response.status(), 412, "the tag's version is current");
}

async fn a_deleted_records_old_tag_gets_a_404_not_a_304(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    let path = "/v1/sources/kimi-k2-release";
    let (status, tag) = get_with_tag(&app, path, "\"0-0\"").await;
    assert_eq!(status, 200);
    // Sources cited elsewhere cannot be deleted; make one that is not.
    let response = app
        .request(Method::POST, "/v1/sources", Some(&editor))
        .json(&json!({
            "key": "lonely-source", "title": "A source nobody cites", "publisher": "Tests",
            "url": "https://example.org/lonely", "language": "en", "kind": "news"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let lonely = "/v1/sources/lonely-source";
    let lonely_tag = app.etag(lonely).await;
    let response = app
        .request(Method::DELETE, lonely, Some(&editor))
        .header("if-match", &lonely_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let gone = app.get_with(lonely, "if-none-match", &lonely_tag).await;
    assert_problem(gone, 404).await;
    // Another record's tag moved too (any change moves every tag), and still validates.
    let (status, _) = get_with_tag(&app, path, &tag).await;
    assert_eq!(status, 200);
}

/// A change made through one instance is seen by another's conditional reads (here with
/// the data version read on every request).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_moves_the_tags_of_another() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let url = database.url.clone();
    let first = spawn_app_on(database, true, |_| {}).await;
    let second = spawn_app_on(TestDatabase::external(url), false, |config| {
        config.etag_max_age = Duration::ZERO;
    })
    .await;
    let editor = first.key("editor").await;
    let path = "/v1/companies/deepseek";
    let tag = second.etag(path).await;
    assert_eq!(get_with_tag(&second, path, &tag).await.0, 304);
    let response = first
        .request(Method::PATCH, path, Some(&editor))
        .header("if-match", first.etag(path).await)
        .json(&json!({"founded": 2022}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(get_with_tag(&second, path, &tag).await.0, 200);
}

async fn lists_carry_a_weak_etag_and_answer_304_while_nothing_changed(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    for path in [
        "/v1/claims?verdict=supported",
        "/v1/search?q=DeepSeek",
        "/v1/countries/CN",
        "/v1/claims/article-c10/claimreview",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        let tag = response.headers()["etag"].to_str().unwrap().to_owned();
        assert!(tag.starts_with("W/\""), "{path}: {tag}");
        assert_eq!(get_with_tag(&app, path, &tag).await.0, 304, "{path}");
        // If-None-Match compares weakly: the tag without its W/, or among others, matches.
        let strong = tag.trim_start_matches("W/");
        assert_eq!(get_with_tag(&app, path, strong).await.0, 304, "{path}");
        let listed = format!("\"1-0123456789abcdef\", {tag}");
        assert_eq!(get_with_tag(&app, path, &listed).await.0, 304, "{path}");
        // Another language is another representation.
        let arabic = app.get_with(path, "accept-language", "ar").await;
        assert_ne!(arabic.headers()["etag"], tag.as_str(), "{path}");
    }
    // Any change moves every list's tag.
    let path = "/v1/companies?limit=5";
    let tag = app.get(path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let response = app
        .request(Method::PATCH, "/v1/companies/deepseek", Some(&editor))
        .header("if-match", app.etag("/v1/companies/deepseek").await)
        .json(&json!({"founded": 2022}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(get_with_tag(&app, path, &tag).await.0, 200);
    // The keys list depends on who asks, so it is never tagged here.
    let admin = app.key("admin").await;
    let keys = app
        .request(Method::GET, "/v1/keys", Some(&admin))
        .send()
        .await
        .unwrap();
    assert!(!keys.headers().contains_key("etag"));
}

async fn lists_are_compressed_on_request_and_records_never_are(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let list = app
        .get_with("/v1/claims?limit=50", "accept-encoding", "gzip")
        .await;
    assert_eq!(list.headers()["content-encoding"], "gzip");
    let compressed = list.bytes().await.unwrap().len();
    let plain = app.get("/v1/claims?limit=50").await;
    assert!(!plain.headers().contains_key("content-encoding"));
    let plain = plain.bytes().await.unwrap().len();
    assert!(compressed * 2 < plain, "{compressed} of {plain} bytes");
    let record = app
        .get_with("/v1/claims/article-c1", "accept-encoding", "gzip")
        .await;
    assert_eq!(record.headers()["content-encoding"], "identity");
    let body: serde_json::Value = record.json().await.unwrap();
    assert_eq!(body["key"], "article-c1");
}

crate::on_both_backends!(
    a_claims_etag_changes_when_a_record_it_shows_changes,
    a_deleted_records_old_tag_gets_a_404_not_a_304,
    lists_carry_a_weak_etag_and_answer_304_while_nothing_changed,
    lists_are_compressed_on_request_and_records_never_are,
);
