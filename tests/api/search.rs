//! Full-text search in Arabic and English over the curated dataset.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::Method;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::json;

use crate::helpers::{Backend, TestApp, assert_problem, company_input, spawn_app_with_dataset};

/// Queries and keys that must come back on the first page.
const QUERIES: &[(&str, &[&str])] = &[
    // Arabic
    ("ديب سيك", &["deepseek", "article-c1"]),
    ("دِيب سِيك", &["deepseek", "article-c1"]),
    ("زلزال", &["article-c1"]),
    ("الزلزال", &["article-c1"]),
    ("الشرائح", &["article-c2"]),
    ("بالشرائح", &["article-c2"]),
    ("للشرائح", &["article-c2"]),
    ("تصدير", &["article-c2"]),
    ("تَصْدِير", &["article-c2"]),
    ("أوبن إيه آي", &["openai", "article-c11", "article-c16"]),
    ("اوبن ايه اي", &["openai", "article-c11", "article-c16"]),
    ("هواوي", &["huawei", "article-c12"]),
    ("الكابلات البحرية", &["article-c12"]),
    ("الثقة", &["article-c13"]),
    ("الثقه", &["article-c13"]),
    ("سام ألتمان", &["article-c10"]),
    ("سام التمان", &["article-c10"]),
    ("\"الجانب الخطأ\"", &["article-c10"]),
    ("القوة الناعمة", &["article-c6"]),
    ("القوه الناعمه", &["article-c6"]),
    ("والقوة", &["article-c6"]),
    ("الدول النامية", &["article-c4", "article-c22"]),
    ("مون شوت", &["moonshot-ai", "article-c3"]),
    ("ــالصيـــن", &["article-c1", "article-c12"]),
    ("قثفغعهخ", &[]),
    // English
    ("DeepSeek", &["deepseek", "deepseek-r1", "article-c1"]),
    ("deepseek r1", &["deepseek-r1"]),
    ("Kimi K2", &["kimi-k2", "article-c3"]),
    (
        "export controls",
        &["article-c2", "bis-export-controls-2022-10"],
    ),
    ("exports", &["article-c2"]),
    ("EXPORTING", &["article-c2"]),
    ("soft power", &["article-c6"]),
    ("\"wrong side of history\"", &["article-c10"]),
    ("open weights", &["article-c5"]),
    ("Gemma", &["gemma", "gemma-3", "article-c17"]),
    ("prices", &["article-c16"]),
    ("Moonshot", &["moonshot-ai", "kimi-k2"]),
    ("Huawei", &["huawei", "article-c12"]),
    ("undersea cables", &["article-c12"]),
    ("trust", &["article-c13"]),
    ("Altman", &["article-c10"]),
    (
        "Foreign Affairs",
        &["foreign-affairs-chinas-overlooked-ai-strategy-2025"],
    ),
    ("GPT-5", &["gpt-5", "article-c18"]),
    ("Anthropic", &["anthropic", "claude"]),
    ("earthquake", &["article-c1"]),
    ("zzzyx", &[]),
];

fn url(q: &str) -> String {
    format!("/v1/search?q={}", urlencode(q))
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn keys(app: &TestApp, path: &str) -> Vec<String> {
    let body = app.get_json(path).await;
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["key"].as_str().unwrap().to_owned())
        .collect()
}

async fn each_query_finds_its_records_on_the_first_page(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let arabic = QUERIES
        .iter()
        .filter(|(q, _)| q.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)))
        .count();
    assert!(
        arabic >= 20 && QUERIES.len() - arabic >= 20,
        "at least 20 queries in each language"
    );
    for (q, expected) in QUERIES {
        let found = keys(&app, &url(q)).await;
        for key in *expected {
            assert!(
                found.contains(&key.to_string()),
                "{q:?}: expected {key} in {found:?}"
            );
        }
        if expected.is_empty() {
            assert!(found.is_empty(), "{q:?}: expected nothing, got {found:?}");
        }
    }
}

