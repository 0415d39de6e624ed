//! The curated dataset: what it holds, and how it loads.

use std::{collections::HashSet, path::Path};

use entity::revision;
use mizan::dataset::{self, Dataset, DatasetError, Problem};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use serde_json::{Value, json};

use crate::helpers::{
    Backend, TestDatabase, assert_problem, data_dir, edited_copy, spawn_app_with_dataset,
    test_config,
};

async fn fresh_db(backend: Backend) -> (TestDatabase, DatabaseConnection) {
    let database = TestDatabase::create(backend).await;
    let db = mizan::startup::connect(&test_config(&database.url))
        .await
        .unwrap();
    mizan::startup::migrate(&db).await.unwrap();
    (database, db)
}

async fn revision_count(db: &DatabaseConnection) -> u64 {
    revision::Entity::find().count(db).await.unwrap()
}

async fn the_dataset_loads_whole_and_is_served(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let data = Dataset::read(&data_dir()).unwrap();
    let counts = [
        ("countries", data.countries.len()),
        ("sources", data.sources.len()),
        ("companies", data.companies.len()),
        ("models", data.models.len()),
        ("metrics", data.metrics.len()),
        ("statistics", data.statistics.len()),
        ("claims", data.claims.len()),
    ];
    for (resource, expected) in counts {
        let total = app
            .get_json(&format!("/v1/{resource}?count=true&limit=1"))
            .await["total"]
            .as_u64()
            .unwrap();
        assert_eq!(total as usize, expected, "{resource}");
    }
    assert!(data.companies.len() >= 12);
    assert!(data.models.len() >= 20);
    let article = app.get_json("/v1/sources/aljazeera-ai-race-2025").await;
    assert_eq!(article["language"], "ar");
    let c10 = app.get_json("/v1/claims/article-c10").await;
    assert_eq!(c10["claimant"]["name"]["en"], "Sam Altman");
    assert_eq!(c10["claimant"]["company"]["slug"], "openai");
    // Each create is recorded, by the dataset.
    let revisions = revision::Entity::find()
        .filter(revision::Column::Actor.eq("dataset"))
        .count(&app.db)
        .await
        .unwrap();
    let records: usize = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(revisions as usize, records);
}

async fn loading_twice_changes_nothing_the_second_time(backend: Backend) {
    let (_database, db) = fresh_db(backend).await;
    let first = dataset::seed(&db, &data_dir()).await.unwrap();
    assert!(first.created > 100, "{first}");
    let revisions = revision_count(&db).await;

    let second = dataset::seed(&db, &data_dir()).await.unwrap();

    assert!(
        second.is_empty(),
        "the second load changed something: {second}"
    );
    assert_eq!(second.unchanged, first.created);
    assert_eq!(revision_count(&db).await, revisions);
}

async fn a_changed_file_applies_exactly_the_difference(backend: Backend) {
    // Arrange
    let (_database, db) = fresh_db(backend).await;
    dataset::seed(&db, &data_dir()).await.unwrap();
    let revisions = revision_count(&db).await;
    let dir = edited_copy("models.toml", |text| {
        text.replacen("name = \"DeepSeek-R1\"", "name = \"DeepSeek R1\"", 1)
    });
    let claims = std::fs::read_to_string(dir.path().join("claims.toml")).unwrap();
    let claims = claims.replacen("relation = \"supports\"", "relation = \"context\"", 1);
    std::fs::write(dir.path().join("claims.toml"), claims).unwrap();

    // Act
    let report = dataset::seed(&db, dir.path()).await.unwrap();

    // Assert
    assert_eq!(
        (report.created, report.updated, report.deleted),
        (0, 2, 0),
        "{report}"
    );
    assert_eq!(revision_count(&db).await, revisions + 2);
    let changes = revision::Entity::find()
        .filter(revision::Column::Action.eq("update"))
        .all(&db)
        .await
        .unwrap();
    let model = changes
        .iter()
        .find(|r| r.resource == "models")
        .expect("a model revision");
    assert_eq!(model.actor, "dataset");
    assert_eq!(model.record_key.as_deref(), Some("deepseek-r1"));
    assert_eq!(model.before.as_ref().unwrap()["name"], "DeepSeek-R1");
    assert_eq!(model.after.as_ref().unwrap()["name"], "DeepSeek R1");
    let claim = changes
        .iter()
        .find(|r| r.resource == "claims")
        .expect("a claim revision");
    assert_eq!(
        claim.before.as_ref().unwrap()["evidence"][0]["relation"],
        "supports"
    );
    assert_eq!(
        claim.after.as_ref().unwrap()["evidence"][0]["relation"],
        "context"
    );
    // And loading the same files again is a no-op.
    assert!(dataset::seed(&db, dir.path()).await.unwrap().is_empty());
}

