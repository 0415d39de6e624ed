//! Publishing fact-checks: verdict rules and history, reverse views, ClaimReview, cards.

use std::path::Path;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, assert_problem, spawn_app_with_dataset};

fn claim(key: &str, verdict: &str) -> Value {
    json!({
        "key": key,
        "text": {"en": format!("A claim rated {verdict}."), "ar": format!("ادعاء قُيّم بأنه {verdict}.")},
        "original": {"language": "en", "text": format!("A claim rated {verdict}.")},
        "claimant": {"name": {"en": "Sam Altman", "ar": "سام ألتمان"}, "role": {"en": "Chief executive", "ar": "الرئيس التنفيذي"}, "company": "openai"},
        "stated": "2025-01-31",
        "source": "aljazeera-ai-race-2025",
        "subjects": [{"type": "company", "key": "openai"}],
        "verdict": verdict,
        "verdict_summary": {"en": "Weighed against the record.", "ar": "وُزن مقابل السجل."},
        "evidence": [{"statistic": "article-s6", "relation": "context"}]
    })
}

async fn create(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.request(Method::POST, "/v1/claims", Some(key))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn verdicts_need_a_bilingual_summary_and_evidence_except_opinions(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    for verdict in [
        "supported",
        "partly_supported",
        "disputed",
        "unsupported",
        "false",
    ] {
        let mut body = claim(&format!("no-summary-{verdict}"), verdict);
        body["verdict_summary"] = Value::Null;
        body["evidence"] = json!([]);
        let problem = assert_problem(create(&app, &key, &body).await, 422).await;
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"verdict_summary") && fields.contains(&"evidence"),
            "{verdict}: {fields:?}"
        );
        let mut half = claim(&format!("half-summary-{verdict}"), verdict);
        half["verdict_summary"] = json!({"en": "Only English."});
        let problem = assert_problem(create(&app, &key, &half).await, 422).await;
        assert_eq!(
            problem["errors"][0]["field"], "verdict_summary.ar",
            "{verdict}"
        );
    }
    for verdict in ["opinion", "unreviewed"] {
        let mut body = claim(&format!("bare-{verdict}"), verdict);
        body["verdict_summary"] = Value::Null;
        body["evidence"] = json!([]);
        assert_eq!(create(&app, &key, &body).await.status(), 201, "{verdict}");
    }
    // A PATCH to a reviewed verdict is held to the same rule.
    let etag = app.etag("/v1/claims/bare-unreviewed").await;
    let refused = app
        .request(Method::PATCH, "/v1/claims/bare-unreviewed", Some(&key))
        .header("if-match", etag)
        .json(&json!({"verdict": "false"}))
        .send()
        .await
        .unwrap();
    assert_problem(refused, 422).await;
}