async fn hits_carry_a_title_a_marked_snippet_and_a_score(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let body = app
        .get_json(&format!("{}&lang=ar", url("القوة الناعمة")))
        .await;
    let hit = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|hit| hit["key"] == "article-c6")
        .unwrap_or_else(|| panic!("C6 is found: {body}"));
    assert_eq!(hit["type"], "claims");
    assert!(hit["title"].as_str().unwrap().contains("الناعمة"), "{hit}");
    assert!(hit["snippet"].as_str().unwrap().contains("<mark>"), "{hit}");
    assert!(hit["score"].as_f64().unwrap() > 0.0, "{hit}");
    let english = app.get_json(&url("soft power")).await;
    for hit in english["data"].as_array().unwrap() {
        assert!(
            hit["snippet"]["en"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("<mark>soft</mark>"),
            "{hit}"
        );
    }
    // A page in one language shows the snippets that language's half of a page in both does.
    for lang in ["en", "ar"] {
        let one = app
            .get_json(&format!("{}&lang={lang}", url("soft power")))
            .await;
        let (one, both) = (
            one["data"].as_array().unwrap(),
            english["data"].as_array().unwrap(),
        );
        assert!(!one.is_empty());
        assert_eq!(one.len(), both.len());
        for (single, both) in one.iter().zip(both) {
            assert_eq!(single["key"], both["key"]);
            assert_eq!(single["snippet"], both["snippet"][lang], "{single}");
        }
    }
    // Scores rank the hits.
    let scores: Vec<f64> = english["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // A query in one language finds the other language's text too.
    assert_eq!(
        keys(&app, &url("earthquake")).await,
        keys(&app, &url("زلزال")).await
    );
}

async fn names_outrank_descriptions_and_types_narrow_the_search(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let found = keys(&app, &url("Anthropic")).await;
    let position = |key: &str| found.iter().position(|k| k == key).unwrap_or(usize::MAX);
    assert!(
        position("anthropic") < position("claude"),
        "the company named Anthropic first: {found:?}"
    );
    let only_models = app
        .get_json(&format!("{}&types=models", url("DeepSeek")))
        .await;
    assert!(
        only_models["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|hit| hit["type"] == "models")
    );
    let two = app
        .get_json(&format!("{}&types=companies,claims", url("Huawei")))
        .await;
    assert!(
        two["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|hit| hit["type"] == "companies" || hit["type"] == "claims")
    );
    // A hit reads the same whichever types are searched with it: each type's texts have
    // their own place in the statement's rows.
    let everything = app
        .get_json(&format!("{}&limit=200", url("DeepSeek")))
        .await;
    for types in [
        "companies,claims",
        "sources",
        "sources,companies",
        "models,sources",
    ] {
        let some = app
            .get_json(&format!("{}&limit=200&types={types}", url("DeepSeek")))
            .await;
        let hits = some["data"].as_array().unwrap();
        assert!(!hits.is_empty(), "{types}");
        for hit in hits {
            let same = everything["data"]
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h["type"] == hit["type"] && h["key"] == hit["key"])
                .unwrap_or_else(|| panic!("{hit} not among all types' hits"));
            assert_eq!(hit, same, "{types}");
        }
    }
    // Paging walks the whole ranked list once.
    let all = keys(&app, &format!("{}&limit=200", url("DeepSeek"))).await;
    let mut paged = Vec::new();
    let mut path = format!("{}&limit=3", url("DeepSeek"));
    loop {
        let page = app.get_json(&path).await;
        paged.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["key"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("{}&limit=3&cursor={cursor}", url("DeepSeek")),
            None => break,
        }
    }
    assert_eq!(paged, all);
    // A type named twice is searched once.
    let once = keys(&app, &format!("{}&types=companies,sources", url("Huawei"))).await;
    assert!(once.contains(&"huawei".to_owned()), "{once:?}");
    let twice = format!("{}&types=sources,companies,sources", url("Huawei"));
    assert_eq!(keys(&app, &twice).await, once);
    // A cursor edited to point past the end of the list (or of any number) gets an empty
    // last page.
    let first = app.get_json(&format!("{}&limit=3", url("DeepSeek"))).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let mut edited: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(cursor).unwrap()).unwrap();
    for offset in [json!(1000), json!(u64::MAX)] {
        edited["v"] = offset;
        let past = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&edited).unwrap());
        let page = app
            .get_json(&format!("{}&limit=3&cursor={past}", url("DeepSeek")))
            .await;
        assert_eq!(page["data"], json!([]), "{page}");
        assert!(page["next_cursor"].is_null(), "{page}");
    }
    assert_problem(
        app.get(&format!("{}&cursor={}", url("Huawei"), "garbage"))
            .await,
        422,
    )
    .await;
}