async fn a_record_removed_from_the_files_is_deleted_with_a_revision(backend: Backend) {
    let (_database, db) = fresh_db(backend).await;
    dataset::seed(&db, &data_dir()).await.unwrap();
    let dir = edited_copy("claims.toml", |text| {
        let start = text
            .find("[[claims]]\nkey = \"article-c22\"")
            .expect("c22 is there");
        text[..start].to_owned()
    });

    let report = dataset::seed(&db, dir.path()).await.unwrap();

    assert_eq!(
        (report.created, report.updated, report.deleted),
        (0, 0, 1),
        "{report}"
    );
    let deletion = revision::Entity::find()
        .filter(revision::Column::Action.eq("delete"))
        .one(&db)
        .await
        .unwrap()
        .expect("a delete revision");
    assert_eq!(deletion.record_key.as_deref(), Some("article-c22"));
    assert!(deletion.after.is_none() && deletion.before.is_some());
}

async fn a_broken_file_leaves_the_database_untouched(backend: Backend) {
    let (_database, db) = fresh_db(backend).await;
    dataset::seed(&db, &data_dir()).await.unwrap();
    let revisions = revision_count(&db).await;
    // One good change and one broken reference: neither may be applied.
    let dir = edited_copy("claims.toml", |text| {
        text.replacen("verdict = \"opinion\"", "verdict = \"unreviewed\"", 1)
            .replacen(
                "source = \"aurestv-ai-race-2025\"",
                "source = \"no-such-source\"",
                1,
            )
    });

    let err = dataset::seed(&db, dir.path())
        .await
        .expect_err("a broken reference must fail");

    let message = format!("{err:#}");
    assert!(message.contains("claims.toml"), "{message}");
    assert!(message.contains("article-c1"), "{message}");
    assert!(message.contains("field `source`"), "{message}");
    assert!(message.contains("no-such-source"), "{message}");
    assert_eq!(revision_count(&db).await, revisions);
    assert!(
        dataset::seed(&db, &data_dir()).await.unwrap().is_empty(),
        "nothing was half-applied"
    );
}

/// One table of bad inputs, each written into the dataset's files and sent as a merge
/// patch to the API: both refuse it on the same field with the same message, since both
/// go through the same write path.
async fn the_loader_and_the_api_refuse_alike(backend: Backend) {
    let cases: Vec<(&str, &str, &str, &str, Value, &str)> = vec![
        // (file, text, replacement, record URL, patch, field)
        (
            "models.toml",
            "company = \"deepseek\"",
            "company = \"nobody\"",
            "/v1/models/deepseek-v3-base",
            json!({"company": "nobody"}),
            "company",
        ),
        (
            "models.toml",
            "openness = \"open_weights\"",
            "openness = \"open\"",
            "/v1/models/deepseek-v3-base",
            json!({"openness": "open"}),
            "openness",
        ),
        (
            "models.toml",
            "parameters_total = 671000000000",
            "parameters_total = -5",
            "/v1/models/deepseek-v3-base",
            json!({"parameters_total": -5}),
            "parameters_total",
        ),
        (
            "statistics.toml",
            "value = 97000000",
            "value_low = 9\nvalue_high = 1",
            "/v1/statistics/article-s1",
            json!({"value": null, "value_low": 9, "value_high": 1}),
            "value_low",
        ),
        (
            "statistics.toml",
            "period_end = 2025-04-30",
            "period_end = 2025-04-29",
            "/v1/statistics/article-s1",
            json!({"period_end": "2025-04-29"}),
            "period_end",
        ),
        (
            "statistics.toml",
            "period_precision = \"month\"",
            "period_precision = \"week\"",
            "/v1/statistics/article-s1",
            json!({"period_precision": "week"}),
            "period_precision",
        ),
        (
            "statistics.toml",
            "subject = \"deepseek\"",
            "subject = \"nobody\"",
            "/v1/statistics/article-s1",
            json!({"subject": "nobody"}),
            "subject",
        ),
        (
            "claims.toml",
            "verdict = \"supported\"",
            "verdict = \"true\"",
            "/v1/claims/article-c1",
            json!({"verdict": "true"}),
            "verdict",
        ),
        (
            "sources.toml",
            "language = \"ar\"",
            "language = \"arabic\"",
            "/v1/sources/aurestv-ai-race-2025",
            json!({"language": "arabic"}),
            "language",
        ),
        (
            "companies.toml",
            "country = \"CN\"",
            "country = \"XX\"",
            "/v1/companies/deepseek",
            json!({"country": "XX"}),
            "country",
        ),
    ];
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    for (file, from, to, path, patch, field) in cases {
        let dir = edited_copy(file, |text| text.replacen(from, to, 1));
        let record = path.rsplit('/').next().unwrap();
        let problems = problems_of(dir.path()).await;
        let loader: Vec<&str> = problems
            .iter()
            .filter(|p| p.file == file && p.record == record && p.field == field)
            .map(|p| p.message.as_str())
            .collect();
        let response = app
            .request(reqwest::Method::PATCH, path, Some(&key))
            .header("if-match", app.etag(path).await)
            .json(&patch)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 422).await;
        let api: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["field"] == field)
            .map(|e| e["message"].as_str().unwrap())
            .collect();
        assert!(!api.is_empty(), "{path} {patch}: {problem}");
        assert_eq!(loader, api, "{file}: `{to}` and PATCH {path} {patch}");
    }
}

