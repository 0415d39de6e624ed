//! Provenance and accuracy: where the dataset's facts come from, and figures worded as their
//! sources word them (qualifiers, period precision, untitled sources).

use migration::{Migrator, MigratorTrait};
use mizan::dataset::Dataset;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, assert_problem, assert_refused, data_dir, edited_copy, spawn_app,
    spawn_app_with_dataset,
};

#[test]
fn every_source_is_dated_and_points_at_the_document_itself() {
    let data = Dataset::read(&data_dir()).unwrap();
    let mut short = Vec::new();
    for source in &data.sources {
        assert!(
            source.input.retrieved_at.is_some(),
            "{}: every source says when it was checked",
            source.key
        );
        let path = source
            .input
            .url
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('/'))
            .map_or("", |(_, path)| path);
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segments = path.split('/').filter(|s| !s.is_empty()).count();
        if segments <= 1 {
            short.push(source.key.clone());
            let note = source
                .input
                .note
                .as_ref()
                .map(|n| n.en.as_str())
                .unwrap_or("");
            assert!(
                note.contains("not a section"),
                "{} ({}): an address of {segments} path segment(s) must be justified in its note",
                source.key,
                source.input.url
            );
        }
    }
    // The ones there are today, each justified: a change to the list is a change to review.
    short.sort();
    assert_eq!(
        short,
        ["kimi-k2-release", "openai-open-model-feedback-2025"],
        "sources whose address is a site's home or a single segment"
    );
}

async fn a_query_for_r1s_downloads_does_not_return_its_derivatives(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let own = app
        .collect("/v1/statistics?subject=deepseek-r1&metric=downloads", "key")
        .await;
    assert!(
        !own.iter()
            .any(|k| k == "article-s3" || k.contains("derivative")),
        "{own:?}"
    );
    let derivatives = app
        .collect(
            "/v1/statistics?subject=deepseek-r1&metric=derivative_downloads",
            "key",
        )
        .await;
    assert_eq!(
        derivatives,
        ["article-s3", "fa-deepseek-r1-derivative-downloads-2025-01"]
    );
    let s3 = app.get_json("/v1/statistics/article-s3").await;
    assert_eq!(s3["metric"]["key"], "derivative_downloads");
    assert_eq!(s3["qualifier"], "more_than");
}

async fn deepseeks_app_users_are_one_series(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let series = app
        .get_json("/v1/statistics?subject=deepseek&metric=monthly_active_users&sort=period_start")
        .await;
    let points: Vec<(&str, &str, f64)> = series["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap(),
                s["period"]["start"].as_str().unwrap(),
                s["value"].as_f64().unwrap(),
            )
        })
        .collect();
    let keys: Vec<&str> = points.iter().map(|p| p.0).collect();
    assert!(
        keys.contains(&"fa-deepseek-app-users-2025-01") && keys.contains(&"article-s1"),
        "both points under one metric: {points:?}"
    );
    assert_eq!(
        points.first().map(|p| (p.1, p.2)),
        Some(("2025-01-01", 33_000_000.0)),
        "in period order: {points:?}"
    );
    assert!(
        points
            .iter()
            .all(|p| p.1 == "2025-01-01" || p.1 == "2025-04-01"),
        "{points:?}"
    );
    let s1 = app.get_json("/v1/statistics/article-s1").await;
    assert_eq!(s1["period"]["precision"], "month");
    assert_eq!(s1["qualifier"], "approximately");
}

fn statistic(changes: Value) -> Value {
    let mut body = json!({
        "metric": "derivative_models", "subject_type": "model", "subject": "deepseek-r1",
        "value": 500.0, "qualifier": "at_least", "unit": "models",
        "period_start": "2025-02-01", "period_end": "2025-02-28", "period_precision": "month",
        "method": "reported", "source": "foreign-affairs-chinas-overlooked-ai-strategy-2025"
    });
    json_patch::merge(&mut body, &changes);
    body
}