async fn lists_take_q_together_with_their_filters(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let cases = [
        (
            "/v1/claims?q=soft%20power&verdict=opinion",
            vec!["article-c6"],
        ),
        ("/v1/claims?q=soft%20power&verdict=supported", vec![]),
        (
            "/v1/models?q=deepseek&openness=open_weights&limit=200",
            vec!["deepseek-r1", "deepseek-v3"],
        ),
        (
            "/v1/companies?q=%D9%87%D9%88%D8%A7%D9%88%D9%8A",
            vec!["huawei"],
        ),
        (
            "/v1/sources?q=export%20controls&kind=official",
            vec!["bis-export-controls-2022-10"],
        ),
        (
            "/v1/models/deepseek-v3-base/derivatives?q=reasoning&depth=2",
            vec!["deepseek-r1"],
        ),
        ("/v1/models/deepseek-v3-base/derivatives?q=zzzyx", vec![]),
        ("/v1/companies/openai/claims?q=Altman", vec!["article-c10"]),
        ("/v1/companies/openai/claims?q=zzzyx", vec![]),
    ];
    for (path, expected) in cases {
        let body = app.get_json(path).await;
        let found: Vec<String> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row["key"]
                    .as_str()
                    .or(row["slug"].as_str())
                    .unwrap()
                    .to_owned()
            })
            .collect();
        for key in &expected {
            assert!(
                found.contains(&key.to_string()),
                "{path}: expected {key} in {found:?}"
            );
        }
        if expected.is_empty() {
            assert!(found.is_empty(), "{path}: {found:?}");
        }
    }
    // Derivatives matching q are still only derivatives: DeepSeek-V3-Base itself, which
    // also mentions DeepSeek, is not one of its own.
    let deepseek = app
        .get_json("/v1/models/deepseek-v3-base/derivatives?q=deepseek&limit=200")
        .await;
    let slugs: Vec<&str> = deepseek["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["slug"].as_str().unwrap())
        .collect();
    assert!(
        !slugs.is_empty() && !slugs.contains(&"deepseek-v3-base") && !slugs.contains(&"kimi-k2"),
        "{slugs:?}"
    );
    // ClaimReviews take q too.
    let mut reviews = Vec::new();
    for path in [
        "/v1/claimreviews?limit=200",
        "/v1/claimreviews?q=Altman&limit=200",
        "/v1/claimreviews?q=zzzyx",
    ] {
        reviews.push(app.get_json(path).await["data"].as_array().unwrap().len());
    }
    let [all, altman, none] = reviews[..] else {
        unreachable!()
    };
    assert!(altman >= 1 && altman < all, "{altman} of {all}");
    assert_eq!(none, 0);
}

async fn hostile_queries_get_results_or_a_400_never_a_500(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let long = "a".repeat(10_000);
    let cases: Vec<(String, &[u16])> = vec![
        ("/v1/search?q=".into(), &[400]),
        ("/v1/search?q=%20%20%09".into(), &[400]),
        ("/v1/search".into(), &[400]),
        (format!("/v1/search?q={long}"), &[400]),
        (format!("/v1/claims?q={long}"), &[400]),
        ("/v1/search?q=%22".into(), &[200]),
        ("/v1/search?q=%22%22%22".into(), &[200]),
        ("/v1/search?q=%27%20OR%201%3D1%20--".into(), &[200]),
        (
            "/v1/search?q=Robert%27)%3B%20DROP%20TABLE%20claims%3B--".into(),
            &[200],
        ),
        (
            "/v1/search?q=a%20%26%20b%20%7C%20!c%20%3C-%3E%20d".into(),
            &[200],
        ),
        (
            "/v1/search?q=NEAR(a%20b)%20OR%20c*%20AND%20%5Ed".into(),
            &[200],
        ),
        ("/v1/search?q=%ED%A0%80".into(), &[200, 400]),
        ("/v1/search?q=%FF%FE".into(), &[200, 400]),
        ("/v1/search?q=x&types=users".into(), &[400]),
        ("/v1/search?q=x&sort=score".into(), &[400]),
        ("/v1/search?q=x&limit=0".into(), &[400]),
        ("/v1/search?q=x&q=y".into(), &[400]),
        ("/v1/models?q=%00".into(), &[200, 400]),
    ];
    for (path, allowed) in cases {
        let response = app.get(&path).await;
        let status = response.status().as_u16();
        assert!(allowed.contains(&status), "{path}: {status}");
        if status == 400 {
            assert_problem(response, 400).await;
        }
    }
    // Nothing was harmed.
    assert_eq!(
        app.get_json("/v1/claims?count=true&limit=1").await["total"],
        22
    );
}