crate::on_both_backends!(
    the_loader_and_the_api_refuse_alike,
    the_dataset_loads_whole_and_is_served,
    loading_twice_changes_nothing_the_second_time,
    a_changed_file_applies_exactly_the_difference,
    a_record_removed_from_the_files_is_deleted_with_a_revision,
    a_broken_file_leaves_the_database_untouched,
);

#[test]
fn every_statistic_and_claim_of_the_source_article_is_in_the_dataset() {
    // The ids facts.md gives the article's statistics and claims (S1–S6, C1–C22), read from
    // the shared seed when it sits beside the repository.
    let facts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/facts.md");
    let (mut stats, mut claims) = (HashSet::new(), HashSet::new());
    match std::fs::read_to_string(&facts) {
        Ok(text) => {
            for line in text.lines() {
                let id = line
                    .trim_start_matches('|')
                    .split('|')
                    .next()
                    .unwrap_or_default()
                    .trim();
                let number = id
                    .get(1..)
                    .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
                match (id.chars().next(), number) {
                    (Some('S'), Some(n)) => stats.insert(format!("article-s{n}")),
                    (Some('C'), Some(n)) => claims.insert(format!("article-c{n}")),
                    _ => false,
                };
            }
        }
        Err(_) => {
            stats.extend((1..=6).map(|n| format!("article-s{n}")));
            claims.extend((1..=22).map(|n| format!("article-c{n}")));
        }
    }
    assert_eq!(
        (stats.len(), claims.len()),
        (6, 22),
        "facts.md names S1–S6 and C1–C22"
    );

    let data = Dataset::read(&data_dir()).unwrap();
    let have_stats: HashSet<String> = data.statistics.iter().map(|s| s.key.clone()).collect();
    let have_claims: HashSet<String> = data.claims.iter().map(|c| c.key.clone()).collect();
    assert!(
        stats.is_subset(&have_stats),
        "missing: {:?}",
        stats.difference(&have_stats).collect::<Vec<_>>()
    );
    assert!(
        claims.is_subset(&have_claims),
        "missing: {:?}",
        claims.difference(&have_claims).collect::<Vec<_>>()
    );
}

