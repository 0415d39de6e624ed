//! The write side: keys and roles, validation, conflicts, If-Match, Idempotency-Key,
//! revisions and restore.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{
    Backend, assert_problem, assert_refused, company_input, spawn_app_with_dataset,
};

async fn writes_need_a_live_key_of_the_right_role(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let editor = app.key("editor").await;
    let admin = app.key("admin").await;
    let cases: Vec<(Method, &str, Option<Value>)> = vec![
        (
            Method::POST,
            "/v1/companies",
            Some(company_input("acme-ai")),
        ),
        (
            Method::PATCH,
            "/v1/companies/deepseek",
            Some(json!({"founded": 2023})),
        ),
        (
            Method::PATCH,
            "/v1/companies/no-such-company",
            Some(json!({"founded": 2023})),
        ),
        (Method::DELETE, "/v1/companies/deepseek", None),
        (Method::POST, "/v1/models", Some(json!({"slug": "x"}))),
        (
            Method::PATCH,
            "/v1/models/gpt-5",
            Some(json!({"license": "x"})),
        ),
        (Method::DELETE, "/v1/models/gpt-5", None),
        (Method::POST, "/v1/sources", Some(json!({"title": "x"}))),
        (
            Method::PATCH,
            "/v1/sources/aljazeera-ai-race-2025",
            Some(json!({"title": "x"})),
        ),
        (Method::DELETE, "/v1/sources/aljazeera-ai-race-2025", None),
        (Method::POST, "/v1/statistics", Some(json!({"value": 1}))),
        (
            Method::PATCH,
            "/v1/statistics/article-s1",
            Some(json!({"value": 1})),
        ),
        (Method::DELETE, "/v1/statistics/article-s1", None),
        (
            Method::POST,
            "/v1/claims",
            Some(json!({"verdict": "false"})),
        ),
        (
            Method::PATCH,
            "/v1/claims/article-c1",
            Some(json!({"verdict": "false"})),
        ),
        (Method::DELETE, "/v1/claims/no-such-claim", None),
        (
            Method::POST,
            "/v1/claims/article-c1/evidence",
            Some(json!({"source": "aljazeera-ai-race-2025", "relation": "context"})),
        ),
        (
            Method::DELETE,
            "/v1/claims/article-c1/evidence/00000000-0000-0000-0000-000000000000",
            None,
        ),
        (
            Method::POST,
            "/v1/claims/article-c1/subjects",
            Some(json!({"type": "country", "key": "IN"})),
        ),
        (
            Method::DELETE,
            "/v1/claims/article-c1/subjects/country/CN",
            None,
        ),
        (
            Method::POST,
            "/v1/companies/deepseek/revisions/00000000-0000-0000-0000-000000000000/restore",
            None,
        ),
        (
            Method::POST,
            "/v1/claims/article-c1/revisions/00000000-0000-0000-0000-000000000000/restore",
            None,
        ),
        (
            Method::POST,
            "/v1/keys",
            Some(json!({"name": "x", "role": "editor"})),
        ),
        (Method::GET, "/v1/keys", None),
        (
            Method::DELETE,
            "/v1/keys/00000000-0000-0000-0000-000000000000",
            None,
        ),
    ];
    for (method, path, body) in &cases {
        for key in [
            None,
            Some("mzn_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            Some("not-a-key"),
        ] {
            let mut request = app
                .request(method.clone(), path, key)
                .header("if-match", "*");
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.unwrap();
            assert_eq!(
                response.headers()["www-authenticate"],
                "Bearer realm=\"mizan\"",
                "{method} {path}"
            );
            // The same 401 whether or not the record exists.
            assert_problem(response, 401).await;
        }
    }
    for (method, path) in [
        (Method::POST, "/v1/keys"),
        (Method::GET, "/v1/keys"),
        (
            Method::DELETE,
            "/v1/keys/00000000-0000-0000-0000-000000000000",
        ),
    ] {
        let response = app
            .request(method.clone(), path, Some(&editor))
            .json(&json!({"name": "x", "role": "editor"}))
            .send()
            .await
            .unwrap();
        assert_problem(response, 403).await;
    }
    // An editor and an admin may both write.
    for (key, slug) in [(&editor, "by-editor"), (&admin, "by-admin")] {
        let response = app
            .request(Method::POST, "/v1/companies", Some(key))
            .json(&company_input(slug))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }
}

async fn a_revoked_key_stops_working_at_once_and_keys_are_shown_only_once(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let admin = app.key("admin").await;
    let created: Value = app
        .request(Method::POST, "/v1/keys", Some(&admin))
        .json(&json!({"name": "desk", "role": "editor"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("mzn_"));
    let response = app
        .request(Method::POST, "/v1/companies", Some(&key))
        .json(&company_input("first"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    let listed = app
        .request(Method::GET, "/v1/keys", Some(&admin))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listed.contains(created["id"].as_str().unwrap()));
    assert!(
        !listed.contains(&key[17..]),
        "a key's secret is never shown again"
    );
    let stored: Vec<String> = entity::api_key::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.secret_hash)
        .collect();
    assert!(
        stored.iter().all(|hash| !hash.contains(&key[17..])),
        "only a hash is stored"
    );

    let revoked = app
        .request(
            Method::DELETE,
            &format!("/v1/keys/{}", created["id"].as_str().unwrap()),
            Some(&admin),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let response = app
        .request(Method::POST, "/v1/companies", Some(&key))
        .json(&company_input("second"))
        .send()
        .await
        .unwrap();
    assert_problem(response, 401).await;
    assert_problem(
        app.request(
            Method::DELETE,
            "/v1/keys/00000000-0000-0000-0000-000000000000",
            Some(&admin),
        )
        .send()
        .await
        .unwrap(),
        404,
    )
    .await;
}

async fn bad_bodies_are_refused_naming_the_field_and_change_nothing(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let revisions = app.revision_count().await;
    let with = |changes: Value| {
        let mut body = json!({
            "slug": "new-model", "name": "New Model", "company": "deepseek", "country": "CN",
            "openness": "open_weights", "description": {"en": "A model.", "ar": "نموذج."}
        });
        json_patch::merge(&mut body, &changes);
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (with(json!({"slug": "New Model"})), "slug"),
        (with(json!({"slug": "r1\u{200B}"})), "slug"),
        (with(json!({"slug": "r\u{202E}1"})), "slug"),
        (with(json!({"name": "   "})), "name"),
        (with(json!({"company": "nobody"})), "company"),
        (with(json!({"country": "XX"})), "country"),
        (with(json!({"openness": "sort-of"})), "openness"),
        (with(json!({"released": "2025-02-30"})), "released"),
        (with(json!({"parameters_total": -1})), "parameters_total"),
        (
            with(json!({"parameters_total": 10, "parameters_active": 20})),
            "parameters_active",
        ),
        (
            with(json!({"parameters_total": "many"})),
            "parameters_total",
        ),
        (with(json!({"parameters_total": 1e300})), "parameters_total"),
        (with(json!({"base_model": "no-such-model"})), "base_model"),
        (
            with(json!({"huggingface_repo": "../../etc/passwd"})),
            "huggingface_repo",
        ),
        (
            with(json!({"description": {"en": "x", "ar": null}})),
            "description.ar",
        ),
        (
            with(json!({"description": {"en": "x", "ar": ""}})),
            "description.ar",
        ),
        (with(json!({"source": "no-such-source"})), "source"),
        (with(json!({"modalities": ["smell"]})), "modalities[0]"),
        (with(json!({"surprise": true})), "surprise"),
        (json!({"name": "only a name"}), "slug"),
    ];
    for (body, field) in cases {
        let response = app
            .request(Method::POST, "/v1/models", Some(&key))
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 422).await;
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.iter().any(|f| f.starts_with(field)),
            "expected {field} in {fields:?} for {body}"
        );
    }
    let statistic = |changes: Value| {
        let mut body = json!({"metric": "users", "subject_type": "company", "subject": "deepseek", "value": 1.0,
            "unit": "people", "period_start": "2025-01-01", "method": "reported", "source": "aljazeera-ai-race-2025"});
        json_patch::merge(&mut body, &changes);
        body
    };
    for (body, field) in [
        (
            statistic(json!({"value": null, "value_low": 40, "value_high": 35})),
            "value_low",
        ),
        (statistic(json!({"value_low": 1, "value_high": 2})), "value"),
        (statistic(json!({"period_end": "2024-12-31"})), "period_end"),
        (statistic(json!({"subject_type": "model"})), "subject"),
        (statistic(json!({"source": null})), "source"),
    ] {
        assert_refused(&app, &key, "/v1/statistics", &body, field).await;
    }
    // Media types, syntax and size.
    let raw = |content_type: &str, body: Vec<u8>| {
        app.request(Method::POST, "/v1/models", Some(&key))
            .header("content-type", content_type)
            .body(body)
    };
    assert_problem(raw("text/plain", b"{}".to_vec()).send().await.unwrap(), 415).await;
    assert_problem(
        app.request(Method::POST, "/v1/models", Some(&key))
            .body("{}")
            .send()
            .await
            .unwrap(),
        415,
    )
    .await;
    assert_problem(
        raw("application/json", b"{\"slug\": ".to_vec())
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_problem(
        raw("application/json", b"".to_vec()).send().await.unwrap(),
        400,
    )
    .await;
    assert_problem(
        raw("application/json", b"[1, 2]".to_vec())
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_problem(
        raw("application/json", b"{\"a\": NaN}".to_vec())
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_problem(
        raw("application/json", vec![b' '; 1024 * 1024 + 1])
            .send()
            .await
            .unwrap(),
        413,
    )
    .await;
    // Just under the limit is read, and judged on its content.
    let mut padded = br#"{"slug": "Bad Slug""#.to_vec();
    padded.extend(vec![b' '; 1000 * 1024]);
    padded.push(b'}');
    assert_problem(raw("application/json", padded).send().await.unwrap(), 422).await;

    assert_eq!(app.revision_count().await, revisions, "nothing was written");
}

async fn conflicts_are_409_naming_the_field_and_cited_records_cannot_be_deleted(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let taken = app
        .request(Method::POST, "/v1/companies", Some(&key))
        .json(&company_input("deepseek"))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(taken, 409).await;
    assert_eq!(problem["errors"][0]["field"], "slug");

    for path in [
        "/v1/sources/aurestv-ai-race-2025",
        "/v1/models/deepseek-v3-base",
        "/v1/companies/openai",
        "/v1/statistics/article-s1",
    ] {
        let etag = app.etag(path).await;
        let response = app
            .request(Method::DELETE, path, Some(&key))
            .header("if-match", etag)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 409).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("refer to this record"),
            "{path}: {problem}"
        );
        assert_eq!(app.get(path).await.status(), 200, "{path} is still there");
    }
}

async fn if_match_and_if_none_match_guard_every_change(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let path = "/v1/models/kimi-k2";
    let etag = app.etag(path).await;

    let unchanged = app.get_with(path, "if-none-match", &etag).await;
    assert_eq!(unchanged.status(), 304);
    assert_eq!(unchanged.headers()["etag"].to_str().unwrap(), etag);
    assert_ne!(
        app.etag(&format!("{path}?lang=ar")).await,
        etag,
        "each language has its own tag"
    );

    let patch = |tag: Option<&str>| {
        let mut request = app
            .request(Method::PATCH, path, Some(&key))
            .header("content-type", "application/merge-patch+json");
        if let Some(tag) = tag {
            request = request.header("if-match", tag);
        }
        request.body(r#"{"context_window": 256000, "note": {"en": "Updated.", "ar": "حُدّث."}}"#)
    };
    assert_problem(patch(None).send().await.unwrap(), 428).await;
    assert_problem(patch(Some("\"garbage\"")).send().await.unwrap(), 412).await;
    assert_problem(patch(Some(&format!("W/{etag}"))).send().await.unwrap(), 412).await;

    let changed = patch(Some(&etag)).send().await.unwrap();
    assert_eq!(changed.status(), 200);
    let new_tag = changed.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = changed.json().await.unwrap();
    assert_eq!(body["context_window"], 256000);
    assert_eq!(body["note"]["ar"], "حُدّث.");
    assert_eq!(
        body["parameters_total"], 1_000_000_000_000_i64,
        "fields the patch does not name are kept"
    );

    let stale = patch(Some(&etag)).send().await.unwrap();
    assert_eq!(
        stale.headers()["etag"].to_str().unwrap(),
        new_tag,
        "a 412 carries the current tag"
    );
    assert_problem(stale, 412).await;
    assert_ne!(
        app.get_with(path, "if-none-match", &etag).await.status(),
        304
    );

    // `null` removes an optional field.
    let cleared = app
        .request(Method::PATCH, path, Some(&key))
        .header("if-match", &new_tag)
        .json(&json!({"note": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
    assert!(cleared.json::<Value>().await.unwrap()["note"].is_null());
}

async fn of_fifty_concurrent_patches_with_one_tag_exactly_one_wins(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let path = "/v1/statistics/article-s1";
    let etag = app.etag(path).await;

    let requests = (0..50).map(|i| {
        app.request(Method::PATCH, path, Some(&key))
            .header("if-match", &etag)
            .json(&json!({"value": 97_000_001 + i}))
            .send()
    });
    let responses = futures::future::join_all(requests).await;

    let statuses: Vec<u16> = responses
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        49,
        "{statuses:?}"
    );
    let history = app.get_json("/v1/statistics/article-s1/revisions").await;
    let updates = history["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "update")
        .count();
    assert_eq!(updates, 1, "one change, one revision");
}

async fn an_idempotency_key_makes_a_retried_create_create_once(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let post = |body: &Value, idempotency: &str| {
        app.request(Method::POST, "/v1/companies", Some(&key))
            .header("idempotency-key", idempotency)
            .json(body)
            .send()
    };

    let first = post(&company_input("once"), "k-1").await.unwrap();
    assert_eq!(first.status(), 201);
    let first_body = first.text().await.unwrap();
    let retry = post(&company_input("once"), "k-1").await.unwrap();
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.text().await.unwrap(), first_body);
    let problem = assert_problem(post(&company_input("other"), "k-1").await.unwrap(), 422).await;
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");

    // Concurrent retries of one create make one record.
    let responses =
        futures::future::join_all((0..10).map(|_| post(&company_input("racing"), "k-2"))).await;
    let statuses: Vec<StatusCode> = responses.into_iter().map(|r| r.unwrap().status()).collect();
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let made = entity::company::Entity::find()
        .filter(entity::company::Column::Slug.eq("racing"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(made, 1);
    // A failed create frees its key for a corrected retry.
    let mut bad = company_input("fixed");
    bad["country"] = json!("XX");
    assert_problem(post(&bad, "k-3").await.unwrap(), 422).await;
    assert_eq!(
        post(&company_input("fixed"), "k-3").await.unwrap().status(),
        201
    );
}

async fn every_change_is_a_revision_that_can_be_restored(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let actor = entity::api_key::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();

    // Create, change, delete.
    let created = app
        .request(Method::POST, "/v1/companies", Some(&key))
        .json(&company_input("acme-ai"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.headers()["location"], "/v1/companies/acme-ai");
    let etag = created.headers()["etag"].to_str().unwrap().to_owned();
    let changed = app
        .request(Method::PATCH, "/v1/companies/acme-ai", Some(&key))
        .header("if-match", &etag)
        .json(&json!({"founded": 2024, "name": {"en": "Acme Intelligence"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let etag = changed.headers()["etag"].to_str().unwrap().to_owned();
    let deleted = app
        .request(Method::DELETE, "/v1/companies/acme-ai", Some(&key))
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.get("/v1/companies/acme-ai").await.status(), 404);

    // The history survives the record, newest first, attributed to the key.
    let history = app.get_json("/v1/companies/acme-ai/revisions").await;
    let history = history["data"].as_array().unwrap();
    let actions: Vec<&str> = history
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["delete", "update", "create"]);
    assert!(history.iter().all(|r| r["actor"] == actor.as_str()));
    // In the API's own terms, as `GET` showed the record.
    assert_eq!(history[1]["schema_version"], 1);
    assert_eq!(history[1]["before"]["founded"], Value::Null);
    assert_eq!(history[1]["after"]["founded"], 2024);
    assert_eq!(history[1]["after"]["name"]["en"], "Acme Intelligence");
    assert_eq!(history[1]["after"]["country"]["code"], "FR");
    assert!(history[0]["after"].is_null() && history[2]["before"].is_null());
    let by_actor = app
        .get_json(&format!("/v1/revisions?actor={actor}&resource=companies"))
        .await;
    assert_eq!(by_actor["data"].as_array().unwrap().len(), 3);

    // Restoring the create brings the record back as it was first made.
    let create_id = history[2]["id"].as_str().unwrap();
    let restored = app
        .request(
            Method::POST,
            &format!("/v1/companies/acme-ai/revisions/{create_id}/restore"),
            Some(&key),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), 200);
    let body: Value = restored.json().await.unwrap();
    assert_eq!(body["name"]["en"], "Acme AI");
    assert!(body["founded"].is_null());
    // Then restoring the update applies it again, itself a new revision.
    let update_id = history[1]["id"].as_str().unwrap();
    let again = app
        .request(
            Method::POST,
            &format!("/v1/companies/acme-ai/revisions/{update_id}/restore"),
            Some(&key),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(again.json::<Value>().await.unwrap()["founded"], 2024);
    let history = app.get_json("/v1/companies/acme-ai/revisions").await;
    assert_eq!(history["data"].as_array().unwrap().len(), 5);

    // Revisions cannot be edited or deleted.
    let id = history["data"][0]["id"].as_str().unwrap();
    for method in [Method::PATCH, Method::DELETE, Method::PUT] {
        let response = app
            .request(method, &format!("/v1/revisions/{id}"), Some(&key))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert!(
            matches!(response.status().as_u16(), 404 | 405),
            "{}",
            response.status()
        );
    }
    let stranger = "01a22585-39e1-77b7-ba5e-91f0f461d74c";
    let missing = app
        .request(
            Method::POST,
            &format!("/v1/companies/acme-ai/revisions/{stranger}/restore"),
            Some(&key),
        )
        .send()
        .await
        .unwrap();
    assert_problem(missing, 404).await;
}

async fn claims_keep_their_verdict_rules_through_every_change(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let claim = json!({
        "key": "test-claim",
        "text": {"en": "OpenAI released open-weight models in August 2025.", "ar": "أصدرت أوبن إيه آي نماذج مفتوحة الأوزان في أغسطس 2025."},
        "original": {"language": "en", "text": "OpenAI released open-weight models in August 2025."},
        "claimant": {"name": {"en": "A test", "ar": "اختبار"}, "company": "openai"},
        "source": "aljazeera-ai-race-2025",
        "topics": ["open-weights"],
        "subjects": [{"type": "company", "key": "openai"}],
        "verdict": "supported",
        "verdict_summary": {"en": "gpt-oss came out on 2025-08-05.", "ar": "صدر gpt-oss في 5 أغسطس 2025."},
        "evidence": []
    });
    let refused = app
        .request(Method::POST, "/v1/claims", Some(&key))
        .json(&claim)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(refused, 422).await;
    assert_eq!(problem["errors"][0]["field"], "evidence");

    let mut with_evidence = claim.clone();
    with_evidence["evidence"] = json!([{"statistic": "article-s6", "relation": "context"}]);
    let created = app
        .request(Method::POST, "/v1/claims", Some(&key))
        .json(&with_evidence)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let path = "/v1/claims/test-claim";
    let body = app.get_json(path).await;
    assert_eq!(body["evidence"][0]["statistic"]["key"], "article-s6");

    // Add a source as evidence, then a subject.
    let added = app
        .request(Method::POST, &format!("{path}/evidence"), Some(&key))
        .json(&json!({"source": "aljazeera-ai-race-2025", "relation": "supports", "note": {"en": "n", "ar": "ن"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    let body: Value = added.json().await.unwrap();
    assert_eq!(body["evidence"].as_array().unwrap().len(), 2);
    let first_evidence = body["evidence"][0]["id"].as_str().unwrap().to_owned();
    let second_evidence = body["evidence"][1]["id"].as_str().unwrap().to_owned();
    let added = app
        .request(Method::POST, &format!("{path}/subjects"), Some(&key))
        .json(&json!({"type": "model", "key": "gpt-oss-120b"}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    let twice = app
        .request(Method::POST, &format!("{path}/subjects"), Some(&key))
        .json(&json!({"type": "model", "key": "gpt-oss-120b"}))
        .send()
        .await
        .unwrap();
    assert_problem(twice, 422).await;
    let about = app
        .get_json("/v1/claims?subject=gpt-oss-120b&limit=200")
        .await;
    assert!(
        about["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["key"] == "test-claim"),
        "{about}"
    );

    // Removing evidence needs If-Match; the last piece of a supported claim cannot go.
    assert_problem(
        app.request(
            Method::DELETE,
            &format!("{path}/evidence/{first_evidence}"),
            Some(&key),
        )
        .send()
        .await
        .unwrap(),
        428,
    )
    .await;
    let etag = app.etag(path).await;
    let removed = app
        .request(
            Method::DELETE,
            &format!("{path}/evidence/{first_evidence}"),
            Some(&key),
        )
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 200);
    let body: Value = removed.json().await.unwrap();
    assert_eq!(body["evidence"].as_array().unwrap().len(), 1);
    assert_eq!(
        body["evidence"][0]["id"],
        second_evidence.as_str(),
        "evidence keeps its id"
    );
    let etag = app.etag(path).await;
    let last = app
        .request(
            Method::DELETE,
            &format!("{path}/evidence/{second_evidence}"),
            Some(&key),
        )
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_problem(last, 422).await;
    let gone = app
        .request(
            Method::DELETE,
            &format!("{path}/evidence/{first_evidence}"),
            Some(&key),
        )
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_problem(gone, 404).await;

    // Moving to `opinion` lifts the evidence rule; the history has every step.
    let etag = app.etag(path).await;
    let opinion = app
        .request(Method::PATCH, path, Some(&key))
        .header("if-match", &etag)
        .json(&json!({"verdict": "opinion", "evidence": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(opinion.status(), 200);
    let subjects = app
        .request(
            Method::DELETE,
            &format!("{path}/subjects/company/openai"),
            Some(&key),
        )
        .header("if-match", app.etag(path).await)
        .send()
        .await
        .unwrap();
    assert_eq!(subjects.status(), 200);
    let history = app.get_json(&format!("{path}/revisions")).await;
    let steps = history["data"].as_array().unwrap();
    assert_eq!(steps.len(), 6);
    assert_eq!(steps[1]["after"]["verdict"], "opinion");
    assert_eq!(steps[1]["before"]["evidence"].as_array().unwrap().len(), 1);

    // Deleting the claim takes its parts with it, and the revision keeps them.
    let etag = app.etag(path).await;
    let deleted = app
        .request(Method::DELETE, path, Some(&key))
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let history = app.get_json(&format!("{path}/revisions")).await;
    assert_eq!(
        history["data"][0]["before"]["subjects"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let unique: HashSet<&str> = history["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(unique.len(), 7);
}

crate::on_both_backends!(
    writes_need_a_live_key_of_the_right_role,
    a_revoked_key_stops_working_at_once_and_keys_are_shown_only_once,
    bad_bodies_are_refused_naming_the_field_and_change_nothing,
    conflicts_are_409_naming_the_field_and_cited_records_cannot_be_deleted,
    if_match_and_if_none_match_guard_every_change,
    of_fifty_concurrent_patches_with_one_tag_exactly_one_wins,
    an_idempotency_key_makes_a_retried_create_create_once,
    every_change_is_a_revision_that_can_be_restored,
    claims_keep_their_verdict_rules_through_every_change,
);