/// Creates the company `input` as `editor`.
async fn create_company(app: &TestApp, editor: &str, input: &serde_json::Value) {
    let response = app
        .request(Method::POST, "/v1/companies", Some(editor))
        .json(input)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}

/// How many search pages the service rendered (misses) and found kept or being rendered
/// (hits), from `/metrics`.
async fn cache_lookups(app: &TestApp) -> (u64, u64) {
    let text = app.get("/metrics").await.text().await.unwrap();
    let count = |result: &str| {
        let prefix = format!("mizan_search_cache_lookups_total{{result=\"{result}\"}} ");
        text.lines()
            .find_map(|line| line.strip_prefix(prefix.as_str()))
            .map_or(0, |value| value.parse().unwrap())
    };
    (count("hit"), count("miss"))
}

async fn a_repeated_search_is_rendered_once_until_the_data_changes(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let path = url("export controls");
    let first = app.get(&path).await;
    assert_eq!(first.status(), 200);
    let first = first.text().await.unwrap();
    assert_eq!(cache_lookups(&app).await, (0, 1));

    // The same search, however it is written, is the kept page.
    for again in [path.clone(), url("EXPORT   Controls")] {
        let response = app.get(&again).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), first, "{again}");
    }
    assert_eq!(cache_lookups(&app).await, (2, 1));

    // Another language, page size or page is another page.
    let arabic = app.get(&format!("{path}&lang=ar")).await;
    assert_eq!(arabic.headers()["content-language"], "ar");
    let arabic: serde_json::Value = arabic.json().await.unwrap();
    assert!(arabic["data"][0]["title"].is_string(), "{arabic}");
    let one = app.get_json(&format!("{path}&limit=1")).await;
    assert_eq!(one["data"].as_array().unwrap().len(), 1);
    let cursor = one["next_cursor"].as_str().expect("a second page");
    let second = app
        .get_json(&format!("{path}&limit=1&cursor={cursor}"))
        .await;
    assert_ne!(second["data"][0]["key"], one["data"][0]["key"]);
    assert_eq!(cache_lookups(&app).await, (2, 4));

    // A change to the data is searched at once, not served from the kept page.
    let editor = app.key("editor").await;
    let mut input = company_input("export-controls-watch");
    input["name"] = json!({"en": "Export Controls Watch", "ar": "مرصد ضوابط التصدير"});
    create_company(&app, &editor, &input).await;
    let after = keys(&app, &path).await;
    assert!(
        after.contains(&"export-controls-watch".to_owned()),
        "{after:?}"
    );
    assert_eq!(cache_lookups(&app).await, (2, 5));
}

async fn a_burst_of_one_search_renders_it_once(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let path = url("open weights");
    let bodies = futures::future::join_all((0..16).map(|_| async {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }))
    .await;
    assert!(bodies.iter().all(|body| *body == bodies[0]));
    assert_eq!(cache_lookups(&app).await, (15, 1));
}

async fn without_a_cache_each_search_is_rendered(backend: Backend) {
    let database = crate::helpers::TestDatabase::create(backend).await;
    let app = crate::helpers::spawn_app_on(database, true, |config| {
        config.search_cache_bytes = 0;
    })
    .await;
    let path = url("soft power");
    let first = app.get(&path).await.text().await.unwrap();
    let second = app.get(&path).await.text().await.unwrap();
    assert_eq!(first, second);
    assert!(first.contains("article-c6"), "{first}");
    assert_eq!(cache_lookups(&app).await, (0, 2));
}

