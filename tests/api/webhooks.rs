//! Webhooks: subscribers' endpoints, deliveries signed as Standard Webhooks says (checked
//! with its official Python library), retries, and the address rules. Receivers are local
//! servers on this machine's loopback; no test sends anything anywhere else.

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, dev::ServerHandle, web};
use mizan::config::{Config, WebhookConfig};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{
        TestApp, TestDatabase, assert_problem, company_input, spawn_app_configured, spawn_app_on,
    },
    on_both_backends,
};

/// How a receiver answers one delivery.
#[derive(Clone, Debug)]
enum Reply {
    Status(u16),
    Redirect,
    Slow(Duration),
}

/// A delivery as a receiver got it.
#[derive(Clone, Debug)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    pause: Arc<AtomicU64>,
    handle: ServerHandle,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

impl Receiver {
    /// A receiver on loopback answering with `script` in turn, then 200.
    async fn start(script: Vec<Reply>) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let pause = Arc::new(AtomicU64::new(0));
        let state = (received.clone(), script, pause.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.clone()))
                .default_service(web::to(receive))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}/hooks/mizan"),
            received,
            pause,
            handle,
        }
    }

    /// Makes every answer wait `millis` first.
    fn pause(&self, millis: u64) {
        self.pause.store(millis, Ordering::SeqCst);
    }

    /// The distinct `webhook-id`s received.
    fn ids(&self) -> std::collections::HashSet<String> {
        self.got()
            .into_iter()
            .map(|delivery| delivery.headers["webhook-id"].clone())
            .collect()
    }

    fn got(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until `count` deliveries came (or fails after a generous while).
    async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..900 {
            let got = self.got();
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {count} deliveries, got {:?}", self.got());
    }
}

type State = (
    Arc<Mutex<Vec<Received>>>,
    Arc<Mutex<VecDeque<Reply>>>,
    Arc<AtomicU64>,
);