async fn a_claims_verdict_history_shows_each_change(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let path = "/v1/claims/article-c13";
    let before = app.get_json(path).await;
    for (verdict, summary) in [
        ("disputed", "Contested by a newer survey."),
        ("supported", "Settled by the 2025 surveys."),
    ] {
        let etag = app.etag(path).await;
        let response = app
            .request(Method::PATCH, path, Some(&key))
            .header("if-match", etag)
            .json(&json!({"verdict": verdict, "verdict_summary": {"en": summary, "ar": "ملخص."}}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    // A change that leaves verdict and summary alone adds nothing to the history.
    let etag = app.etag(path).await;
    app.request(Method::PATCH, path, Some(&key))
        .header("if-match", etag)
        .json(&json!({"topics": ["trust"]}))
        .send()
        .await
        .unwrap();

    let history = app.get_json(&format!("{path}/verdicts")).await;
    let history = history["data"].as_array().unwrap();
    let verdicts: Vec<&str> = history
        .iter()
        .map(|v| v["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        ["supported", "disputed", before["verdict"].as_str().unwrap()]
    );
    assert_eq!(history[0]["summary"]["en"], "Settled by the 2025 surveys.");
    assert_eq!(history[1]["summary"]["en"], "Contested by a newer survey.");
    assert_eq!(history[2]["actor"], "dataset");
    assert_ne!(history[0]["actor"], "dataset");
    let arabic = app.get_json(&format!("{path}/verdicts?lang=ar")).await;
    assert_eq!(arabic["data"][0]["summary"], "ملخص.");
    assert_problem(app.get("/v1/claims/no-such-claim/verdicts").await, 404).await;
}

async fn each_record_lists_the_claims_that_bear_on_it(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let keys = |body: Value| -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["key"].as_str().unwrap().to_owned())
            .collect()
    };
    let cases = [
        ("/v1/statistics/article-s6/claims", "article-c16"),
        ("/v1/statistics/article-s1/claims", "article-c4"),
        ("/v1/models/deepseek-r1/claims", "article-c1"),
        ("/v1/companies/openai/claims", "article-c10"),
        ("/v1/companies/moonshot-ai/claims", "article-c3"),
        ("/v1/countries/cn/claims", "article-c2"),
    ];
    for (path, expected) in cases {
        let found = keys(app.get_json(&format!("{path}?limit=200")).await);
        assert!(found.contains(&expected.to_owned()), "{path}: {found:?}");
    }
    let supported = keys(
        app.get_json("/v1/companies/openai/claims?verdict=supported")
            .await,
    );
    let mut sorted = supported.clone();
    sorted.sort();
    assert_eq!(sorted, ["article-c10", "article-c11", "article-c16"]);
    // A model's claims are about that model, not a company that shares its slug.
    let about_model = keys(app.get_json("/v1/models/o3/claims?limit=200").await);
    assert!(about_model.contains(&"article-c16".to_owned()));
    for path in [
        "/v1/statistics/none/claims",
        "/v1/models/none/claims",
        "/v1/companies/none/claims",
        "/v1/countries/ZZ/claims",
    ] {
        assert_problem(app.get(path).await, 404).await;
    }
    assert_problem(app.get("/v1/models/o3/claims?verdict=maybe").await, 400).await;
}

/// The properties Google's ClaimReview guidelines and schema.org ask for.
fn assert_valid_claim_review(review: &Value, lang: &str, verdict_label: &str) {
    assert_eq!(review["@context"], "https://schema.org");
    assert_eq!(review["@type"], "ClaimReview");
    for property in ["url", "claimReviewed", "datePublished", "inLanguage"] {
        assert!(
            review[property].as_str().is_some_and(|v| !v.is_empty()),
            "{property}: {review}"
        );
    }
    assert!(
        review["url"]
            .as_str()
            .unwrap()
            .starts_with("https://api.example.org/v1/claims/"),
        "{review}"
    );
    assert_eq!(review["inLanguage"], lang);
    chrono::NaiveDate::parse_from_str(review["datePublished"].as_str().unwrap(), "%Y-%m-%d")
        .expect("an ISO date");
    assert_eq!(review["author"]["@type"], "Organization");
    assert_eq!(review["author"]["name"], "Mizan Test Desk");
    assert_eq!(review["author"]["url"], "https://desk.example.org");
    let rating = &review["reviewRating"];
    assert_eq!(rating["@type"], "Rating");
    let value = rating["ratingValue"].as_u64().unwrap();
    let (best, worst) = (
        rating["bestRating"].as_u64().unwrap(),
        rating["worstRating"].as_u64().unwrap(),
    );
    assert!(worst <= value && value <= best, "{rating}");
    assert_eq!(rating["alternateName"], verdict_label);
    let item = &review["itemReviewed"];
    assert_eq!(item["@type"], "Claim");
    assert!(
        item["author"]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty()),
        "{item}"
    );
    assert!(["Person", "Organization"].contains(&item["author"]["@type"].as_str().unwrap()));
    assert_eq!(item["appearance"]["@type"], "CreativeWork");
    assert!(
        item["appearance"]["url"]
            .as_str()
            .unwrap()
            .starts_with("http"),
        "{item}"
    );
}

async fn every_reviewed_verdict_has_a_claim_review_in_both_languages(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let verdicts = [
        ("supported", 5, "Supported", "صحيح"),
        ("partly_supported", 4, "Partly supported", "صحيح جزئيًا"),
        ("disputed", 3, "Disputed", "محل خلاف"),
        ("unsupported", 2, "Unsupported", "بلا دليل"),
        ("false", 1, "False", "خاطئ"),
    ];
    for (verdict, rating, english, arabic) in verdicts {
        let key_name = format!("rated-{}", verdict.replace('_', "-"));
        assert_eq!(
            create(&app, &key, &claim(&key_name, verdict))
                .await
                .status(),
            201
        );
        for (lang, label) in [("en", english), ("ar", arabic)] {
            let response = app
                .get(&format!("/v1/claims/{key_name}/claimreview?lang={lang}"))
                .await;
            assert_eq!(response.status(), 200);
            assert_eq!(response.headers()["content-type"], "application/ld+json");
            assert_eq!(response.headers()["content-language"], lang);
            let review: Value =
                serde_json::from_str(&response.text().await.unwrap()).expect("JSON-LD is JSON");
            assert_valid_claim_review(&review, lang, label);
            assert_eq!(review["reviewRating"]["ratingValue"], rating);
            assert_eq!(review["itemReviewed"]["author"]["@type"], "Person");
            assert_eq!(review["itemReviewed"]["datePublished"], "2025-01-31");
        }
        let by_header = app
            .get_with(
                &format!("/v1/claims/{key_name}/claimreview"),
                "accept-language",
                "ar",
            )
            .await;
        assert_eq!(by_header.json::<Value>().await.unwrap()["inLanguage"], "ar");
    }
    for claim in ["article-c4", "article-c20"] {
        let problem = assert_problem(
            app.get(&format!("/v1/claims/{claim}/claimreview")).await,
            404,
        )
        .await;
        assert!(
            problem["detail"].as_str().unwrap().contains("opinion"),
            "{problem}"
        );
    }
    let mut unreviewed = claim("not-yet", "unreviewed");
    unreviewed["verdict_summary"] = Value::Null;
    create(&app, &key, &unreviewed).await;
    let problem = assert_problem(app.get("/v1/claims/not-yet/claimreview").await, 404).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("unreviewed"),
        "{problem}"
    );

    // The list holds one review per reviewed claim, paginated.
    let total = app.get_json("/v1/claims?count=true&limit=1").await["total"]
        .as_u64()
        .unwrap();
    let opinions = app
        .get_json("/v1/claims?verdict=opinion&count=true&limit=1")
        .await["total"]
        .as_u64()
        .unwrap();
    let mut reviews = Vec::new();
    let mut url = "/v1/claimreviews?limit=7&lang=ar".to_owned();
    loop {
        let page = app.get_json(&url).await;
        reviews.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => url = format!("/v1/claimreviews?limit=7&lang=ar&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(reviews.len() as u64, total - opinions - 1);
    for review in &reviews {
        assert_eq!(review["inLanguage"], "ar");
        assert_eq!(review["@type"], "ClaimReview");
    }
}

async fn cards_are_self_contained_escaped_and_bidirectional(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let key = app.key("editor").await;
    let mut hostile = claim("hostile", "false");
    hostile["text"]["en"] = json!("<script>alert('x')</script> & \"quotes\"");
    assert_eq!(create(&app, &key, &hostile).await.status(), 201);

    let response = app.get("/v1/claims/hostile/card").await;
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    let html = response.text().await.unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "{html}");
    let script = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .expect("the JSON-LD");
    let review: Value = serde_json::from_str(script).expect("the embedded JSON-LD parses");
    assert_valid_claim_review(&review, "en", "False");

    for (path, lang, dir) in [
        ("/v1/claims/article-c10/card?lang=ar", "ar", "rtl"),
        ("/v1/claims/article-c16/card", "en", "ltr"),
    ] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(
            html.starts_with(&format!(
                "<article class=\"mizan-card\" lang=\"{lang}\" dir=\"{dir}\""
            )),
            "{html}"
        );
        for external in ["<link", "src=", "@import", "url(", "<iframe"] {
            assert!(
                !html.contains(external),
                "{path} loads something ({external})"
            );
        }
        assert!(
            html.contains("<a href=\"https://"),
            "{path}: the evidence is linked"
        );
    }
    let opinion = app
        .get("/v1/claims/article-c4/card?lang=ar")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        opinion.contains("رأي") && !opinion.contains("ld+json"),
        "opinions get a card without a ClaimReview"
    );
}

