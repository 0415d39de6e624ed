//! The change log, `/v1/events`: every change once, in commit order, showing the record as
//! `GET` did right after it.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, TestApp, TestDatabase, assert_problem, company_input, spawn_app_on,
    spawn_app_with_dataset,
};

/// Every event after `after` matching `query` (`types=…&resource=…`), read page by page.
async fn events_after(app: &TestApp, after: i64, query: &str) -> Vec<Value> {
    let mut events = Vec::new();
    let mut after = after;
    loop {
        let body = app
            .get_json(&format!("/v1/events?after={after}&limit=37&{query}"))
            .await;
        let page = body["data"].as_array().unwrap();
        events.extend(page.iter().cloned());
        match body["next_cursor"].as_str() {
            Some(next) => after = next.parse().unwrap(),
            None => return events,
        }
    }
}

/// The id of the last event in the log (0 when it is empty).
async fn last_event(app: &TestApp) -> i64 {
    events_after(app, 0, "")
        .await
        .last()
        .map_or(0, |event| event["id"].as_i64().unwrap())
}

async fn the_log_pages_in_order_filters_and_refuses_what_it_cannot_read(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    // The dataset's load: one `created` event per record, ids from 1 with no gap.
    let all = events_after(&app, 0, "").await;
    let revisions = app.collect("/v1/revisions", "id").await;
    assert_eq!(all.len(), revisions.len());
    for (i, event) in all.iter().enumerate() {
        assert_eq!(event["id"], i as i64 + 1, "{event}");
        assert_eq!(event["actor"], "dataset");
        assert!(
            event["type"].as_str().unwrap().ends_with(".created"),
            "{event}"
        );
        assert_eq!(event["schema_version"], 1);
    }
    // The first page's Link names the next one.
    let first = app.get("/v1/events?limit=5&resource=claims").await;
    let link = first.headers()["link"].to_str().unwrap().to_owned();
    let body: Value = first.json().await.unwrap();
    let last = body["data"][4]["id"].as_i64().unwrap();
    assert_eq!(body["next_cursor"], last.to_string());
    assert!(
        link.contains(&format!("after={last}")) && link.contains("resource=claims"),
        "{link}"
    );
    // Filters: a type, every type of a resource, a resource.
    let claims = events_after(&app, 0, "types=claim.*").await;
    assert!(!claims.is_empty());
    assert!(claims.iter().all(|e| e["resource"] == "claims"));
    assert_eq!(claims, events_after(&app, 0, "resource=claims").await);
    let two = events_after(&app, 0, "types=country.created,metric.created").await;
    assert!(
        two.iter()
            .all(|e| e["type"] == "country.created" || e["type"] == "metric.created")
    );
    assert_eq!(
        two.len(),
        all.iter()
            .filter(|e| e["resource"] == "countries" || e["resource"] == "metrics")
            .count()
    );
    // In one language, the data's texts are strings.
    let arabic = app
        .get_json("/v1/events?resource=companies&limit=1&lang=ar")
        .await;
    assert!(arabic["data"][0]["data"]["name"].is_string(), "{arabic}");
    // Nothing after the last: an empty page, no next.
    let end = app
        .get_json(&format!("/v1/events?after={}", all.len()))
        .await;
    assert_eq!(end["data"], json!([]));
    assert!(end["next_cursor"].is_null());
    for query in [
        "after=-1",
        "after=first",
        "types=claim.changed",
        "types=claims.*",
        "resource=people",
        "limit=0",
        "limit=201",
        "cursor=abc",
        "sort=-id",
        "colour=red",
    ] {
        assert_problem(app.get(&format!("/v1/events?{query}")).await, 400).await;
    }
}

