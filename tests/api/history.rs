//! History written by earlier builds: revisions that held column snapshots are read, and
//! restored, in the API's own terms once the service has upgraded them.

use entity::{claim, company, revision, statistic};
use migration::{Migrator, MigratorTrait};
use mizan::services::{claims::Children, revisions, upgrade};
use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    sea_query::{Alias, Query},
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Backend, TestApp, spawn_app_with_dataset};

/// A revision as builds before representations wrote it: every column of the record.
async fn legacy_revision(
    app: &TestApp,
    resource: &str,
    id: Uuid,
    key: &str,
    snapshot: Value,
) -> Uuid {
    let revision_id = Uuid::now_v7();
    revision::ActiveModel {
        id: Set(revision_id),
        resource: Set(resource.to_owned()),
        record_id: Set(id),
        record_key: Set(Some(key.to_owned())),
        action: Set("update".to_owned()),
        actor: Set("dataset".to_owned()),
        at: Set(revisions::now()),
        before: Set(Some(snapshot.clone())),
        after: Set(Some(snapshot)),
        schema_version: Set(0),
    }
    .insert(&app.db)
    .await
    .unwrap();
    revision_id
}

/// A claim's snapshot as those builds took it: its columns, and its parts by id.
async fn claim_snapshot(app: &TestApp, key: &str) -> (Uuid, Value) {
    let row = claim::Entity::find()
        .filter(claim::Column::Key.eq(key))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let parts = Children::load(&app.db, vec![row.id])
        .await
        .unwrap()
        .remove(&row.id)
        .unwrap_or_default();
    let mut snapshot = revisions::snapshot::<claim::Entity>(&row);
    snapshot["topics"] = json!(parts.topics);
    snapshot["subjects"] = parts
        .subjects
        .iter()
        .map(|s| json!({"type": s.kind, "model_id": s.model, "company_id": s.company, "country_code": s.country}))
        .collect();
    snapshot["evidence"] = parts
        .evidence
        .iter()
        .map(|e| json!({"statistic_id": e.statistic, "source_id": e.source, "relation": e.relation, "note_en": e.note_en, "note_ar": e.note_ar}))
        .collect();
    (row.id, snapshot)
}

/// The record's revision `id`, as `/revisions` shows it.
async fn shown(app: &TestApp, path: &str, id: Uuid) -> Value {
    let history = app.get_json(&format!("{path}/revisions?limit=200")).await;
    history["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.to_string())
        .cloned()
        .unwrap_or_else(|| panic!("no revision {id} in {history}"))
}

async fn a_revision_from_before_representations_reads_like_one_from_after(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let company = company::Entity::find()
        .filter(company::Column::Slug.eq("deepseek"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let snapshot = revisions::snapshot::<company::Entity>(&company);
    let old_company = legacy_revision(&app, "companies", company.id, "deepseek", snapshot).await;
    let (claim_id, snapshot) = claim_snapshot(&app, "article-c4").await;
    let old_claim = legacy_revision(&app, "claims", claim_id, "article-c4", snapshot).await;
    // Until upgraded, they show what they hold, at version 0.
    let before = shown(&app, "/v1/companies/deepseek", old_company).await;
    assert_eq!(before["schema_version"], 0);
    assert_eq!(before["after"]["name_en"], "DeepSeek");

    let upgraded = upgrade::run(&app.db).await.unwrap();
    assert_eq!((upgraded.revisions, upgraded.kept), (2, 0), "{upgraded:?}");
    assert_eq!(
        upgrade::run(&app.db).await.unwrap(),
        Default::default(),
        "once"
    );
    for (path, old) in [
        ("/v1/companies/deepseek", old_company),
        ("/v1/claims/article-c4", old_claim),
    ] {
        let revision = shown(&app, path, old).await;
        assert_eq!(revision["schema_version"], 1);
        // The record as it is (it has not changed since the dataset made it), as the
        // revision the dataset wrote shows it, and as GET shows it.
        let history = app.get_json(&format!("{path}/revisions?limit=200")).await;
        let created = history["data"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(created["action"], "create");
        assert_eq!(revision["after"], created["after"], "{path}");
        assert_eq!(revision["after"], app.get_json(path).await, "{path}");
        assert_eq!(
            app.get_json(&format!("{path}/revisions?lang=ar&limit=1"))
                .await["data"][0]["after"],
            app.get_json(&format!("{path}?lang=ar")).await,
            "{path}: in one language too"
        );
    }
    // The verdict history reads both alike.
    let verdicts = app.get_json("/v1/claims/article-c4/verdicts").await;
    assert_eq!(verdicts["data"].as_array().unwrap().len(), 1, "{verdicts}");
}

/// A revision written before a change of columns (here: statistics before they had a
/// qualifier and a period precision, sources before a title could be left out, and the
/// history before it had a schema version) is restored after it through the ordinary path.
async fn a_restore_works_across_a_change_of_columns(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let path = "/v1/statistics/article-s2";
    let current = app.get_json(path).await;
    let row = statistic::Entity::find()
        .filter(statistic::Column::Key.eq("article-s2"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut snapshot = revisions::snapshot::<statistic::Entity>(&row);
    let older_value = current["value"].as_f64().unwrap() + 1000.0;
    snapshot["value"] = json!(older_value);
    snapshot.as_object_mut().unwrap().remove("qualifier");
    snapshot.as_object_mut().unwrap().remove("period_precision");

    // The schema as those builds left it, and a revision as they wrote it.
    Migrator::down(&app.db, Some(3)).await.unwrap();
    let old = Uuid::now_v7();
    let insert = Query::insert()
        .into_table(Alias::new("revisions"))
        .columns(
            [
                "id",
                "resource",
                "record_id",
                "record_key",
                "action",
                "actor",
                "at",
                "before",
                "after",
            ]
            .map(Alias::new),
        )
        .values_panic([
            old.into(),
            "statistics".into(),
            row.id.into(),
            "article-s2".into(),
            "update".into(),
            "dataset".into(),
            revisions::now().into(),
            snapshot.clone().into(),
            snapshot.into(),
        ])
        .to_owned();
    app.db.execute(&insert).await.unwrap();
    mizan::startup::migrate(&app.db).await.unwrap();

    let revision = shown(&app, path, old).await;
    assert_eq!(revision["schema_version"], 1);
    assert_eq!(revision["after"]["value"], older_value);
    assert_eq!(
        revision["after"]["qualifier"], "exact",
        "as the migration read them"
    );
    assert_eq!(revision["after"]["metric"], current["metric"]);
    let restored = app
        .request(
            Method::POST,
            &format!("{path}/revisions/{old}/restore"),
            Some(&key),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), 200, "{}", restored.text().await.unwrap());
    assert_eq!(app.get_json(path).await["value"], older_value);
    // The log, emptied with its table, was written again from the history.
    let events = app
        .get_json("/v1/events?resource=statistics&types=statistic.updated,statistic.restored")
        .await;
    let kinds: Vec<(&str, &str)> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["revision_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds[0], ("statistic.updated", old.to_string().as_str()));
    assert_eq!(kinds.last().unwrap().0, "statistic.restored");
}

crate::on_both_backends!(
    a_revision_from_before_representations_reads_like_one_from_after,
    a_restore_works_across_a_change_of_columns,
);