async fn receive(req: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let headers = req
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    state.0.lock().unwrap().push(Received {
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let pause = state.2.load(Ordering::SeqCst);
    if pause > 0 {
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    let reply = state.1.lock().unwrap().pop_front();
    match reply {
        None => HttpResponse::Ok().body("ok"),
        Some(Reply::Status(status)) => {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                .body(format!("answered {status}"))
        }
        Some(Reply::Redirect) => HttpResponse::Found()
            .insert_header(("Location", "/elsewhere"))
            .finish(),
        Some(Reply::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            HttpResponse::Ok().body("late")
        }
    }
}

/// Quick retries, a short timeout, and loopback over http allowed, as tests need.
fn on_loopback(config: &mut Config) {
    config.webhooks = WebhookConfig {
        retry_schedule: vec![Duration::from_millis(300); 3],
        timeout: Duration::from_millis(1000),
        poll_interval: Duration::from_millis(200),
        allow_nets: vec!["127.0.0.0/8".parse().unwrap()],
        allow_http: true,
        ..WebhookConfig::default()
    };
}

async fn app_with_dataset(backend: crate::helpers::Backend) -> TestApp {
    spawn_app_on(TestDatabase::create(backend).await, true, on_loopback).await
}

async fn register(app: &TestApp, key: &str, body: Value) -> Value {
    let response = app
        .request(Method::POST, "/v1/webhooks", Some(key))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    response.json().await.unwrap()
}

async fn create_company(app: &TestApp, editor: &str, slug: &str) {
    let response = app
        .request(Method::POST, "/v1/companies", Some(editor))
        .json(&company_input(slug))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
}

async fn deliveries(app: &TestApp, key: &str, id: &str) -> Vec<Value> {
    let page: Value = app
        .request(
            Method::GET,
            &format!("/v1/webhooks/{id}/deliveries"),
            Some(key),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["data"].as_array().unwrap().clone()
}

/// Verifies `checks` with the official Python `standardwebhooks` package.
fn verify_with_reference_library(checks: Vec<Value>) {
    use std::io::Write;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/webhooks/verify.py");
    let mut child = std::process::Command::new(crate::helpers::python())
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(json!({ "checks": checks }).to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}");
}

fn check(secret: &str, delivery: &Received, expect: &str) -> Value {
    json!({"secret": secret, "headers": delivery.headers, "body": delivery.body, "expect": expect})
}

async fn a_subscriber_manages_only_its_own_endpoints(backend: crate::helpers::Backend) {
    // Arrange
    let app = spawn_app_configured(backend, on_loopback).await;
    let (mine, theirs) = (app.key("subscriber").await, app.key("subscriber").await);
    let (editor, admin) = (app.key("editor").await, app.key("admin").await);
    let receiver = Receiver::start(Vec::new()).await;

    // Act
    let created = register(
        &app,
        &mine,
        json!({"url": receiver.url, "events": ["claim.verdict_changed"], "description": "desk"}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/webhooks/{id}");

    // Assert: the secret is shown once, in the Standard Webhooks form.
    let secret = created["secret"].as_str().unwrap();
    let bytes = base64_len(secret.strip_prefix("whsec_").unwrap());
    assert!((24..=64).contains(&bytes), "{secret}");
    let shown: Value = app.get_json_as(&path, &mine).await;
    assert!(shown.get("secret").is_none(), "{shown}");
    assert_eq!(shown["events"], json!(["claim.verdict_changed"]));
    for (key, status) in [(&theirs, 404), (&editor, 403)] {
        let response = app
            .request(Method::GET, &path, Some(key))
            .send()
            .await
            .unwrap();
        assert_problem(response, status).await;
    }
    assert_problem(
        app.request(Method::GET, &path, None).send().await.unwrap(),
        401,
    )
    .await;
    let listed = |key: String| {
        let app = &app;
        async move {
            let list: Value = app.get_json_as("/v1/webhooks", &key).await;
            list["data"].as_array().unwrap().len()
        }
    };
    assert_eq!(listed(mine.clone()).await, 1);
    assert_eq!(listed(theirs.clone()).await, 0);
    assert_eq!(listed(admin.clone()).await, 1);

    // A patch changes what it names; a bad one changes nothing.
    let response = app
        .request(Method::PATCH, &path, Some(&mine))
        .header("Content-Type", "application/merge-patch+json")
        .json(&json!({"events": ["statistic.*", "claim.*"], "description": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let patched: Value = response.json().await.unwrap();
    assert_eq!(patched["events"], json!(["statistic.*", "claim.*"]));
    assert_eq!(patched["description"], "");
    for bad in [
        json!({"events": ["claims.changed"]}),
        json!({"events": []}),
        json!({"url": null}),
        json!({"url": "https://10.0.0.1/"}),
        json!({"colour": "red"}),
    ] {
        let response = app
            .request(Method::PATCH, &path, Some(&mine))
            .header("Content-Type", "application/merge-patch+json")
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_problem(response, 422).await;
    }
    let after: Value = app.get_json_as(&path, &mine).await;
    assert_eq!(after["events"], patched["events"]);
    assert_eq!(after["url"], receiver.url.as_str());

    // Another subscriber cannot touch it; its owner deletes it.
    let response = app
        .request(Method::DELETE, &path, Some(&theirs))
        .send()
        .await
        .unwrap();
    assert_problem(response, 404).await;
    let response = app
        .request(Method::DELETE, &path, Some(&mine))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let response = app
        .request(Method::GET, &path, Some(&admin))
        .send()
        .await
        .unwrap();
    assert_problem(response, 404).await;
}

fn base64_len(encoded: &str) -> usize {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("the secret is base64")
        .len()
}

async fn deliveries_are_signed_as_the_reference_library_verifies(backend: crate::helpers::Backend) {
    // Arrange
    let app = app_with_dataset(backend).await;
    let (subscriber, editor) = (app.key("subscriber").await, app.key("editor").await);
    let receiver = Receiver::start(Vec::new()).await;
    let created = register(
        &app,
        &subscriber,
        json!({"url": receiver.url, "events": ["company.*"]}),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let old_secret = created["secret"].as_str().unwrap().to_owned();

    // Act: a change, a rotation, another change.
    create_company(&app, &editor, "signed-lab").await;
    let first = receiver.wait_for(1).await.remove(0);
    let rotated: Value = app
        .request(
            Method::POST,
            &format!("/v1/webhooks/{id}/rotate-secret"),
            Some(&subscriber),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, old_secret);
    assert!(
        rotated["previous_secret_expires_at"].is_string(),
        "{rotated}"
    );
    create_company(&app, &editor, "rotated-lab").await;
    let second = receiver.wait_for(2).await.remove(1);

    // Assert: the body is the event as the change log shows it.
    let body: Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(body["type"], "company.created");
    assert_eq!(body["data"]["key"], "signed-lab");
    assert_eq!(body["data"]["data"]["name"]["ar"], "أكمي للذكاء الاصطناعي");
    let event_id = body["data"]["id"].as_i64().unwrap();
    assert_eq!(first.headers["webhook-id"], format!("evt_{event_id}"));
    assert_eq!(first.headers["content-type"], "application/json");
    let log: Value = app
        .get_json(&format!("/v1/events?after={}", event_id - 1))
        .await;
    assert_eq!(log["data"][0]["type"], "company.created");
    assert_eq!(log["data"][0]["data"], body["data"]["data"]);
    // During the rotation the second carries two signatures, one by each secret.
    assert_eq!(second.headers["webhook-signature"].split(' ').count(), 2);
    verify_with_reference_library(vec![
        check(&old_secret, &first, "valid"),
        check(&old_secret, &first, "tampered"),
        check(&old_secret, &first, "stale"),
        check(&old_secret, &second, "valid"),
        check(&new_secret, &second, "valid"),
        check(&new_secret, &second, "tampered"),
    ]);
    let log = deliveries(&app, &subscriber, id).await;
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|d| d["status"] == "succeeded"), "{log:?}");
    assert_eq!(log[0]["attempts"][0]["status_code"], 200);
    assert_eq!(log[0]["attempts"][0]["response_body"], "ok");
}

async fn a_failing_receiver_gets_retries_with_one_webhook_id(backend: crate::helpers::Backend) {
    // Arrange: a receiver that fails twice, then takes it.
    let app = app_with_dataset(backend).await;
    let (subscriber, editor) = (app.key("subscriber").await, app.key("editor").await);
    let receiver = Receiver::start(vec![Reply::Status(500), Reply::Status(503)]).await;
    let created = register(&app, &subscriber, json!({"url": receiver.url})).await;
    let id = created["id"].as_str().unwrap();

    // Act
    create_company(&app, &editor, "retried-lab").await;
    let got = receiver.wait_for(3).await;

    // Assert
    let ids: Vec<&str> = got
        .iter()
        .map(|d| d.headers["webhook-id"].as_str())
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    assert!(got.iter().all(|d| d.body == got[0].body));
    let log = wait_until(&app, &subscriber, id, |d| d["status"] == "succeeded").await;
    let statuses: Vec<&Value> = log["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status_code"])
        .collect();
    assert_eq!(statuses, [&json!(500), &json!(503), &json!(200)]);
    assert_eq!(log["attempt_count"], 3);
    let endpoint: Value = app
        .request(
            Method::GET,
            &format!("/v1/webhooks/{id}"),
            Some(&subscriber),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(endpoint["failing_since"].is_null(), "{endpoint}");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(receiver.got().len(), 3, "nothing more after the success");
}

/// Waits until the newest delivery of `id` is as `done` says, and returns it.
async fn wait_until(app: &TestApp, key: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..300 {
        if let Some(newest) = deliveries(app, key, id).await.first()
            && done(newest)
        {
            return newest.clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the delivery did not come to pass: {:?}",
        deliveries(app, key, id).await
    );
}

async fn gone_disables_and_redirects_and_slowness_fail(backend: crate::helpers::Backend) {
    // Arrange
    let app = spawn_app_configured(backend, on_loopback).await;
    let subscriber = app.key("subscriber").await;
    let gone = Receiver::start(vec![Reply::Status(410)]).await;
    let moved = Receiver::start(vec![Reply::Redirect; 4]).await;
    let slow = Receiver::start(vec![Reply::Slow(Duration::from_secs(3)); 4]).await;
    let mut ids = Vec::new();
    for receiver in [&gone, &moved, &slow] {
        let created = register(&app, &subscriber, json!({"url": receiver.url})).await;
        ids.push(created["id"].as_str().unwrap().to_owned());
    }

    // Act
    for id in &ids {
        let response = app
            .request(
                Method::POST,
                &format!("/v1/webhooks/{id}/test"),
                Some(&subscriber),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
    }

    // Assert: a 410 disables the endpoint at once.
    let log = wait_until(&app, &subscriber, &ids[0], |d| d["status"] == "failed").await;
    assert_eq!(log["attempt_count"], 1);
    let endpoint: Value = app
        .request(
            Method::GET,
            &format!("/v1/webhooks/{}", ids[0]),
            Some(&subscriber),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(endpoint["enabled"], false, "{endpoint}");
    assert!(
        endpoint["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("410")
    );
    let response = app
        .request(
            Method::POST,
            &format!("/v1/webhooks/{}/test", ids[0]),
            Some(&subscriber),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let response = app
        .request(
            Method::POST,
            &format!("/v1/webhooks/{}/recover", ids[0]),
            Some(&subscriber),
        )
        .json(&json!({"since": "2026-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_problem(response, 409).await;
    // A redirect is not followed: every attempt fails, then the delivery is given up.
    let log = wait_until(&app, &subscriber, &ids[1], |d| d["status"] == "failed").await;
    assert_eq!(
        log["attempt_count"], 4,
        "the first attempt and three retries"
    );
    for attempt in log["attempts"].as_array().unwrap() {
        assert_eq!(attempt["status_code"], 302);
        assert!(
            attempt["error"].as_str().unwrap().contains("redirect"),
            "{attempt}"
        );
    }
    assert_eq!(
        moved.got().len(),
        4,
        "the redirect's target was never asked"
    );
    // A slow receiver times out.
    let log = wait_until(&app, &subscriber, &ids[2], |d| {
        d["attempt_count"].as_i64() >= Some(1)
    })
    .await;
    let attempt = &log["attempts"][0];
    assert!(attempt["status_code"].is_null(), "{attempt}");
    assert!(
        attempt["error"].as_str().unwrap().contains("timed out"),
        "{attempt}"
    );
    assert_eq!(gone.got().len(), 1, "a disabled endpoint is sent nothing");
}

async fn failed_deliveries_are_sent_again_by_redelivery_and_recovery(
    backend: crate::helpers::Backend,
) {
    // Arrange: a receiver that fails every attempt of one delivery, then recovers.
    let app = spawn_app_configured(backend, on_loopback).await;
    let subscriber = app.key("subscriber").await;
    let receiver = Receiver::start(vec![Reply::Status(500); 4]).await;
    let created = register(&app, &subscriber, json!({"url": receiver.url})).await;
    let id = created["id"].as_str().unwrap();
    app.request(
        Method::POST,
        &format!("/v1/webhooks/{id}/test"),
        Some(&subscriber),
    )
    .send()
    .await
    .unwrap();
    let failed = wait_until(&app, &subscriber, id, |d| d["status"] == "failed").await;
    let endpoint: Value = app
        .request(
            Method::GET,
            &format!("/v1/webhooks/{id}"),
            Some(&subscriber),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(endpoint["failing_since"].is_string(), "{endpoint}");

    // Act: recover what failed since before it.
    let response = app
        .request(
            Method::POST,
            &format!("/v1/webhooks/{id}/recover"),
            Some(&subscriber),
        )
        .json(&json!({"since": failed["created_at"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let recovered: Value = response.json().await.unwrap();

    // Assert
    assert_eq!(recovered["recovered"], 1);
    let done = wait_until(&app, &subscriber, id, |d| d["status"] == "succeeded").await;
    assert_eq!(done["attempt_count"], 5);
    let got = receiver.wait_for(5).await;
    assert!(
        got.iter()
            .all(|d| d.headers["webhook-id"] == failed["message_id"].as_str().unwrap())
    );

    // A succeeded delivery may be sent once more by hand, with the same webhook-id.
    let delivery = done["id"].as_str().unwrap();
    let response = app
        .request(
            Method::POST,
            &format!("/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
            Some(&subscriber),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let got = receiver.wait_for(6).await;
    assert_eq!(got[5].headers["webhook-id"], got[0].headers["webhook-id"]);
    let unknown =
        format!("/v1/webhooks/{id}/deliveries/01a252d5-0159-7588-9a49-ee347c60aac2/redeliver");
    assert_problem(
        app.request(Method::POST, &unknown, Some(&subscriber))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
}

async fn registrations_to_private_addresses_are_refused(backend: crate::helpers::Backend) {
    // Arrange
    let strict = crate::helpers::spawn_app(backend).await;
    let key = strict.key("subscriber").await;
    let private = [
        "http://127.0.0.1/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:127.0.0.1]/hook",
        "https://100.64.0.1/hook",
        "https://localhost/hook",
    ];

    // Act and assert: each refused, naming `url`; nothing stored.
    for url in private {
        let response = strict
            .request(Method::POST, "/v1/webhooks", Some(&key))
            .json(&json!({"url": url}))
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 422).await;
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
    }
    let list: Value = strict.get_json_as("/v1/webhooks", &key).await;
    assert_eq!(list["data"], json!([]));

    // With the exceptions open, the same are accepted (disabled: nothing is sent).
    let open = spawn_app_configured(backend, |config| {
        on_loopback(config);
        config.webhooks.allow_nets = [
            "127.0.0.0/8",
            "::1/128",
            "10.0.0.0/8",
            "169.254.0.0/16",
            "100.64.0.0/10",
        ]
        .map(|net| net.parse().unwrap())
        .to_vec();
    })
    .await;
    let key = open.key("subscriber").await;
    for url in private {
        let created = register(&open, &key, json!({"url": url, "enabled": false})).await;
        assert_eq!(created["enabled"], false);
    }
}

/// Makes `count` companies, a few at a time: `count` events in the change log.
async fn create_companies(app: &TestApp, editor: &str, count: usize) {
    use futures::StreamExt;
    futures::stream::iter(0..count)
        .map(|n| async move { create_company(app, editor, &format!("lab-{n}")).await })
        .buffer_unordered(8)
        .collect::<Vec<()>>()
        .await;
}

/// The attempts `/metrics` says an instance made, by result.
async fn attempts_made(address: &str, result: &str) -> u64 {
    let text = reqwest::get(format!("{address}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let wanted = format!("mizan_webhook_attempts_total{{result=\"{result}\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&wanted))
        .map_or(0, |value| value.trim().parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgresql_deliver_each_event_once_between_them() {
    // Arrange: two instances on one database, each making few attempts at once, and a
    // receiver slow enough that one instance alone cannot keep up.
    let few = |config: &mut Config| {
        on_loopback(config);
        config.webhooks.concurrency = 4;
    };
    let app = spawn_app_on(
        TestDatabase::create(crate::helpers::Backend::Postgres).await,
        true,
        few,
    )
    .await;
    let mut config = crate::helpers::test_config(app.database_url());
    few(&mut config);
    let db = mizan::startup::connect(&config).await.unwrap();
    let other = mizan::startup::Application::build_with_db(config, db).unwrap();
    let other_address = format!("http://127.0.0.1:{}", other.port());
    let other_handle = other.handle();
    tokio::spawn(other.run_until_stopped());
    let (subscriber, editor) = (app.key("subscriber").await, app.key("editor").await);
    let receiver = Receiver::start(Vec::new()).await;
    receiver.pause(5);
    register(
        &app,
        &subscriber,
        json!({"url": receiver.url, "events": ["company.created"]}),
    )
    .await;

    // Act: 1,000 changes.
    create_companies(&app, &editor, 1000).await;
    receiver.wait_for(1000).await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Assert: each event once, and both instances did some of the work.
    assert_eq!(receiver.got().len(), 1000, "no event was sent twice");
    assert_eq!(receiver.ids().len(), 1000);
    let (mine, theirs) = (
        attempts_made(&app.address, "success").await,
        attempts_made(&other_address, "success").await,
    );
    assert_eq!(mine + theirs, 1000);
    assert!(
        mine > 0 && theirs > 0,
        "the work was not split: {mine} and {theirs}"
    );
    other_handle.stop(false).await;
}

on_both_backends!(
    a_subscriber_manages_only_its_own_endpoints,
    deliveries_are_signed_as_the_reference_library_verifies,
    a_failing_receiver_gets_retries_with_one_webhook_id,
    gone_disables_and_redirects_and_slowness_fail,
    failed_deliveries_are_sent_again_by_redelivery_and_recovery,
    registrations_to_private_addresses_are_refused,
);

/// The `mizan` binary on `database`, with webhooks sent to loopback; returns it and its address.
fn start_binary(database: &str, data_dir: &std::path::Path) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mizan"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database)
        .env("MIZAN_BIND", "127.0.0.1:0")
        .env("MIZAN_LOG_FORMAT", "json")
        .env("MIZAN_DATA_DIR", data_dir)
        .env("MIZAN_RATE_LIMIT_ANONYMOUS", "0")
        .env("MIZAN_RATE_LIMIT_KEY", "0")
        .env("MIZAN_WEBHOOK_ALLOW_HTTP", "true")
        .env("MIZAN_WEBHOOK_ALLOW_NETS", "127.0.0.0/8")
        .env("MIZAN_WEBHOOK_TIMEOUT_MS", "1000")
        .env("MIZAN_WEBHOOK_POLL_MS", "200")
        .env("MIZAN_WEBHOOK_RETRY_SCHEDULE", "300ms,300ms,300ms")
        .env("MIZAN_WEBHOOK_CONCURRENCY", "2")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("cannot start the binary");
    let stderr = child.stderr.take().unwrap();
    let (port_tx, port) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(port) = serde_json::from_str::<Value>(&line)
                .ok()
                .and_then(|event| event["port"].as_u64())
            {
                let _ = port_tx.send(port);
            }
        }
    });
    let port = port
        .recv_timeout(Duration::from_secs(60))
        .expect("the service did not start");
    (child, format!("http://127.0.0.1:{port}"))
}

/// A key made by `mizan keys create` on `database`.
fn binary_key(database: &str, role: &str) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mizan"))
        .env("DATABASE_URL", database)
        .env("MIZAN_LOG", "warn")
        .args(["keys", "create", "--name", "test", "--role", role])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("key:").map(|key| key.trim().to_owned()))
        .expect("the key")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_killed_with_deliveries_pending_sends_them_all_after_a_restart() {
    // Arrange: the service on an SQLite file, and a slow receiver.
    let dir = tempfile::tempdir().unwrap();
    let database = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("m.sqlite").display()
    );
    let data = crate::helpers::data_dir();
    let (mut service, address) = start_binary(&database, &data);
    let (subscriber, editor) = (
        binary_key(&database, "subscriber"),
        binary_key(&database, "editor"),
    );
    let receiver = Receiver::start(Vec::new()).await;
    receiver.pause(50);
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{address}/v1/webhooks"))
        .bearer_auth(&subscriber)
        .json(&json!({"url": receiver.url, "events": ["company.created"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    {
        use futures::StreamExt;
        futures::stream::iter(0..1000)
            .map(|n| {
                let (client, address, editor) = (&client, &address, &editor);
                async move {
                    let response = client
                        .post(format!("{address}/v1/companies"))
                        .bearer_auth(editor)
                        .json(&company_input(&format!("killed-lab-{n}")))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 201);
                }
            })
            .buffer_unordered(8)
            .collect::<Vec<()>>()
            .await;
    }

    // Act: kill -9 with most deliveries still to make, then start again.
    service.kill().unwrap();
    service.wait().unwrap();
    let before = receiver.ids().len();
    assert!(
        before < 1000,
        "every delivery was made before the kill: {before}"
    );
    receiver.pause(0);
    let (mut service, _) = start_binary(&database, &data);

    // Assert: every event reaches the receiver.
    for _ in 0..600 {
        if receiver.ids().len() >= 1000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    service.kill().unwrap();
    service.wait().unwrap();
    assert_eq!(
        receiver.ids().len(),
        1000,
        "{before} arrived before the kill"
    );
}
