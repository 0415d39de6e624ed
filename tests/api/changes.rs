//! The one write path seen through HTTP: one tag per representation, every fault of a
//! body at once, and records found by their ids.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, TestApp, TestDatabase, assert_problem, company_input, spawn_app_on,
    spawn_app_with_dataset,
};

fn etag(response: &reqwest::Response) -> String {
    response.headers()["etag"].to_str().unwrap().to_owned()
}

async fn patch(
    app: &TestApp,
    key: &str,
    path: &str,
    if_match: &str,
    body: Value,
) -> reqwest::Response {
    app.request(Method::PATCH, path, Some(key))
        .header("if-match", if_match)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn a_writes_tag_is_the_tag_a_read_then_returns(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let path = "/v1/companies/deepseek";
    let first = app.etag(path).await;

    // The tag of a PATCH response serves the next PATCH …
    let changed = patch(&app, &key, path, &first, json!({"founded": 2022})).await;
    assert_eq!(changed.status(), 200);
    let tag = etag(&changed);
    assert_ne!(tag, first);
    let vary = changed.headers()["vary"].to_str().unwrap();
    assert!(vary.contains("Accept-Language"), "{vary}");
    assert_eq!(changed.headers()["cache-control"], "no-cache");
    let body: Value = changed.json().await.unwrap();
    assert_eq!(
        body,
        app.get_json(path).await,
        "the response is what GET shows"
    );
    // … and revalidates like a GET's: 304, repeating the headers a 200 carries.
    let cached = app.get_with(path, "if-none-match", &tag).await;
    assert_eq!(cached.status(), 304);
    assert_eq!(etag(&cached), tag);
    assert_eq!(cached.headers()["cache-control"], "no-cache");
    let read = app.get(path).await;
    assert_eq!(cached.headers()["vary"], read.headers()["vary"]);
    let again = patch(&app, &key, path, &tag, json!({"founded": 2023})).await;
    assert_eq!(again.status(), 200);
    let newest = etag(&again);
    let stale = app.get_with(path, "if-none-match", &tag).await;
    assert_eq!(stale.status(), 200, "a tag of an older version is stale");
    assert_eq!(etag(&stale), newest);

    // Lists of tags and `*`, as RFC 9110 reads them.
    let listed = format!("\"41-0123456789abcdef\", {newest}");
    assert_eq!(
        app.get_with(path, "if-none-match", &listed).await.status(),
        304
    );
    assert_eq!(app.get_with(path, "if-none-match", "*").await.status(), 304);
    let weak = format!("W/{newest}");
    assert_problem(
        patch(&app, &key, path, &weak, json!({"founded": 2022})).await,
        412,
    )
    .await;
    let by_list = patch(&app, &key, path, &listed, json!({"founded": 2022})).await;
    assert_eq!(by_list.status(), 200);
    let any = patch(&app, &key, path, "*", json!({"founded": 2023})).await;
    assert_eq!(any.status(), 200);
    assert_eq!(etag(&any), app.etag(path).await);

    // A write answers in the language asked for, with that language's tag.
    let tag = app.etag(path).await;
    let arabic = app
        .request(Method::PATCH, &format!("{path}?lang=ar"), Some(&key))
        .header("if-match", &tag)
        .json(&json!({"founded": 2022}))
        .send()
        .await
        .unwrap();
    assert_eq!(arabic.status(), 200);
    assert_eq!(arabic.headers()["content-language"], "ar");
    let arabic_tag = etag(&arabic);
    let body: Value = arabic.json().await.unwrap();
    assert!(body["name"].is_string(), "{body}");
    let read = app.get(&format!("{path}?lang=ar")).await;
    assert_eq!(etag(&read), arabic_tag);
    let unknown = app
        .request(Method::PATCH, &format!("{path}?colour=red"), Some(&key))
        .header("if-match", &arabic_tag)
        .json(&json!({"founded": 2030}))
        .send()
        .await
        .unwrap();
    assert_problem(unknown, 400).await;
    assert_eq!(
        app.get_json(path).await["founded"],
        2022,
        "a refused query wrote nothing"
    );

    // A create's tag is its Location's, and so is a restore's.
    let created = app
        .request(Method::POST, "/v1/companies", Some(&key))
        .json(&company_input("tagged-lab"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(etag(&created), app.etag(&location).await);
    let history = app.get_json(&format!("{path}/revisions")).await;
    let first_revision = history["data"].as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let restored = app
        .request(
            Method::POST,
            &format!("{path}/revisions/{first_revision}/restore"),
            Some(&key),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), 200);
    let restored_tag = etag(&restored);
    assert_eq!(restored.json::<Value>().await.unwrap()["founded"], 2023);
    assert_eq!(restored_tag, app.etag(path).await);
    assert_eq!(
        app.get_with(path, "if-none-match", &restored_tag)
            .await
            .status(),
        304
    );
}

async fn a_new_build_changes_every_tag(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let url = database.url.clone();
    let old = spawn_app_on(database, true, |_| {}).await;
    let new = spawn_app_on(TestDatabase::external(url), false, |config| {
        config.build_id = Some("the-next-build".to_owned());
    })
    .await;
    for path in ["/v1/models/deepseek-r1", "/v1/claims?verdict=supported"] {
        let tag = old.get(path).await.headers()["etag"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            old.get_with(path, "if-none-match", &tag).await.status(),
            304,
            "{path}"
        );
        let answer = new.get_with(path, "if-none-match", &tag).await;
        assert_eq!(
            answer.status(),
            200,
            "{path}: a new build may show it otherwise"
        );
        assert_ne!(etag(&answer), tag, "{path}");
    }
}

async fn a_body_with_four_faults_names_all_four(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    // A required field missing, a wrong type, an unknown enum value, a reference to
    // nothing.
    let body = json!({
        "name": 42,
        "company": "no-such-lab",
        "country": "CN",
        "openness": "open",
        "modalities": ["text"],
        "description": {"en": "A model.", "ar": "نموذج."}
    });
    let response = app
        .request(Method::POST, "/v1/models", Some(&key))
        .json(&body)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["company", "name", "openness", "slug"], "{problem}");
    let message = |field: &str| {
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(message("openness").contains("open_weights"), "{problem}");
    assert!(message("company").contains("no-such-lab"), "{problem}");
    // A patch too: every field at fault, and nothing written.
    let path = "/v1/models/deepseek-r1";
    let before = app.get_json(path).await;
    let response = patch(
        &app,
        &key,
        path,
        &app.etag(path).await,
        json!({"released": "2025-02-30", "parameters_total": "many", "base_model": "nothing", "license": ""}),
    )
    .await;
    let problem = assert_problem(response, 422).await;
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["base_model", "license", "parameters_total", "released"],
        "{problem}"
    );
    assert_eq!(app.get_json(path).await, before);
}

async fn every_record_answers_to_its_id(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    for path in [
        "/v1/companies/deepseek",
        "/v1/models/deepseek-r1",
        "/v1/sources/aljazeera-ai-race-2025",
        "/v1/statistics/article-s1",
        "/v1/claims/article-c1",
        "/v1/countries/CN",
        "/v1/metrics/users",
    ] {
        let record = app.get_json(path).await;
        let id = record["id"].as_str().unwrap();
        let resource = path.rsplit_once('/').unwrap().0;
        let by_id = app.get_json(&format!("{resource}/{id}")).await;
        assert_eq!(by_id, record, "{resource}/{id}");
    }
    let model = app.get_json("/v1/models/deepseek-v3-base").await;
    let id = model["id"].as_str().unwrap();
    assert_eq!(
        app.collect(&format!("/v1/models/{id}/derivatives"), "slug")
            .await,
        app.collect("/v1/models/deepseek-v3-base/derivatives", "slug")
            .await
    );
    assert_eq!(
        app.collect(&format!("/v1/models/{id}/revisions"), "id")
            .await,
        app.collect("/v1/models/deepseek-v3-base/revisions", "id")
            .await
    );
    // Written by id, tagged for the URL it was written at.
    let company = app.get_json("/v1/companies/moonshot-ai").await;
    let path = format!("/v1/companies/{}", company["id"].as_str().unwrap());
    let changed = patch(
        &app,
        &key,
        &path,
        &app.etag(&path).await,
        json!({"founded": 2022}),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let tag = etag(&changed);
    assert_eq!(
        app.get_with(&path, "if-none-match", &tag).await.status(),
        304
    );
    assert_eq!(
        app.get_json("/v1/companies/moonshot-ai").await["founded"],
        2022
    );
}

crate::on_both_backends!(
    a_writes_tag_is_the_tag_a_read_then_returns,
    a_new_build_changes_every_tag,
    a_body_with_four_faults_names_all_four,
    every_record_answers_to_its_id,
);
