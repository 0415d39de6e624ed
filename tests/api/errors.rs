use crate::helpers::{Backend, assert_problem, spawn_app, spawn_app_with_dataset};

async fn bad_requests_get_a_problem_naming_the_parameter(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let other_list_cursor = app.get_json("/v1/companies?limit=1").await["next_cursor"]
        .as_str()
        .expect("more than one company")
        .to_owned();
    let cases: Vec<(String, u16, Option<&str>)> = vec![
        ("/v1/models?bogus=1".into(), 400, Some("bogus")),
        (
            "/v1/models?country=CN&country=US".into(),
            400,
            Some("country"),
        ),
        ("/v1/models?limit=0".into(), 400, Some("limit")),
        ("/v1/models?limit=201".into(), 400, Some("limit")),
        ("/v1/models?limit=abc".into(), 400, Some("limit")),
        ("/v1/models?limit=-5".into(), 400, Some("limit")),
        ("/v1/models?sort=nonsense".into(), 400, Some("sort")),
        ("/v1/models?sort=--slug".into(), 400, Some("sort")),
        ("/v1/models?count=yes".into(), 400, Some("count")),
        (
            "/v1/models?facets=country,nonsense".into(),
            400,
            Some("facets"),
        ),
        (
            "/v1/models?cursor=not%20a%20cursor".into(),
            400,
            Some("cursor"),
        ),
        // A cursor of the right shape that this list did not make: a 422, since the
        // document cannot tell it from a real one.
        ("/v1/models?cursor=garbage".into(), 422, Some("cursor")),
        (
            format!("/v1/models?cursor={other_list_cursor}"),
            422,
            Some("cursor"),
        ),
        (
            format!("/v1/companies?sort=-slug&cursor={other_list_cursor}"),
            422,
            Some("cursor"),
        ),
        ("/v1/models?openness=open".into(), 400, Some("openness")),
        (
            "/v1/models?released_after=2025-13-01".into(),
            400,
            Some("released_after"),
        ),
        (
            "/v1/models?released_before=yesterday".into(),
            400,
            Some("released_before"),
        ),
        (
            "/v1/models/deepseek-r1/derivatives?depth=0".into(),
            400,
            Some("depth"),
        ),
        (
            "/v1/models/deepseek-r1/derivatives?depth=11".into(),
            400,
            Some("depth"),
        ),
        ("/v1/claims?verdict=true".into(), 400, Some("verdict")),
        (
            "/v1/claims?stated_after=2025-02-30".into(),
            400,
            Some("stated_after"),
        ),
        ("/v1/statistics?method=guessed".into(), 400, Some("method")),
        (
            "/v1/statistics?subject_type=person".into(),
            400,
            Some("subject_type"),
        ),
        (
            "/v1/statistics?period_from=2025".into(),
            400,
            Some("period_from"),
        ),
        ("/v1/sources?kind=blog".into(), 400, Some("kind")),
        ("/v1/companies?kind=startup".into(), 400, Some("kind")),
        (
            "/v1/countries?global_south=maybe".into(),
            400,
            Some("global_south"),
        ),
        ("/v1/models?company=%00".into(), 400, Some("company")),
        (
            format!("/v1/models?company={}", "a".repeat(201)),
            400,
            Some("company"),
        ),
        ("/v1/models?lang=fr".into(), 400, Some("lang")),
        ("/v1/models/deepseek-r1?limit=5".into(), 400, Some("limit")),
        (
            "/v1/claims/article-c1?verdict=false".into(),
            400,
            Some("verdict"),
        ),
        ("/v1/models/no-such-model".into(), 404, None),
        ("/v1/models/no-such-model/derivatives".into(), 404, None),
        ("/v1/countries/XX".into(), 404, None),
        (
            "/v1/claims/00000000-0000-0000-0000-000000000000".into(),
            404,
            None,
        ),
        ("/v1/statistics/%27%20OR%201%3D1--".into(), 404, None),
        ("/v1/nothing-here".into(), 404, None),
        ("/".into(), 404, None),
        (format!("/v1/{}", "a".repeat(5000)), 404, None),
    ];
    for (path, status, parameter) in cases {
        let problem = assert_problem(app.get(&path).await, status).await;
        if let Some(parameter) = parameter {
            assert_eq!(
                problem["errors"][0]["field"], parameter,
                "GET {path}: {problem}"
            );
            assert!(
                problem["detail"].as_str().unwrap().contains(parameter),
                "GET {path}: {problem}"
            );
        }
    }
}

async fn a_wrong_method_is_a_405_naming_the_allowed_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        ("/v1/models", "GET, HEAD, POST"),
        ("/v1/models/deepseek-r1", "GET, HEAD, PATCH, DELETE"),
        ("/health/live", "GET, HEAD"),
        ("/v1/revisions", "GET, HEAD"),
        ("/v1/countries/CN", "GET, HEAD"),
    ];
    for (path, allowed) in cases {
        let response = app
            .client
            .put(format!("{}{path}", app.address))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["allow"], allowed, "PUT {path}");
        assert_problem(response, 405).await;
    }
}

crate::on_both_backends!(
    bad_requests_get_a_problem_naming_the_parameter,
    a_wrong_method_is_a_405_naming_the_allowed_ones,
);
