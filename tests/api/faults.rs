//! Faults and limits: requests over the configured limits, a slow database, PostgreSQL
//! stopped and restarted under load, and SIGTERM in the middle of a burst of writes.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use futures::StreamExt;
use mizan::config::RequestLimits;
use reqwest::Method;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::Value;

use crate::helpers::{
    Backend, TestDatabase, assert_problem, company_input, content_type, data_dir,
    spawn_app_configured, spawn_app_on,
};

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

async fn requests_over_the_configured_limits_get_problems(backend: Backend) {
    let app = spawn_app_configured(backend, |config| {
        config.request_limits = RequestLimits {
            max_header_bytes: 4096,
            max_query_bytes: 256,
            max_json_depth: 4,
            timeout: Duration::from_secs(30),
        };
    })
    .await;
    let editor = app.key("editor").await;

    // Under every limit: served.
    assert_eq!(
        app.get(&format!("/v1/models?q={}", "a".repeat(200)))
            .await
            .status(),
        200
    );
    // Headers over the limit: 431.
    let big = app
        .request(Method::GET, "/v1/models", None)
        .header("x-padding", "a".repeat(5000))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(big, 431).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("4096"),
        "{problem}"
    );
    // Query over the limit: 414, whatever the route.
    for path in ["/v1/models", "/v1/nowhere", "/health/live"] {
        let response = app.get(&format!("{path}?q={}", "a".repeat(300))).await;
        assert_problem(response, 414).await;
    }
    // JSON nested deeper than the limit: 400 before it is parsed; at the limit it is read
    // (and then refused for what it is, not for its depth).
    for (depth, status) in [(5, 400), (4, 422), (10_000, 400)] {
        let response = app
            .request(Method::POST, "/v1/companies", Some(&editor))
            .header("content-type", "application/json")
            .body(format!("{{\"slug\": {}}}", nested(depth - 1)))
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, status).await;
        if status == 400 {
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("deeper than 4"),
                "{problem}"
            );
        }
    }
    assert_eq!(
        app.get_json("/v1/companies?count=true&limit=1").await["total"],
        0
    );
}