#[test]
fn the_committed_dataset_has_no_problems() {
    let problems = Dataset::read(&data_dir()).unwrap().problems();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Every problem the dataset in `dir` has: in its files alone, and as it is applied (on a
/// fresh database) through the write path's rules.
async fn problems_of(dir: &Path) -> Vec<Problem> {
    let data = Dataset::read(dir).unwrap();
    let (_database, db) = fresh_db(Backend::Sqlite).await;
    match dataset::apply(&db, &data).await {
        Ok(report) => panic!("the dataset loaded: {report}"),
        Err(DatasetError::Invalid(problems)) => problems,
        Err(other) => panic!("{other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_rule_names_its_file_record_and_field() {
    let cases: Vec<(&str, &str, &str, &str, &str)> = vec![
        (
            "models.toml",
            "company = \"deepseek\"",
            "company = \"nobody\"",
            "deepseek-v3-base",
            "company",
        ),
        (
            "models.toml",
            "openness = \"open_weights\"",
            "openness = \"open\"",
            "deepseek-v3-base",
            "openness",
        ),
        (
            "statistics.toml",
            "source = \"aurestv-ai-race-2025\"\n",
            "\n",
            "article-s1",
            "source",
        ),
        (
            "statistics.toml",
            "value = 97000000",
            "value_low = 9\nvalue_high = 1",
            "article-s1",
            "value_low",
        ),
        (
            "claims.toml",
            "verdict = \"supported\"",
            "verdict = \"true\"",
            "article-c1",
            "verdict",
        ),
        (
            "countries.toml",
            "code = \"CN\"",
            "code = \"cn\"",
            "cn",
            "code",
        ),
        (
            "sources.toml",
            "language = \"ar\"",
            "language = \"arabic\"",
            "aurestv-ai-race-2025",
            "language",
        ),
        // A bound stored as exact, where the note says "about" / «نحو».
        (
            "statistics.toml",
            "qualifier = \"approximately\"\n",
            "",
            "article-s1",
            "note.en",
        ),
        (
            "statistics.toml",
            "qualifier = \"approximately\"\n",
            "",
            "article-s1",
            "note.ar",
        ),
        (
            "statistics.toml",
            "qualifier = \"approximately\"",
            "qualifier = \"roughly\"",
            "article-s1",
            "qualifier",
        ),
        (
            "statistics.toml",
            "period_end = 2025-04-30\nperiod_precision = \"month\"",
            "period_end = 2025-04-29\nperiod_precision = \"month\"",
            "article-s1",
            "period_end",
        ),
        (
            "statistics.toml",
            "period_precision = \"month\"",
            "period_precision = \"week\"",
            "article-s1",
            "period_precision",
        ),
        // The glossary's rejected forms, in any Arabic text but the words as published.
        (
            "claims.toml",
            "الرقائق المتطورة",
            "الشرائح المتطورة",
            "article-c2",
            "text.ar",
        ),
        (
            "models.toml",
            "5.1 مليار",
            "5.1 مليارات",
            "gpt-oss-120b",
            "description.ar",
        ),
        (
            "companies.toml",
            "مزيج الخبراء",
            "خليط الخبراء",
            "moonshot-ai",
            "description.ar",
        ),
        // A group's place in the Global South follows its members'.
        (
            "countries.toml",
            "global_south = false\nmembers",
            "global_south = true\nmembers",
            "g20",
            "global_south",
        ),
        (
            "sources.toml",
            "title = \"China’s Overlooked AI Strategy: Beijing Is Using Soft Power to Gain Global Dominance\"",
            "title = \"   \"",
            "foreign-affairs-chinas-overlooked-ai-strategy-2025",
            "title",
        ),
    ];
    for (file, from, to, record, field) in cases {
        let dir = edited_copy(file, |text| text.replacen(from, to, 1));
        let problems = problems_of(dir.path()).await;
        assert!(
            problems
                .iter()
                .any(|p| p.file == file && p.record == record && p.field == field),
            "{file}: `{from}` → `{to}` should be reported on {record}.{field}, got {problems:#?}"
        );
    }
    // A claim whose verdict needs evidence, without any.
    let dir = edited_copy("claims.toml", |_| {
        r#"
[[claims]]
key = "bare"
text = { en = "x", ar = "س" }
original = { language = "en", text = "x" }
claimant = { name = { en = "Someone", ar = "شخص ما" } }
source = "aljazeera-ai-race-2025"
verdict = "false"
"#
        .to_owned()
    });
    let problems = problems_of(dir.path()).await;
    for field in ["evidence", "verdict_summary"] {
        assert!(
            problems
                .iter()
                .any(|p| p.record == "bare" && p.field == field),
            "{field}: {problems:#?}"
        );
    }
    // A file that does not parse names itself.
    let dir = edited_copy("metrics.toml", |text| text + "\n[[metrics]\n");
    let err = Dataset::read(dir.path()).unwrap_err().to_string();
    assert!(err.contains("metrics.toml"), "{err}");
}
