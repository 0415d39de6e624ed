//! Countries, companies, sources, metrics and statistics: lists, filters and single records.

use mizan::dataset::Dataset;

use crate::helpers::{Backend, assert_problem, data_dir, spawn_app_with_dataset};

fn dataset() -> Dataset {
    Dataset::read(&data_dir()).expect("the dataset reads")
}

fn sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}

async fn countries_list_filter_and_resolve_by_code(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let data = dataset();

    let all = app.collect("/v1/countries", "code").await;
    assert_eq!(all.len(), data.countries.len());
    let south = app.collect("/v1/countries?global_south=true", "code").await;
    let expected: Vec<String> = data
        .countries
        .iter()
        .filter(|c| c.input.global_south)
        .map(|c| c.key.clone())
        .collect();
    assert_eq!(sorted(south), sorted(expected));
    let regions = app.collect("/v1/countries?kind=region", "code").await;
    assert!(
        regions
            .iter()
            .all(|code| code.chars().all(|c| c.is_ascii_lowercase() || c == '-')),
        "{regions:?}"
    );

    let china = app.get_json("/v1/countries/cn").await;
    assert_eq!(china["code"], "CN", "codes are matched in any case");
    assert_eq!(china["name"]["ar"], "الصين");
    let g20 = app.get_json("/v1/countries/g20").await;
    assert_eq!(g20["kind"], "group");
    assert!(g20["members"].as_array().unwrap().len() >= 19);
}

async fn companies_list_filter_and_resolve_by_slug(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let data = dataset();

    let chinese = app.collect("/v1/companies?country=CN", "slug").await;
    let expected: Vec<String> = data
        .companies
        .iter()
        .filter(|c| c.input.country == "CN")
        .map(|c| c.key.clone())
        .collect();
    assert_eq!(sorted(chinese.clone()), sorted(expected));
    assert!(
        chinese.contains(&"deepseek".to_owned()) && chinese.contains(&"moonshot-ai".to_owned())
    );

    let labs = app.get_json("/v1/companies?kind=ai_lab&limit=200").await;
    assert!(
        labs["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] == "ai_lab")
    );

    let openai = app.get_json("/v1/companies/openai").await;
    assert_eq!(openai["country"]["code"], "US");
    assert_eq!(openai["name"]["en"], "OpenAI");
    assert_problem(app.get("/v1/companies/OpenAI").await, 404).await;
}

async fn sources_list_filter_and_resolve_by_id_or_key(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let data = dataset();

    assert_eq!(
        app.collect("/v1/sources", "id").await.len(),
        data.sources.len()
    );
    let arabic = app.get_json("/v1/sources?language=ar&limit=200").await;
    let keys: Vec<&str> = arabic["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"aljazeera-ai-race-2025"), "{keys:?}");
    assert!(
        arabic["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["language"] == "ar")
    );

    let jazeera = app
        .get_json("/v1/sources?publisher=Al%20Jazeera%20Net")
        .await;
    assert!(!jazeera["data"].as_array().unwrap().is_empty());
    let social = app.get_json("/v1/sources?kind=social_post&limit=200").await;
    assert!(
        social["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["kind"] == "social_post")
    );

    let by_key = app.get_json("/v1/sources/aljazeera-ai-race-2025").await;
    assert_eq!(by_key["publisher"], "Al Jazeera Net");
    assert_eq!(by_key["language"], "ar");
    let by_id = app
        .get_json(&format!("/v1/sources/{}", by_key["id"].as_str().unwrap()))
        .await;
    assert_eq!(by_id, by_key);
}

async fn metrics_list_and_resolve_by_key(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let keys = app.collect("/v1/metrics", "key").await;
    assert_eq!(keys.len(), dataset().metrics.len());
    let trust = app.get_json("/v1/metrics/trust_in_ai").await;
    assert_eq!(trust["unit"], "percent");
    assert!(trust["name"]["ar"].as_str().unwrap().contains("الثقة"));
    let percent = app.get_json("/v1/metrics?unit=percent&limit=200").await;
    assert!(
        percent["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["unit"] == "percent")
    );
}

async fn statistics_list_filter_and_show_their_source(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;

    let s1 = app.get_json("/v1/statistics/article-s1").await;
    assert_eq!(s1["value"], 97_000_000.0);
    assert_eq!(s1["subject"]["key"], "deepseek");
    assert_eq!(s1["source"]["key"], "aurestv-ai-race-2025");
    let s5 = app.get_json("/v1/statistics/article-s5").await;
    assert_eq!(
        (s5["value_low"].as_f64(), s5["value_high"].as_f64()),
        (Some(35.0), Some(40.0))
    );
    assert!(s5["value"].is_null());
    assert_eq!(s5["subject"]["key"], "US");

    let cases = [
        ("metric=monthly_active_users", "article-s1"),
        ("subject=deepseek", "article-s1"),
        ("subject=deepseek&subject_type=company", "article-s1"),
        ("subject=IN&subject_type=country", "article-s4"),
        ("subject=us", "article-s5"),
        ("metric=trust_in_ai&method=reported", "article-s4"),
        ("source=aurestv-ai-race-2025", "article-s6"),
        ("period_from=2025-04-01&period_to=2025-04-30", "article-s1"),
    ];
    for (query, key) in cases {
        let keys = app.collect(&format!("/v1/statistics?{query}"), "key").await;
        assert!(
            keys.contains(&key.to_owned()),
            "{query}: expected {key} in {keys:?}"
        );
    }
    let none = app
        .get_json("/v1/statistics?subject=deepseek&subject_type=country")
        .await;
    assert!(none["data"].as_array().unwrap().is_empty());
    let early = app
        .collect("/v1/statistics?period_to=2023-12-31", "key")
        .await;
    assert!(!early.contains(&"article-s1".to_owned()));
    let by_source = app
        .get_json(&format!(
            "/v1/statistics?source={}",
            s1["source"]["id"].as_str().unwrap()
        ))
        .await;
    assert!(
        !by_source["data"].as_array().unwrap().is_empty(),
        "a source's id filters too"
    );
}

crate::on_both_backends!(
    countries_list_filter_and_resolve_by_code,
    companies_list_filter_and_resolve_by_slug,
    sources_list_filter_and_resolve_by_id_or_key,
    metrics_list_and_resolve_by_key,
    statistics_list_filter_and_show_their_source,
);
