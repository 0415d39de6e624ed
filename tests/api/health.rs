use crate::helpers::{Backend, assert_problem, spawn_app};

async fn liveness_answers_ok(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = app.get_json("/health/live").await;
    assert_eq!(body["status"], "ok");
}

async fn readiness_answers_ok_while_the_database_answers(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = app.get_json("/health/ready").await;
    assert_eq!(body["status"], "ok");
}

async fn readiness_and_reads_answer_503_while_the_database_is_down(backend: Backend) {
    // Arrange
    let app = spawn_app(backend).await;
    assert_eq!(app.get("/v1/models").await.status(), 200);
    app.cut_off_database().await;

    // Act
    let ready = app.get("/health/ready").await;
    // Reads of one statement, and reads of several on one connection taken for them.
    let mut reads = Vec::new();
    for path in [
        "/v1/models",
        "/v1/models?country=CN&limit=5",
        "/v1/statistics",
        "/v1/companies",
        "/v1/claims",
        "/v1/claims/article-c1",
        "/v1/search?q=deepseek",
    ] {
        reads.push((path, app.get(path).await));
    }

    // Assert
    assert_eq!(
        ready
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap()),
        Some("2")
    );
    let problem = assert_problem(ready, 503).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("database"),
        "{problem}"
    );
    for (path, response) in reads {
        assert_eq!(response.status(), 503, "{path}");
        assert_problem(response, 503).await;
    }
    // Liveness does not depend on the database.
    assert_eq!(app.get("/health/live").await.status(), 200);
}

async fn every_response_carries_a_request_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        ("/health/live", None),
        ("/v1/models", None),
        ("/no/such/route", None),
        ("/v1/models", Some("client-id-123")),
        ("/v1/models?limit=x", Some("abc.def:42")),
    ];
    for (path, sent) in cases {
        let response = match sent {
            Some(id) => app.get_with(path, "x-request-id", id).await,
            None => app.get(path).await,
        };
        let id = response
            .headers()
            .get("x-request-id")
            .unwrap_or_else(|| panic!("{path}: no X-Request-Id"))
            .to_str()
            .unwrap()
            .to_owned();
        match sent {
            Some(sent) => assert_eq!(id, sent, "{path}: the client's id is echoed"),
            None => assert!(
                uuid::Uuid::parse_str(&id).is_ok(),
                "{path}: a generated UUID, got {id}"
            ),
        }
    }
    // An unusable id (too long, odd characters) is replaced, not echoed.
    let response = app
        .get_with("/health/live", "x-request-id", &"x".repeat(200))
        .await;
    let id = response
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "got {id}");
}

async fn prometheus_metrics_count_requests_by_route_and_status(backend: Backend) {
    let app = spawn_app(backend).await;
    app.get("/v1/models").await;
    app.get("/v1/models/no-such-model").await;
    // Refused before any handler runs, and counted all the same.
    assert_eq!(app.get("/v1/models/a%00b").await.status(), 400);

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();

    assert!(
        text.contains(
            r#"mizan_http_requests_total{method="GET",route="/v1/models",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"mizan_http_requests_total{method="GET",route="/v1/models/{slug}",status="404"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"mizan_http_requests_total{method="GET",route="/v1/models/{slug}",status="400"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains("mizan_http_request_duration_seconds_bucket"),
        "{text}"
    );
}

crate::on_both_backends!(
    liveness_answers_ok,
    readiness_answers_ok_while_the_database_answers,
    readiness_and_reads_answer_503_while_the_database_is_down,
    every_response_carries_a_request_id,
    prometheus_metrics_count_requests_by_route_and_status,
);