async fn a_request_over_its_time_is_abandoned_with_a_504_and_changes_nothing(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let app = spawn_app_on(database, true, |config| {
        config.request_limits.timeout = Duration::from_secs(1);
        config.db_statement_timeout = Duration::ZERO;
    })
    .await;
    let editor = app.key("editor").await;
    // Hold the write lock (SQLite) or the companies table (PostgreSQL) elsewhere, so the
    // create waits on it.
    // (On SQLite, beginning the transaction takes the write lock.)
    let blocker = mizan::services::changes::Writer::begin(&app.db, "test")
        .await
        .unwrap();
    if backend == Backend::Postgres {
        blocker
            .db()
            .execute_unprepared("LOCK TABLE companies IN ACCESS EXCLUSIVE MODE")
            .await
            .unwrap();
    }
    let response = app
        .request(Method::POST, "/v1/companies", Some(&editor))
        .json(&company_input("slow-lab"))
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .expect("an answer, not a hung connection");
    assert_eq!(response.headers()["retry-after"], "2");
    // Marked as every answer is, so that the request's log lines can be found.
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_problem(response, 504).await;
    blocker.rollback().await.unwrap();
    // Served again, and the abandoned create left nothing behind.
    assert_problem(app.get("/v1/companies/slow-lab").await, 404).await;
    let revisions = app
        .get_json("/v1/revisions?resource=companies&action=create&limit=200")
        .await;
    assert_eq!(
        revisions["data"].as_array().unwrap().len(),
        12,
        "only the dataset's"
    );
    // The connection the abandoned request held went back to the pool clean: writes
    // made now are committed, as a connection of its own sees.
    for i in 0..8 {
        let response = app
            .request(Method::POST, "/v1/companies", Some(&editor))
            .json(&company_input(&format!("after-{i}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    let elsewhere = sea_orm::Database::connect(app.database_url())
        .await
        .unwrap();
    let count = elsewhere
        .query_one_raw(sea_orm::Statement::from_string(
            elsewhere.get_database_backend(),
            "SELECT COUNT(*) FROM companies",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(count, 12 + 8);
}

crate::on_both_backends!(
    requests_over_the_configured_limits_get_problems,
    a_request_over_its_time_is_abandoned_with_a_504_and_changes_nothing,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_over_the_postgres_timeout_answers_504_within_it() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let app = spawn_app_on(database, true, |config| {
        config.db_statement_timeout = Duration::from_millis(300);
    })
    .await;
    let blocker = app.db.begin().await.unwrap();
    blocker
        .execute_unprepared("LOCK TABLE claims IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let response = app
        .request(Method::GET, "/v1/claims/article-c1", None)
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .expect("an answer, not a hung connection");
    assert_eq!(response.headers()["retry-after"], "2");
    let problem = assert_problem(response, 504).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("too long"),
        "{problem}"
    );
    blocker.rollback().await.unwrap();
    // The connection the timed-out read held went back to its pool fit for use: more reads
    // than the pools hold connections all answer.
    for _ in 0..12 {
        let claim = app.get_json("/v1/claims/article-c1").await;
        assert_eq!(claim["key"], "article-c1");
    }
}

/// A PostgreSQL server of the test's own, on a free port, so that stopping it disturbs
/// no other test.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// Root may not run PostgreSQL: it then runs as the `postgres` user.
    as_postgres: bool,
}

impl Cluster {
    fn new() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|versions| {
                versions
                    .filter_map(Result::ok)
                    .map(|entry| entry.path().join("bin"))
                    .filter(|bin| bin.join("pg_ctl").exists())
                    .max()
            })
            .expect("PostgreSQL's server programs (/usr/lib/postgresql/*/bin/pg_ctl) are needed");
        let dir = tempfile::tempdir().unwrap();
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
            .unwrap_or(false);
        if as_postgres {
            let status = Command::new("chown")
                .args(["postgres:postgres", &dir.path().display().to_string()])
                .status()
                .unwrap();
            assert!(
                status.success(),
                "cannot hand the folder to the postgres user"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Self {
            dir,
            bin,
            port,
            as_postgres,
        };
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        cluster.start();
        cluster
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
    }

    fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args(["-D", data.as_str(), "-m", "immediate", "stop"])
            .output();
    }
}

/// What one request of the load got.
#[derive(Debug)]
enum Outcome {
    Ok,
    /// 503 problem+json with Retry-After, and how long it took.
    Unavailable(Duration),
    Other(String),
}

async fn outcome(client: &reqwest::Client, url: &str) -> Outcome {
    let started = Instant::now();
    let response = match client
        .get(url)
        .timeout(Duration::from_secs(10))
        .send()
        .await
    {
        Ok(response) => response,
        Err(err) => return Outcome::Other(format!("no answer: {err}")),
    };
    let status = response.status().as_u16();
    let content_type = content_type(&response);
    let retry_after = response.headers().contains_key("retry-after");
    let _ = response.bytes().await;
    match status {
        200 => Outcome::Ok,
        503 if content_type == "application/problem+json" && retry_after => {
            Outcome::Unavailable(started.elapsed())
        }
        _ => Outcome::Other(format!(
            "{status} {content_type} retry-after: {retry_after}"
        )),
    }
}

/// PostgreSQL stopped under load, with the pool's own wait for a connection left long
/// (10 s): the outage is answered with 503s at once, readiness says so at once, and the
/// service serves again within 2 s of the database's return, without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_under_load_gives_503s_then_service_resumes_without_a_restart() {
    let cluster = Cluster::new();
    let app = spawn_app_on(TestDatabase::external(cluster.url()), true, |config| {
        assert!(config.db_connect_timeout >= Duration::from_secs(5));
    })
    .await;
    let url = format!("{}/v1/claims/article-c1", app.address);
    assert!(matches!(outcome(&app.client, &url).await, Outcome::Ok));

    // Load: eight clients, one request after another, until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (stop, client, url) = (stop.clone(), app.client.clone(), url.clone());
        clients.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                seen.push(outcome(&client, &url).await);
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    cluster.stop();
    let stopped = Instant::now();
    let noticed = loop {
        let ready = app.get("/health/ready").await;
        if ready.status() == 503 {
            assert_problem(ready, 503).await;
            break stopped.elapsed();
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(5),
            "readiness still 200 5 s into the outage"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let asked = Instant::now();
    assert_problem(app.get("/health/ready").await, 503).await;
    let ready_took = asked.elapsed();

    cluster.start();
    let back = Instant::now();
    let recovery = loop {
        if matches!(outcome(&app.client, &url).await, Outcome::Ok) {
            break back.elapsed();
        }
        assert!(
            back.elapsed() < Duration::from_secs(10),
            "not serving 10 s after PostgreSQL returned"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut outcomes = Vec::new();
    for client in clients {
        outcomes.extend(client.await.expect("a load client panicked"));
    }

    let ok = outcomes.iter().filter(|o| matches!(o, Outcome::Ok)).count();
    let mut unavailable: Vec<Duration> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Unavailable(took) => Some(*took),
            _ => None,
        })
        .collect();
    unavailable.sort();
    let other: Vec<&String> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Other(what) => Some(what),
            _ => None,
        })
        .collect();
    assert!(
        other.is_empty(),
        "every answer is a 200 or a 503 problem: {other:?}"
    );
    assert!(!unavailable.is_empty(), "the outage was seen");
    assert!(ok > 0);
    let quantile = |q: f64| unavailable[((unavailable.len() - 1) as f64 * q) as usize];
    let (p50, p99, max) = (
        quantile(0.5),
        quantile(0.99),
        unavailable[unavailable.len() - 1],
    );
    eprintln!(
        "PostgreSQL stopped under load: {} requests, {ok} ok, {} 503 (p50 {} ms, p99 {} ms, \
         max {} ms), {} other; readiness 503 {} ms into the outage, answered in {} ms; \
         serving again {} ms after PostgreSQL was back",
        outcomes.len(),
        unavailable.len(),
        p50.as_millis(),
        p99.as_millis(),
        max.as_millis(),
        other.len(),
        noticed.as_millis(),
        ready_took.as_millis(),
        recovery.as_millis()
    );
    assert!(
        p99 < Duration::from_secs(1),
        "503s within 1 s (p99), took {p99:?}"
    );
    assert!(
        recovery < Duration::from_secs(2),
        "serving again within 2 s of PostgreSQL's return, took {recovery:?}"
    );
    app.get_json("/health/ready").await;
}

const BINARY: &str = env!("CARGO_BIN_EXE_mizan");

/// Starts the binary on `database_url`, returning it and its port.
fn start_binary(dir: &Path, database_url: &str) -> (std::process::Child, u16) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(BINARY)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("MIZAN_BIND", "127.0.0.1:0")
        .env("MIZAN_LOG_FORMAT", "json")
        .env("MIZAN_LOG", "info")
        .env("MIZAN_DATA_DIR", data_dir())
        .env("MIZAN_RATE_LIMIT_KEY", "0")
        .env("MIZAN_SHUTDOWN_TIMEOUT_SECS", "10")
        .current_dir(dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("cannot start the binary");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let port = loop {
        let line = lines
            .next()
            .expect("the service stopped before listening")
            .unwrap();
        let event: Value = serde_json::from_str(&line).unwrap_or_default();
        if let Some(port) = event["port"].as_u64() {
            break port as u16;
        }
    };
    // Keep draining its log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    (child, port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_burst_of_writes_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("m.sqlite").display()
    );
    let (mut child, port) = start_binary(dir.path(), &url);
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let role = mizan::domain::kinds::Role::parse("editor").unwrap();
    let (_, key) = mizan::services::keys::create(&db, "burst", role)
        .await
        .unwrap();

    // 400 creates, 16 at a time; SIGTERM once 60 have been answered.
    let client = reqwest::Client::new();
    let answered = Arc::new(AtomicUsize::new(0));
    let pid = child.id().to_string();
    let results: Vec<(String, Result<u16, String>)> = futures::stream::iter(0..400)
        .map(|i| {
            let (client, key, answered, pid) =
                (client.clone(), key.clone(), answered.clone(), pid.clone());
            async move {
                let slug = format!("burst-lab-{i}");
                let result = client
                    .post(format!("http://127.0.0.1:{port}/v1/companies"))
                    .bearer_auth(&key)
                    .json(&company_input(&slug))
                    .timeout(Duration::from_secs(20))
                    .send()
                    .await
                    .map(|response| response.status().as_u16())
                    .map_err(|err| err.to_string());
                if answered.fetch_add(1, Ordering::SeqCst) == 60 {
                    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
                }
                (slug, result)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");

    let acknowledged: Vec<&String> = results
        .iter()
        .filter(|(_, result)| matches!(result, Ok(201)))
        .map(|(slug, _)| slug)
        .collect();
    let refused: Vec<_> = results
        .iter()
        .filter(|(_, result)| !matches!(result, Ok(201)))
        .collect();
    eprintln!(
        "SIGTERM during 400 writes: {} acknowledged, {} refused or cut off",
        acknowledged.len(),
        refused.len()
    );
    assert!(
        acknowledged.len() >= 60,
        "writes were acknowledged before SIGTERM"
    );
    assert!(
        !refused.is_empty(),
        "SIGTERM came in the middle of the burst"
    );
    assert!(
        refused
            .iter()
            .all(|(_, result)| !matches!(result, Ok(status) if *status >= 500 && *status != 503)),
        "no server errors: {refused:?}"
    );

    // Every acknowledged write is there, and every record written has its revision.
    let stored: Vec<(String, i64)> = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT c.slug, (SELECT COUNT(*) FROM revisions r WHERE r.record_id = c.id \
               AND r.action = 'create') FROM companies c WHERE c.slug LIKE 'burst-lab-%'",
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (
                row.try_get_by_index(0).unwrap(),
                row.try_get_by_index(1).unwrap(),
            )
        })
        .collect();
    for slug in &acknowledged {
        assert!(
            stored.iter().any(|(stored, _)| stored == *slug),
            "{slug} was acknowledged but is not stored"
        );
    }
    for (slug, revisions) in &stored {
        assert_eq!(*revisions, 1, "{slug} has no create revision");
    }
}
