use crate::helpers::{Backend, spawn_app};

async fn the_docs_page_is_served_with_its_own_assets(backend: Backend) {
    let app = spawn_app(backend).await;

    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers()["location"], "/docs/");

    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // Every script and stylesheet the page loads is served by the service itself.
    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-initializer.js",
    ] {
        assert!(html.contains(asset), "the page does not load {asset}");
        let response = app.get(&format!("/docs/{asset}")).await;
        assert_eq!(response.status(), 200, "{asset}");
        assert!(
            !response.bytes().await.unwrap().is_empty(),
            "{asset} is empty"
        );
    }
    assert!(
        !html.contains("https://"),
        "the page must not load anything from the internet"
    );
    let initializer = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("/openapi.json"), "{initializer}");
}

async fn the_served_openapi_document_is_the_generated_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let served = app.get_json("/openapi.json").await;
    let generated = serde_json::to_value(mizan::startup::openapi()).unwrap();
    assert_eq!(served, generated);
}

async fn the_docs_page_renders_in_a_browser_without_the_internet(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = format!("{}/docs/", app.address);
    let args = [
        "--virtual-time-budget=5000".to_owned(),
        "--dump-dom".to_owned(),
        url,
    ];
    let Some(output) = tokio::task::block_in_place(|| crate::helpers::chromium(&args)) else {
        return;
    };
    let dom = String::from_utf8_lossy(&output);
    // Swagger UI drew the document: its title, and the operations.
    assert!(
        dom.contains("Mizan API"),
        "the page did not render the document"
    );
    for operation in [
        "/v1/claims/{id}/claimreview",
        "/v1/search",
        "/v1/models/{slug}/derivatives",
    ] {
        assert!(dom.contains(operation), "{operation} is not on the page");
    }
}

crate::on_both_backends!(
    the_docs_page_is_served_with_its_own_assets,
    the_served_openapi_document_is_the_generated_one,
    the_docs_page_renders_in_a_browser_without_the_internet,
);