async fn every_event_shows_the_record_as_get_did_after_its_change(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let start = last_event(&app).await;
    let mut shown = Vec::new();

    let created = app
        .request(Method::POST, "/v1/companies", Some(&key))
        .json(&company_input("logged-lab"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let path = "/v1/companies/logged-lab";
    shown.push(("company.created", app.get_json(path).await));
    let changed = app
        .request(Method::PATCH, path, Some(&key))
        .header("if-match", app.etag(path).await)
        .json(&json!({"founded": 2024}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    shown.push(("company.updated", app.get_json(path).await));
    // A change of verdict announces itself beside the update.
    let claim = "/v1/claims/article-c3";
    let verdict = app.get_json(claim).await["verdict"].clone();
    let moved = if verdict == "opinion" {
        "unreviewed"
    } else {
        "opinion"
    };
    let changed = app
        .request(Method::PATCH, claim, Some(&key))
        .header("if-match", app.etag(claim).await)
        .json(&json!({"verdict": moved, "verdict_summary": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    let claim_now = app.get_json(claim).await;
    shown.push(("claim.updated", claim_now.clone()));
    shown.push(("claim.verdict_changed", claim_now));
    let deleted = app
        .request(Method::DELETE, path, Some(&key))
        .header("if-match", app.etag(path).await)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let last_shown = shown[1].1.clone();
    shown.push(("company.deleted", last_shown));

    let events = events_after(&app, start, "").await;
    assert_eq!(events.len(), shown.len(), "{events:#?}");
    for (event, (kind, record)) in events.iter().zip(&shown) {
        assert_eq!(event["type"], *kind);
        assert_eq!(&event["data"], record, "{kind}");
        assert_eq!(event["record_id"], record["id"]);
    }
    // The update and the verdict change are one revision, and the revision holds the same.
    assert_eq!(events[2]["revision_id"], events[3]["revision_id"]);
    let history = app.get_json(&format!("{claim}/revisions?limit=1")).await;
    assert_eq!(history["data"][0]["id"], events[2]["revision_id"]);
    assert_eq!(history["data"][0]["after"], events[2]["data"]);
    // A restore is a change like any other.
    let restored = app
        .request(
            Method::POST,
            &format!(
                "{path}/revisions/{}/restore",
                events[1]["revision_id"].as_str().unwrap()
            ),
            Some(&key),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), 200);
    let events = events_after(&app, start + shown.len() as i64, "").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "company.restored");
    assert_eq!(events[0]["data"], app.get_json(path).await);
}

async fn a_refused_or_rolled_back_write_leaves_no_event(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let start = last_event(&app).await;
    let path = "/v1/statistics/article-s1";
    let tag = app.etag(path).await;
    let bad = app
        .request(Method::PATCH, path, Some(&key))
        .header("if-match", &tag)
        .json(&json!({"value": "many"}))
        .send()
        .await
        .unwrap();
    assert_problem(bad, 422).await;
    let stale = app
        .request(Method::PATCH, path, Some(&key))
        .header("if-match", "\"999-0123456789abcdef\"")
        .json(&json!({"value": 1}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412).await;
    // A write that does everything but commit.
    let mut writer = mizan::services::changes::Writer::begin(&app.db, "test")
        .await
        .unwrap();
    mizan::services::resources::create_json::<mizan::services::companies::Companies>(
        &mut writer,
        company_input("never-lab"),
    )
    .await
    .unwrap();
    writer.rollback().await.unwrap();
    assert_eq!(last_event(&app).await, start);
    assert_problem(app.get("/v1/companies/never-lab").await, 404).await;
    // The next change takes the next id: no gap where the others were.
    let good = app
        .request(Method::PATCH, path, Some(&key))
        .header("if-match", &tag)
        .json(&json!({"note": {"en": "Checked again.", "ar": "رُوجع مرة أخرى."}}))
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 200);
    let events = events_after(&app, start, "").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["id"], start + 1);
    assert_eq!(events[0]["type"], "statistic.updated");
}

/// Two hundred creates at once, through a pool that lets sixteen transactions run
/// together, while a reader polls the log with `after=` the last id it saw: it reads every
/// event exactly once, in commit order, and misses none.
async fn a_reader_polling_during_concurrent_writes_misses_nothing(backend: Backend) {
    const WRITES: usize = 200;
    let database = TestDatabase::create(backend).await;
    let app = spawn_app_on(database, true, |config| config.db_max_connections = 16).await;
    let key = app.key("editor").await;
    let start = last_event(&app).await;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));

    let reader = {
        let client = app.client.clone();
        let address = app.address.clone();
        let done = done.clone();
        async move {
            let mut seen: Vec<i64> = Vec::new();
            let mut after = start;
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let body: Value = client
                    .get(format!("{address}/v1/events?after={after}&limit=23"))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let page = body["data"].as_array().unwrap();
                for event in page {
                    let id = event["id"].as_i64().unwrap();
                    assert!(id > after, "event {id} after {after}: out of order");
                    seen.push(id);
                    after = id;
                }
                if page.is_empty() {
                    if finished {
                        return seen;
                    }
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
        }
    };
    let writers = async {
        let requests = (0..WRITES).map(|i| {
            app.request(Method::POST, "/v1/companies", Some(&key))
                .json(&company_input(&format!("busy-lab-{i}")))
                .send()
        });
        let responses = futures::future::join_all(requests).await;
        for response in responses {
            assert_eq!(response.unwrap().status(), 201);
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
    };
    let (seen, ()) = tokio::join!(reader, writers);

    let logged: Vec<i64> = events_after(&app, start, "")
        .await
        .iter()
        .map(|event| event["id"].as_i64().unwrap())
        .collect();
    assert_eq!(logged.len(), WRITES);
    assert_eq!(
        seen, logged,
        "the reader saw the log as it is, in its order"
    );
    let expected: Vec<i64> = (start + 1..=start + WRITES as i64).collect();
    assert_eq!(logged, expected, "one id per event, none skipped");
    let created = app.collect("/v1/companies?limit=200", "slug").await;
    assert_eq!(
        created
            .iter()
            .filter(|slug| slug.starts_with("busy-lab-"))
            .count(),
        WRITES
    );
}

crate::on_both_backends!(
    the_log_pages_in_order_filters_and_refuses_what_it_cannot_read,
    every_event_shows_the_record_as_get_did_after_its_change,
    a_refused_or_rolled_back_write_leaves_no_event,
    a_reader_polling_during_concurrent_writes_misses_nothing,
);
