use std::collections::HashSet;

use entity::source;
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

use crate::helpers::{Backend, spawn_app_with_dataset};

async fn paging_through_a_list_returns_every_row_exactly_once_in_order(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let total = app.get_json("/v1/models?count=true&limit=1").await["total"]
        .as_u64()
        .unwrap() as usize;
    assert!(total >= 20, "the dataset holds at least 20 models");

    for sort in [
        "slug",
        "-slug",
        "name",
        "released",
        "-released",
        "parameters_total",
        "-parameters_total",
    ] {
        let slugs = app
            .collect(&format!("/v1/models?sort={sort}&limit=7"), "slug")
            .await;
        let unique: HashSet<_> = slugs.iter().collect();
        assert_eq!(slugs.len(), total, "sort={sort}: every row once");
        assert_eq!(unique.len(), total, "sort={sort}: no row twice");
    }

    // The order is the one asked for, with rows lacking a value last.
    let released = app
        .collect("/v1/models?sort=-released&limit=5", "released")
        .await;
    let dated: Vec<_> = released.iter().take_while(|d| *d != "null").collect();
    assert!(dated.windows(2).all(|w| w[0] >= w[1]), "{released:?}");
    assert!(
        released[dated.len()..].iter().all(|d| d == "null"),
        "{released:?}"
    );
    let slugs = app.collect("/v1/models?limit=9", "slug").await;
    let mut sorted = slugs.clone();
    sorted.sort();
    assert_eq!(slugs, sorted);
}

async fn rows_inserted_between_pages_are_neither_skipped_nor_repeated(backend: Backend) {
    // Arrange
    let app = spawn_app_with_dataset(backend).await;
    let before: HashSet<String> = app
        .collect("/v1/sources?limit=200", "id")
        .await
        .into_iter()
        .collect();
    let first = app.get_json("/v1/sources?sort=title&limit=5").await;
    let mut seen: Vec<String> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let mut cursor = first["next_cursor"].as_str().unwrap().to_owned();

    // Act: new rows land before, inside and after the pages still to come.
    for title in [
        "!first",
        "Middle of the list",
        "~last",
        "0 early",
        "zz late",
    ] {
        insert_source(&app.db, title).await;
    }
    loop {
        let page = app
            .get_json(&format!("/v1/sources?sort=title&limit=5&cursor={cursor}"))
            .await;
        seen.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }

    // Assert
    let unique: HashSet<_> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "a row came back twice");
    for id in &before {
        assert!(
            unique.contains(id),
            "row {id}, there before paging began, was skipped"
        );
    }
}

async fn insert_source(db: &sea_orm::DatabaseConnection, title: &str) {
    let now = mizan::services::revisions::now();
    source::ActiveModel {
        id: Set(Uuid::now_v7()),
        key: Set(None),
        title: Set(Some(title.to_owned())),
        publisher: Set("Test".to_owned()),
        url: Set("https://example.org/".to_owned()),
        language: Set("en".to_owned()),
        kind: Set("news".to_owned()),
        published_on: Set(None),
        retrieved_at: Set(None),
        archive_url: Set(None),
        note_en: Set(None),
        note_ar: Set(None),
        search_title: Set(String::new()),
        search_body: Set(String::new()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .expect("cannot insert a source");
}

async fn the_link_header_points_at_the_next_page(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let response = app.get("/v1/countries?limit=3&kind=country&lang=en").await;
    let link = response.headers()["link"].to_str().unwrap().to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    let cursor = body["next_cursor"].as_str().unwrap();
    assert_eq!(
        link,
        format!("</v1/countries?limit=3&kind=country&lang=en&cursor={cursor}>; rel=\"next\"")
    );

    let next = link.trim_start_matches('<').split('>').next().unwrap();
    let page = app.get_json(next).await;
    assert_ne!(page["data"][0]["code"], body["data"][0]["code"]);
    assert!(
        page["data"][0]["name"].is_string(),
        "the next page keeps the query's language"
    );

    let last = app.get("/v1/countries?limit=200").await;
    assert!(last.headers().get("link").is_none());
    assert!(last.json::<serde_json::Value>().await.unwrap()["next_cursor"].is_null());
}

async fn facets_and_totals_count_the_whole_filtered_set(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let body = app
        .get_json("/v1/models?facets=country,openness,company&count=true&limit=1")
        .await;
    let total = body["total"].as_u64().unwrap();
    assert_eq!(
        body["data"].as_array().unwrap().len(),
        1,
        "only the page is returned"
    );
    for facet in ["country", "openness", "company"] {
        let counts = body["facets"][facet].as_array().unwrap();
        let sum: u64 = counts.iter().map(|c| c["count"].as_u64().unwrap()).sum();
        assert_eq!(sum, total, "facet {facet} counts every row: {counts:?}");
    }
    let company = body["facets"]["company"].as_array().unwrap();
    assert!(
        company.iter().any(|c| c["value"] == "deepseek"),
        "companies are counted by slug"
    );

    let chinese = app
        .get_json("/v1/models?country=CN&facets=country,openness&count=true")
        .await;
    let countries = chinese["facets"]["country"].as_array().unwrap();
    assert_eq!(countries.len(), 1);
    assert_eq!(countries[0]["value"], "CN");
    assert_eq!(countries[0]["count"], chinese["total"]);
    let open = chinese["facets"]["openness"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"] == "open_weights")
        .map(|c| c["count"].as_u64().unwrap())
        .unwrap_or(0);
    let listed = app
        .collect("/v1/models?country=CN&openness=open_weights", "slug")
        .await;
    assert_eq!(listed.len() as u64, open);
    // Without the asking, neither is sent.
    let plain = app.get_json("/v1/models?limit=1").await;
    assert!(plain.get("total").is_none() && plain.get("facets").is_none());
}

crate::on_both_backends!(
    paging_through_a_list_returns_every_row_exactly_once_in_order,
    rows_inserted_between_pages_are_neither_skipped_nor_repeated,
    the_link_header_points_at_the_next_page,
    facets_and_totals_count_the_whole_filtered_set,
);