/// Renders `html` in headless Chromium: a screenshot, and where the claim's first line of
/// text sits in its box.
fn render(dir: &Path, name: &str, html: &str) -> (Vec<u8>, Value) {
    let measure = "<script>const c=document.querySelector('.mizan-claim');const b=c.getBoundingClientRect();\
        const r=document.createRange();r.selectNodeContents(c);const f=r.getClientRects()[0];\
        document.body.setAttribute('data-measure',JSON.stringify({direction:getComputedStyle(c).direction,\
        left:Math.round(f.left-b.left),right:Math.round(b.right-f.right),height:Math.round(b.height)}));</script>";
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, format!("<!doctype html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0;padding:16px;background:#fff\">{html}{measure}</body></html>")).unwrap();
    let url = format!("file://{}", page.display());
    let chromium = |extra: &[String]| {
        let mut args = extra.to_vec();
        args.push(url.clone());
        crate::helpers::chromium(&args).expect("chromium is installed")
    };
    let shot = dir.join(format!("{name}.png"));
    chromium(&[format!("--screenshot={}", shot.display())]);
    let dom = String::from_utf8(chromium(&[
        "--dump-dom".to_owned(),
        "--virtual-time-budget=2000".to_owned(),
    ]))
    .unwrap();
    let measured = dom
        .split("data-measure=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the page measured itself");
    let measured = measured.replace("&quot;", "\"");
    (
        std::fs::read(shot).unwrap(),
        serde_json::from_str(&measured).unwrap(),
    )
}

