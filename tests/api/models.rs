use mizan::{dataset::Dataset, domain::kinds::Openness, services::models::ModelInput};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};

use crate::helpers::{Backend, data_dir, spawn_app_with_dataset};

async fn models_filter_by_each_field(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let data = Dataset::read(&data_dir()).unwrap();
    let expect = |predicate: &dyn Fn(&ModelInput) -> bool| {
        let mut slugs: Vec<String> = data
            .models
            .iter()
            .map(|entry| &entry.input)
            .filter(|m| predicate(m))
            .map(|m| m.slug.clone())
            .collect();
        slugs.sort();
        slugs
    };
    let released = |m: &ModelInput| m.released;
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("company=deepseek", expect(&|m| m.company == "deepseek")),
        ("country=CN", expect(&|m| m.country == "CN")),
        (
            "country=cn&openness=open_weights",
            expect(&|m| m.country == "CN" && m.openness == Openness::OpenWeights),
        ),
        (
            "openness=closed_api",
            expect(&|m| m.openness == Openness::ClosedApi),
        ),
        (
            "license=Apache-2.0",
            expect(&|m| m.license.as_deref() == Some("Apache-2.0")),
        ),
        (
            "released_after=2025-06-01",
            expect(&|m| released(m).is_some_and(|d| d >= day("2025-06-01"))),
        ),
        (
            "released_before=2025-01-31",
            expect(&|m| released(m).is_some_and(|d| d <= day("2025-01-31"))),
        ),
        (
            "released_after=2025-01-01&released_before=2025-12-31&openness=open_weights",
            expect(&|m| {
                m.openness == Openness::OpenWeights
                    && released(m).is_some_and(|d| d.format("%Y").to_string() == "2025")
            }),
        ),
        (
            "base_model=deepseek-v3-base",
            expect(&|m| m.base_model.as_deref() == Some("deepseek-v3-base")),
        ),
        ("company=no-such-company", vec![]),
    ];
    for (query, expected) in cases {
        let mut slugs = app
            .collect(&format!("/v1/models?{query}&limit=10"), "slug")
            .await;
        slugs.sort();
        assert_eq!(slugs, expected, "GET /v1/models?{query}");
    }
    assert!(!expect(&|m| m.country == "CN" && m.openness == Openness::OpenWeights).is_empty());
}

async fn a_model_shows_its_maker_lineage_and_source(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let r1 = app.get_json("/v1/models/deepseek-r1").await;
    assert_eq!(r1["company"]["slug"], "deepseek");
    assert_eq!(r1["country"]["code"], "CN");
    assert_eq!(r1["released"], "2025-01-20");
    assert_eq!(r1["openness"], "open_weights");
    assert_eq!(r1["license"], "MIT");
    assert_eq!(r1["parameters_total"], 671_000_000_000_i64);
    assert_eq!(r1["parameters_active"], 37_000_000_000_i64);
    assert_eq!(r1["base_model"]["slug"], "deepseek-v3-base");
    assert!(
        r1["source"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    let kimi = app.get_json("/v1/models/kimi-k2").await;
    assert_eq!(kimi["parameters_total"], 1_000_000_000_000_i64);
    assert_eq!(kimi["company"]["slug"], "moonshot-ai");
}

async fn derivatives_follow_lineage_to_the_requested_depth(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let data = Dataset::read(&data_dir()).unwrap();
    let children = |base: &str| -> Vec<String> {
        data.models
            .iter()
            .map(|entry| &entry.input)
            .filter(|m| m.base_model.as_deref() == Some(base))
            .map(|m| m.slug.clone())
            .collect()
    };

    let direct = app
        .get_json("/v1/models/deepseek-v3-base/derivatives?limit=200")
        .await;
    let mut slugs: Vec<String> = direct["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["slug"].as_str().unwrap().to_owned())
        .collect();
    slugs.sort();
    let mut expected = children("deepseek-v3-base");
    expected.sort();
    assert_eq!(slugs, expected);
    assert!(
        direct["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["depth"] == 1)
    );

    let mut all_expected = expected.clone();
    for child in &expected {
        all_expected.extend(children(child));
    }
    all_expected.sort();
    let deep = app
        .get_json("/v1/models/deepseek-v3-base/derivatives?depth=2&limit=200")
        .await;
    let mut deep_slugs: Vec<String> = deep["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["slug"].as_str().unwrap().to_owned())
        .collect();
    deep_slugs.sort();
    assert_eq!(deep_slugs, all_expected);

    // A fine-tune of R1 is two generations below R1's base.
    let r1 = entity::model::Entity::find()
        .filter(entity::model::Column::Slug.eq("deepseek-r1"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let fine_tune = entity::model::Model {
        id: uuid::Uuid::now_v7(),
        slug: "r1-fine-tune".to_owned(),
        base_model_id: Some(r1.id),
        ..r1
    };
    fine_tune
        .into_active_model()
        .reset_all()
        .insert(&app.db)
        .await
        .unwrap();
    let deeper = app
        .get_json("/v1/models/deepseek-v3-base/derivatives?depth=2&limit=200")
        .await;
    let grandchild = deeper["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["slug"] == "r1-fine-tune")
        .expect("found at depth 2");
    assert_eq!(grandchild["depth"], 2);
    assert_eq!(grandchild["base_model"]["slug"], "deepseek-r1");
    let shallow = app
        .collect("/v1/models/deepseek-v3-base/derivatives", "slug")
        .await;
    assert!(
        !shallow.contains(&"r1-fine-tune".to_owned()),
        "depth defaults to 1"
    );

    let none = app.get_json("/v1/models/gpt-5/derivatives").await;
    assert!(none["data"].as_array().unwrap().is_empty());
}

crate::on_both_backends!(
    models_filter_by_each_field,
    a_model_shows_its_maker_lineage_and_source,
    derivatives_follow_lineage_to_the_requested_depth,
);