/// Arabic plurals and duals find their singulars and the reverse: each query names a
/// record whose Arabic texts have only the other form (checked against the dataset's words
/// when the cases were chosen).
async fn arabic_plurals_find_their_singulars_and_the_reverse(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let cases: &[(&str, &str, &str)] = &[
        // Sound feminine plurals (ـات).
        ("claims", "شركة", "article-c7"),
        ("claims", "شركات", "article-c1"),
        ("claims", "تطبيقات", "article-c15"),
        ("models", "تطبيق", "gpt-5"),
        ("models", "مليار", "gemma"),
        ("models", "مليارات", "deepseek-v3"),
        ("claims", "اقتصاد", "article-c13"),
        // Sound masculine plurals (ـون, ـين).
        ("claims", "مستخدم", "article-c4"),
        ("models", "المطور", "kimi-k2-base"),
        // Duals (ـان, ـين; ـتان, ـتين).
        ("claims", "نموذجان", "article-c1"),
        ("claims", "نموذجين", "article-c1"),
        ("claims", "شركتين", "article-c1"),
        ("claims", "دولتان", "article-c4"),
        // Broken plurals, through the lexicon.
        ("claims", "نموذج", "article-c6"),
        ("claims", "النماذج", "article-c1"),
        ("claims", "رقاقة", "article-c2"),
        ("models", "أسعار", "o3"),
        ("claims", "مصدر", "article-c10"),
        ("claims", "مصادر", "article-c11"),
        ("claims", "دولة", "article-c4"),
        ("sources", "دول", "edelman-trust-barometer-2025-tech"),
        ("models", "خبير", "deepseek-v3-base"),
        ("claims", "رقم", "article-c4"),
        ("claims", "أرقام", "article-c13"),
        ("claims", "وزن", "article-c5"),
        ("claims", "قيد", "article-c2"),
        ("sources", "قيود", "altman-reddit-ama-2025"),
        ("claims", "تقرير", "article-c15"),
        ("claims", "تقارير", "article-c2"),
    ];
    for (resource, q, key) in cases {
        let field = if *resource == "models" { "slug" } else { "key" };
        let found = app
            .collect(
                &format!("/v1/{resource}?q={}&limit=200", urlencode(q)),
                field,
            )
            .await;
        assert!(
            found.iter().any(|k| k == key),
            "{resource} {q:?}: expected {key} in {found:?}"
        );
    }
}

/// Rows indexed by an older tokenizer are indexed again when the service starts, once.
async fn rows_indexed_by_an_older_tokenizer_are_indexed_again(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let path = format!("/v1/claims?q={}&limit=200", urlencode("نموذج"));
    let found = async |app: &TestApp| app.collect(&path, "key").await;
    assert!(found(&app).await.contains(&"article-c6".to_owned()));
    // As an older build left it: other tokens, and an older version recorded.
    for sql in [
        "UPDATE claims SET search_title = 'stale', search_body = 'stale' WHERE key = 'article-c6'",
        "UPDATE data_version SET search_tokens = 0 WHERE id = 1",
    ] {
        app.db.execute_unprepared(sql).await.unwrap();
    }
    assert!(!found(&app).await.contains(&"article-c6".to_owned()));
    let upgraded = mizan::services::upgrade::run(&app.db).await.unwrap();
    assert_eq!(upgraded.reindexed, 1, "{upgraded:?}");
    assert!(found(&app).await.contains(&"article-c6".to_owned()));
    assert_eq!(
        mizan::services::upgrade::run(&app.db)
            .await
            .unwrap()
            .reindexed,
        0
    );
}

crate::on_both_backends!(
    rows_indexed_by_an_older_tokenizer_are_indexed_again,
    arabic_plurals_find_their_singulars_and_the_reverse,
    a_repeated_search_is_rendered_once_until_the_data_changes,
    a_burst_of_one_search_renders_it_once,
    without_a_cache_each_search_is_rendered,
    each_query_finds_its_records_on_the_first_page,
    hits_carry_a_title_a_marked_snippet_and_a_score,
    names_outrank_descriptions_and_types_narrow_the_search,
    lists_take_q_together_with_their_filters,
    hostile_queries_get_results_or_a_400_never_a_500,
);

/// Records that one backend legitimately finds and the other does not: the query, the
/// record, the backend that finds it, and why.
const DIFFERENCES: &[(&str, &str, Backend, &str)] = &[(
    "ــالصيـــن",
    "article-c18",
    Backend::Postgres,
    "PostgreSQL's Arabic stemmer, run once more over the service's tokens, reduces صيني \
     (Chinese, in C18's summary) to صين (China); SQLite indexes the service's tokens as \
     they are",
)];

