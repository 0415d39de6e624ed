use crate::helpers::{Backend, assert_problem, spawn_app_with_dataset};

async fn without_a_choice_both_languages_come_back(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let response = app.get("/v1/companies/deepseek").await;
    assert!(response.headers().get("content-language").is_none());
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["name"]["en"], "DeepSeek");
    assert_eq!(body["name"]["ar"], "ديب سيك");
    assert_eq!(body["country"]["name"]["ar"], "الصين");
}

async fn lang_or_accept_language_picks_one_language(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let cases = [
        ("?lang=ar", None, "ar", "ديب سيك"),
        ("?lang=en", None, "en", "DeepSeek"),
        ("", Some("ar"), "ar", "ديب سيك"),
        ("", Some("ar-EG,ar;q=0.9,en;q=0.8"), "ar", "ديب سيك"),
        ("", Some("fr-FR, en;q=0.3, ar;q=0.2"), "en", "DeepSeek"),
        ("?lang=en", Some("ar"), "en", "DeepSeek"),
    ];
    for (query, accept, expected_lang, expected_name) in cases {
        let path = format!("/v1/companies/deepseek{query}");
        let response = match accept {
            Some(value) => app.get_with(&path, "accept-language", value).await,
            None => app.get(&path).await,
        };
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-language"],
            expected_lang,
            "{path} {accept:?}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["name"], expected_name, "{path} {accept:?}");
        assert!(
            body["description"].is_string(),
            "{path}: every localized field is narrowed"
        );
        assert!(
            body["country"]["name"].is_string(),
            "{path}: nested ones too"
        );
    }
}

async fn lists_and_nested_records_are_narrowed_too(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let body = app.get_json("/v1/claims?lang=ar&limit=3").await;
    for claim in body["data"].as_array().unwrap() {
        assert!(claim["text"].is_string(), "{claim}");
        assert!(claim["claimant"]["name"].is_string(), "{claim}");
        for subject in claim["subjects"].as_array().unwrap() {
            assert!(subject["name"].is_string(), "{subject}");
        }
    }
}

async fn an_unsupported_language_is_refused_or_ignored(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    // `?lang=` is explicit: a language the API does not speak is an error.
    assert_problem(app.get("/v1/companies/deepseek?lang=de").await, 400).await;
    // Accept-Language is a preference: one the API cannot meet gives both languages.
    let response = app
        .get_with("/v1/companies/deepseek", "accept-language", "de, fr;q=0.5")
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-language").is_none());
}

crate::on_both_backends!(
    without_a_choice_both_languages_come_back,
    lang_or_accept_language_picks_one_language,
    lists_and_nested_records_are_narrowed_too,
    an_unsupported_language_is_refused_or_ignored,
);