/// The share of pixels that are not white.
fn ink(png_bytes: &[u8]) -> f64 {
    let mut decoder = png::Decoder::new(png_bytes);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let channels = info.color_type.samples();
    let pixels = &buffer[..info.buffer_size()];
    let inked = pixels
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|c| *c < 240))
        .count();
    inked as f64 / (pixels.len() / channels) as f64
}

async fn cards_render_in_a_browser_in_the_right_direction(backend: Backend) {
    if !Path::new("/usr/bin/chromium").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs Chromium at /usr/bin/chromium (.ci/run installs it)"
        );
        eprintln!(
            "skipped: no /usr/bin/chromium (install Debian's chromium package to run this test)"
        );
        return;
    }
    let app = spawn_app_with_dataset(backend).await;
    let dir = tempfile::tempdir().unwrap();
    for (name, path, direction) in [
        ("arabic", "/v1/claims/article-c10/card?lang=ar", "rtl"),
        ("english", "/v1/claims/article-c16/card?lang=en", "ltr"),
    ] {
        let html = app.get(path).await.text().await.unwrap();
        let (screenshot, measured) =
            tokio::task::block_in_place(|| render(dir.path(), name, &html));
        let ink = ink(&screenshot);
        assert!(
            ink > 0.02,
            "{name}: the screenshot is blank ({ink:.4} of pixels inked)"
        );
        assert_eq!(measured["direction"], direction, "{name}: {measured}");
        let (left, right) = (
            measured["left"].as_i64().unwrap(),
            measured["right"].as_i64().unwrap(),
        );
        match direction {
            "rtl" => assert!(
                right <= 2 && left > right,
                "{name}: text must start at the right edge: {measured}"
            ),
            _ => assert!(
                left <= 2 && right > left,
                "{name}: text must start at the left edge: {measured}"
            ),
        }
        assert!(
            measured["height"].as_i64().unwrap() > 10,
            "{name}: the claim has height: {measured}"
        );
    }
}

crate::on_both_backends!(
    verdicts_need_a_bilingual_summary_and_evidence_except_opinions,
    a_claims_verdict_history_shows_each_change,
    each_record_lists_the_claims_that_bear_on_it,
    every_reviewed_verdict_has_a_claim_review_in_both_languages,
    cards_are_self_contained_escaped_and_bidirectional,
    cards_render_in_a_browser_in_the_right_direction,
);