/// Both backends find the same records for every query, but for the named differences.
/// They rank with different functions (`ts_rank`, `bm25`), so the order may differ;
/// the records each query must put on the first page are checked on both above.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_return_the_same_top_results() {
    let sqlite = spawn_app_with_dataset(Backend::Sqlite).await;
    let postgres = spawn_app_with_dataset(Backend::Postgres).await;
    let hits = |body: serde_json::Value, backend: Backend, q: &str| -> Vec<String> {
        let mut hits: Vec<String> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                format!(
                    "{}/{}",
                    h["type"].as_str().unwrap(),
                    h["key"].as_str().unwrap()
                )
            })
            .filter(|hit| {
                !DIFFERENCES.iter().any(|(case, key, only_on, _)| {
                    *case == q && *only_on == backend && hit.ends_with(&format!("/{key}"))
                })
            })
            .collect();
        hits.sort();
        hits
    };
    let mut failures = Vec::new();
    for (q, _) in QUERIES {
        let path = format!("{}&limit=200", url(q));
        let on_sqlite = hits(sqlite.get_json(&path).await, Backend::Sqlite, q);
        let on_postgres = hits(postgres.get_json(&path).await, Backend::Postgres, q);
        if on_sqlite != on_postgres {
            failures.push(format!(
                "{q:?}: {on_sqlite:?} on SQLite, {on_postgres:?} on PostgreSQL"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Each named difference is still real: the record is found on one backend only.
    for (q, key, only_on, why) in DIFFERENCES {
        let path = format!("{}&limit=200", url(q));
        let on_sqlite = keys(&sqlite, &path).await.iter().any(|k| k == key);
        let on_postgres = keys(&postgres, &path).await.iter().any(|k| k == key);
        assert_eq!(
            (on_sqlite, on_postgres),
            (*only_on == Backend::Sqlite, *only_on == Backend::Postgres),
            "{q:?} {key}: {why}"
        );
    }
}

/// On PostgreSQL a searchable row of a few kilobytes stays whole in its table: neither
/// compressed nor moved out to TOAST, where ranking would have to fetch each match's
/// `tsvector` from a second relation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searched_rows_of_a_few_kilobytes_stay_whole_on_postgres() {
    let app = spawn_app_with_dataset(Backend::Postgres).await;
    let editor = app.key("editor").await;
    let scalar = |sql: &str| {
        let sql = sql.to_owned();
        let db = app.db.clone();
        async move {
            db.query_one_raw(Statement::from_string(DatabaseBackend::Postgres, sql))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index::<i64>(0)
                .unwrap()
        }
    };
    let toast = "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'companies'";
    let toast_before = scalar(toast).await;
    // Distinct words, so that compression would have had something to gain.
    let english: Vec<String> = (0..50)
        .map(|i| format!("lab{i}x{}", i * 7919 % 1000))
        .collect();
    let arabic: Vec<String> = (0..40)
        .map(|i| format!("مختبر{i}ق{}", i * 7919 % 1000))
        .collect();
    let mut input = company_input("long-description");
    input["description"] = json!({"en": english.join(" "), "ar": arabic.join(" ")});
    create_company(&app, &editor, &input).await;

    let row_bytes = scalar(
        "SELECT pg_column_size(companies.*)::bigint FROM companies WHERE slug = 'long-description'",
    )
    .await;
    assert!(
        row_bytes > 2048,
        "the row is only {row_bytes} bytes: the test proves nothing"
    );
    let compressed = scalar(
        "SELECT COUNT(*) FROM companies WHERE slug = 'long-description' AND \
         num_nonnulls(pg_column_compression(description_en), pg_column_compression(description_ar), \
                      pg_column_compression(search_title), pg_column_compression(search_body), \
                      pg_column_compression(search_vector)) > 0",
    )
    .await;
    assert_eq!(
        compressed, 0,
        "a column of the {row_bytes}-byte row was compressed"
    );
    assert_eq!(
        scalar(toast).await,
        toast_before,
        "the row was moved to TOAST"
    );
    // And it is found.
    let hits = keys(&app, &url(&english[7])).await;
    assert_eq!(hits, ["long-description"]);
}

/// PostgreSQL reads each searched word once, with the English or the Arabic stemmer by its
/// script: a record's vector has no more positions than its search tokens. Read by the
/// `english` and the `arabic` configurations in turn, every word took two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_reads_each_searched_word_once() {
    let app = spawn_app_with_dataset(Backend::Postgres).await;
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE positions > tokens), \
                    COUNT(*) FILTER (WHERE positions > 0) \
             FROM (SELECT (SELECT COUNT(*) FROM unnest(search_vector) AS lexeme, \
                                                unnest(lexeme.positions)) AS positions, \
                          array_length(regexp_split_to_array( \
                            btrim(search_title || ' ' || search_body), '\\s+'), 1) AS tokens \
                   FROM claims) AS counted",
        ))
        .await
        .unwrap()
        .unwrap();
    let count = |i| row.try_get_by_index::<i64>(i).unwrap();
    let (claims, over, indexed) = (count(0), count(1), count(2));
    assert!(
        claims >= 20,
        "only {claims} claims: the test proves nothing"
    );
    assert_eq!(indexed, claims, "a claim's vector is empty");
    assert_eq!(
        over, 0,
        "{over} of {claims} claims have more positions than tokens"
    );
}