async fn a_qualifier_and_a_period_precision_round_trip(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;

    // Read and filter.
    let bounds = app
        .collect("/v1/statistics?qualifier=more_than&limit=200", "key")
        .await;
    for expected in [
        "article-s2",
        "article-s3",
        "fa-deepseek-r1-derivatives-2025-01",
    ] {
        assert!(bounds.contains(&expected.to_owned()), "{bounds:?}");
    }
    assert!(!bounds.contains(&"article-s1".to_owned()), "{bounds:?}");
    let facets = app
        .get_json("/v1/statistics?facets=qualifier&count=true&limit=1")
        .await;
    let counts = facets["facets"]["qualifier"].as_array().unwrap();
    assert!(
        counts
            .iter()
            .any(|c| c["value"] == "approximately" && c["count"].as_u64() >= Some(1)),
        "{counts:?}"
    );
    let problem = assert_problem(app.get("/v1/statistics?qualifier=roughly").await, 400).await;
    assert_eq!(problem["errors"][0]["field"], "qualifier", "{problem}");

    // Write, then change.
    let created = app
        .request(Method::POST, "/v1/statistics", Some(&key))
        .json(&statistic(json!({})))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["qualifier"], "at_least");
    assert_eq!(
        created["period"],
        json!({"start": "2025-02-01", "end": "2025-02-28", "precision": "month"})
    );
    let path = format!("/v1/statistics/{}", created["id"].as_str().unwrap());
    assert_eq!(app.get_json(&path).await["qualifier"], "at_least");
    let changed = app
        .request(Method::PATCH, &path, Some(&key))
        .header("if-match", app.etag(&path).await)
        .header("content-type", "application/merge-patch+json")
        .json(&json!({"qualifier": "approximately", "period_precision": null, "period_end": null, "period_start": "2025-02-14"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["qualifier"], "approximately");
    assert_eq!(changed["period"]["precision"], "day");
    let history = app.get_json(&format!("{path}/revisions")).await;
    let latest = &history["data"][0];
    assert_eq!(latest["after"]["qualifier"], "approximately", "{latest}");
    assert_eq!(latest["before"]["qualifier"], "at_least", "{latest}");

    // What the service refuses, naming the field.
    for (body, field) in [
        (
            statistic(json!({"value": null, "value_low": 400.0, "value_high": 600.0})),
            "qualifier",
        ),
        (
            statistic(json!({"period_start": "2025-02-02"})),
            "period_start",
        ),
        (statistic(json!({"period_end": "2025-02-27"})), "period_end"),
        (
            statistic(
                json!({"period_precision": "year", "period_start": "2025-01-01", "period_end": "2025-06-30"}),
            ),
            "period_end",
        ),
    ] {
        assert_refused(&app, &key, "/v1/statistics", &body, field).await;
    }
    let unknown = app
        .request(Method::POST, "/v1/statistics", Some(&key))
        .json(&statistic(json!({"qualifier": "roughly"})))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(unknown, 422).await;
    assert!(problem.to_string().contains("qualifier"), "{problem}");
}

async fn cards_and_claimreviews_word_a_bound_as_its_source_does(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    // article-c5 rests on the essay's "over 500 derivative versions".
    for (lang, words) in [("en", "more than 500"), ("ar", "أكثر من 500")] {
        let card = app
            .get(&format!("/v1/claims/article-c5/card?lang={lang}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(card.contains(words), "{lang} card: {card}");
        let review = app
            .get_json(&format!("/v1/claims/article-c5/claimreview?lang={lang}"))
            .await;
        let cited: Vec<&str> = review["citation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert!(
            cited.iter().any(|name| name.contains(words)),
            "{lang} ClaimReview citations: {cited:?}"
        );
        assert!(review["reviewBody"].as_str().is_some_and(|b| !b.is_empty()));
    }
    // An approximation reads as one, in Arabic as Arabic news copy writes it.
    let card = app
        .get("/v1/claims/article-c4/card?lang=ar")
        .await
        .text()
        .await
        .unwrap();
    assert!(card.contains("نحو 97 مليونًا"), "{card}");
    let card = app
        .get("/v1/claims/article-c4/card?lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(card.contains("about 97 million"), "{card}");
}

async fn a_source_without_a_verified_title_is_cited_by_its_publisher(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let page = app.get_json("/v1/sources/aurestv-ai-race-2025").await;
    assert!(page["title"].is_null(), "{page}");
    assert!(page["retrieved_at"].is_string(), "{page}");
    // article-c1's words appeared there.
    let review = app.get_json("/v1/claims/article-c1/claimreview").await;
    let appearance = &review["itemReviewed"]["appearance"];
    assert!(appearance.get("headline").is_none(), "{appearance}");
    assert_eq!(appearance["publisher"]["name"], "aurestv.net");
    assert_eq!(
        review["itemReviewed"]["author"]["name"],
        "aurestv.net (unsigned article)"
    );
    // A claim the essay makes is its authors', dated by the essay.
    let c2 = app.get_json("/v1/claims/article-c2").await;
    assert_eq!(
        c2["claimant"]["name"]["en"],
        "Owen Daniels and Hanna Dohmen"
    );
    assert_eq!(c2["stated"], "2025-07-25");
    // Through the API too: a title may be left out, never left blank.
    let key = app.key("editor").await;
    let body = json!({"publisher": "Example News", "url": "https://news.example/2025/11/story",
        "language": "en", "kind": "news"});
    let created = app
        .request(Method::POST, "/v1/sources", Some(&key))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert!(created["title"].is_null());
    let mut blank = body.clone();
    blank["title"] = json!("  ");
    let response = app
        .request(Method::POST, "/v1/sources", Some(&key))
        .json(&blank)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["field"], "title", "{problem}");
    // Search names an untitled source by its publisher.
    let hits = app.get_json("/v1/search?q=aurestv&types=sources").await;
    assert_eq!(hits["data"][0]["title"]["en"], "aurestv.net", "{hits}");
}

async fn the_latest_migrations_go_down_and_up_keeping_every_record(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let before = app.get_json("/v1/statistics/article-s2").await;
    let sources = app.collect("/v1/sources", "key").await;
    let history = app.get_json("/v1/statistics/article-s2/revisions").await;
    Migrator::down(&app.db, Some(4)).await.unwrap();
    mizan::startup::migrate(&app.db).await.unwrap();
    // History reads as it did: the revisions this build wrote are still representations.
    assert_eq!(
        app.get_json("/v1/statistics/article-s2/revisions").await,
        history
    );
    // Going down fills a missing title with the publisher, as the old schema needs one;
    // nothing else is lost, and the other tables' references survive the rebuild.
    assert_eq!(app.collect("/v1/sources", "key").await, sources);
    let after = app.get_json("/v1/statistics/article-s2").await;
    assert_eq!(after["source"]["id"], before["source"]["id"]);
    assert_eq!(after["source"]["title"], "aurestv.net");
    assert_eq!(after["value"], before["value"]);
    let c1 = app.get_json("/v1/claims/article-c1").await;
    assert_eq!(c1["source"]["key"], "aurestv-ai-race-2025");
    let hits = app.get_json("/v1/search?q=aurestv&types=sources").await;
    assert_eq!(hits["data"].as_array().unwrap().len(), 1, "{hits}");
}

async fn a_corrected_verdict_is_an_edit_in_the_claims_verdict_history(backend: Backend) {
    // The dataset as it was before article-c14 was reconsidered on its evidence …
    let app = spawn_app(backend).await;
    let before = edited_copy("claims.toml", |text| {
        let at = text.find("key = \"article-c14\"").unwrap();
        let (head, tail) = text.split_at(at);
        format!(
            "{head}{}",
            tail.replacen(
                "verdict = \"supported\"",
                "verdict = \"partly_supported\"",
                1
            )
        )
    });
    mizan::dataset::seed(&app.db, before.path()).await.unwrap();
    // … then as it is: the change is applied as an edit by the dataset, with its summary.
    let report = mizan::dataset::seed(&app.db, &data_dir()).await.unwrap();
    assert_eq!((report.created, report.updated), (0, 1), "{report}");
    let history = app.get_json("/v1/claims/article-c14/verdicts").await;
    let verdicts: Vec<(&str, &str)> = history["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["verdict"].as_str().unwrap(), v["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [("supported", "dataset"), ("partly_supported", "dataset")],
        "newest first"
    );
    assert!(
        history["data"][0]["summary"]["en"]
            .as_str()
            .unwrap()
            .contains("the fear is documented")
    );
}

crate::on_both_backends!(
    a_corrected_verdict_is_an_edit_in_the_claims_verdict_history,
    a_query_for_r1s_downloads_does_not_return_its_derivatives,
    deepseeks_app_users_are_one_series,
    a_qualifier_and_a_period_precision_round_trip,
    cards_and_claimreviews_word_a_bound_as_its_source_does,
    a_source_without_a_verified_title_is_cited_by_its_publisher,
    the_latest_migrations_go_down_and_up_keeping_every_record,
);
