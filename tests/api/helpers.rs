//! Spawning the service on a fresh database, and calling it.

use std::{path::PathBuf, sync::LazyLock, time::Duration};

use actix_web::dev::ServerHandle;
use mizan::{
    config::{Config, LogFormat},
    startup::{self, Application},
};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use uuid::Uuid;

/// Which database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file in a fresh temporary folder.
    Sqlite,
    /// A fresh database on the PostgreSQL server named by `TEST_POSTGRES_URL`.
    Postgres,
}

/// Declares, for each named `async fn(Backend)`, one test per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )+
        }
    };
}

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(std::env::var("TEST_LOG").unwrap_or_else(|_| "info".into()))
            .with_test_writer()
            .try_init();
    }
});

/// The PostgreSQL server's maintenance database.
fn postgres_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The curated dataset's folder.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A database of its own for one test; dropped with it.
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    postgres_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A database the test made itself (on a server of its own, say), left as it is.
    pub fn external(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            postgres_name: None,
            _dir: None,
        }
    }

    /// A fresh, empty database.
    pub async fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("cannot create a temporary folder");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("mizan.sqlite").display()
                );
                Self {
                    url,
                    postgres_name: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let name = format!("test_{}", Uuid::now_v7().simple());
                let admin = Database::connect(postgres_url()).await.unwrap_or_else(|err| {
                    panic!(
                        "PostgreSQL is required for the tests and did not answer at {} ({err}); \
                         start it or set TEST_POSTGRES_URL",
                        postgres_url()
                    )
                });
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("cannot create a test database");
                admin.close().await.ok();
                let base = postgres_url();
                let server = base
                    .rsplit_once('/')
                    .map_or(base.as_str(), |(server, _)| server);
                Self {
                    url: format!("{server}/{name}"),
                    postgres_name: Some(name),
                    _dir: None,
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Drop runs outside any async context we may block, so use a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = Database::connect(postgres_url()).await.ok()?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        })
        .join();
    }
}

/// A running service and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    /// A connection to the service's own database.
    pub db: DatabaseConnection,
    /// The client, built once, following no redirects.
    pub client: reqwest::Client,
    handle: ServerHandle,
    _database: TestDatabase,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

/// The configuration a test server runs with.
pub fn test_config(database_url: &str) -> Config {
    Config {
        database_url: database_url.to_owned(),
        bind: "127.0.0.1:0".parse().expect("a valid address"),
        log_filter: "info".to_owned(),
        log_format: LogFormat::Pretty,
        data_dir: data_dir(),
        seed_on_start: false,
        db_max_connections: 5,
        db_connect_timeout: Duration::from_secs(10),
        shutdown_timeout: Duration::from_secs(1),
        max_body_bytes: 1024 * 1024,
        request_limits: mizan::config::RequestLimits::default(),
        db_statement_timeout: Duration::from_secs(10),
        etag_max_age: Duration::from_millis(100),
        build_id: Some("test-build".to_owned()),
        search_cache_bytes: 8 * 1024 * 1024,
        cors_write_origins: vec!["https://desk.example.org".to_owned()],
        rate_limits: mizan::config::RateLimitConfig {
            anonymous_per_minute: 0,
            key_per_minute: 0,
            trusted_proxies: Vec::new(),
        },
        webhooks: mizan::config::WebhookConfig::default(),
        publisher: mizan::config::Publisher {
            name: "Mizan Test Desk".to_owned(),
            url: "https://desk.example.org".to_owned(),
            public_url: "https://api.example.org".to_owned(),
        },
    }
}

/// The service on a fresh, migrated, empty database.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn(backend, false, |_| {}).await
}

/// The service on a fresh database holding the curated dataset.
pub async fn spawn_app_with_dataset(backend: Backend) -> TestApp {
    spawn(backend, true, |_| {}).await
}

/// The service on a fresh, empty database, with its configuration changed by `configure`.
pub async fn spawn_app_configured(
    backend: Backend,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    spawn(backend, false, configure).await
}

/// The service on `database`, with the curated dataset if `with_dataset`, and its
/// configuration changed by `configure`.
pub async fn spawn_app_on(
    database: TestDatabase,
    with_dataset: bool,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    LazyLock::force(&TRACING);
    let mut config = test_config(&database.url);
    config.seed_on_start = with_dataset;
    configure(&mut config);
    start(database, config, with_dataset).await
}

async fn spawn(
    backend: Backend,
    with_dataset: bool,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    LazyLock::force(&TRACING);
    let database = TestDatabase::create(backend).await;
    let mut config = test_config(&database.url);
    config.seed_on_start = with_dataset;
    configure(&mut config);
    start(database, config, with_dataset).await
}

async fn start(database: TestDatabase, config: Config, with_dataset: bool) -> TestApp {
    let db = startup::connect(&config)
        .await
        .expect("cannot connect to the test database");
    startup::migrate(&db).await.expect("migrations failed");
    if with_dataset {
        mizan::dataset::seed(&db, &config.data_dir)
            .await
            .expect("the curated dataset failed to load");
    }
    let app = Application::build_with_db(config, db.clone()).expect("cannot build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        db,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("cannot build the HTTP client"),
        handle,
        _database: database,
    }
}

impl TestApp {
    /// The URL of the service's database.
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    /// Cuts the service off its database. On SQLite, closes the pool it shares with the
    /// server; on PostgreSQL, where each worker has a pool of its own, the database stops
    /// accepting connections and those open are closed.
    pub async fn cut_off_database(&self) {
        let Some(name) = &self._database.postgres_name else {
            self.db.close_by_ref().await.expect("cannot close the pool");
            return;
        };
        let admin = Database::connect(postgres_url()).await.unwrap();
        admin
            .execute_unprepared(&format!(
                "ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS false"
            ))
            .await
            .unwrap();
        admin
            .execute_unprepared(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ))
            .await
            .unwrap();
        admin.close().await.ok();
    }

    /// `GET path` (path and query, starting with `/`).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("the request failed")
    }

    /// `GET path` with one extra header.
    pub async fn get_with(&self, path: &str, header: &str, value: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header(header, value)
            .send()
            .await
            .expect("the request failed")
    }

    /// A request to `path` with `key` as its bearer token, if any.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let builder = self
            .client
            .request(method, format!("{}{path}", self.address));
        match key {
            Some(key) => builder.bearer_auth(key),
            None => builder,
        }
    }

    /// How many revisions the database holds: what a refused request must leave unchanged.
    pub async fn revision_count(&self) -> u64 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::revision::Entity::find()
            .count(&self.db)
            .await
            .expect("cannot count revisions")
    }

    /// The JSON `path` answers `key`'s bearer.
    pub async fn get_json_as(&self, path: &str, key: &str) -> serde_json::Value {
        self.request(reqwest::Method::GET, path, Some(key))
            .send()
            .await
            .expect("the request failed")
            .json()
            .await
            .expect("a JSON body")
    }

    /// A new API key of `role`.
    pub async fn key(&self, role: &str) -> String {
        let role = mizan::domain::kinds::Role::parse(role).expect("a role");
        mizan::services::keys::create(&self.db, "test", role)
            .await
            .expect("cannot create a key")
            .1
    }

    /// The current ETag of the record at `path`.
    pub async fn etag(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.headers()["etag"].to_str().unwrap().to_owned()
    }

    /// `GET path`, asserting a 200, returning the JSON body.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.text().await.expect("no body");
        assert_eq!(status, 200, "GET {path} answered {status}: {body}");
        serde_json::from_str(&body)
            .unwrap_or_else(|err| panic!("GET {path}: not JSON ({err}): {body}"))
    }

    /// Follows `next_cursor` from `path` to the end, returning every row's `field`.
    pub async fn collect(&self, path: &str, field: &str) -> Vec<String> {
        let mut values = Vec::new();
        let mut url = path.to_owned();
        for _ in 0..1000 {
            let body = self.get_json(&url).await;
            for row in body["data"].as_array().expect("a data array") {
                values.push(
                    row[field]
                        .as_str()
                        .map_or_else(|| row[field].to_string(), str::to_owned),
                );
            }
            match body["next_cursor"].as_str() {
                Some(cursor) => {
                    let separator = if path.contains('?') { '&' } else { '?' };
                    url = format!("{path}{separator}cursor={cursor}");
                }
                None => return values,
            }
        }
        panic!("{path} did not end after 1000 pages");
    }
}

/// The `Content-Type` of `response`, or "" without one.
pub fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A company's input, citing the curated dataset's article: a valid create body.
pub fn company_input(slug: &str) -> serde_json::Value {
    serde_json::json!({
        "slug": slug,
        "name": {"en": "Acme AI", "ar": "أكمي للذكاء الاصطناعي"},
        "kind": "ai_lab",
        "country": "FR",
        "description": {"en": "A lab that exists only in tests.", "ar": "مختبر لا وجود له إلا في الاختبارات."},
        "source": "aljazeera-ai-race-2025"
    })
}

/// Asserts `response` is a problem+json with `status`, returning the problem.
pub async fn assert_problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    let actual = response.status().as_u16();
    let content_type = content_type(&response);
    let body = response.text().await.expect("no body");
    assert_eq!(actual, status, "expected {status}, got {actual}: {body}");
    assert_eq!(
        content_type, "application/problem+json",
        "for a {status}: {body}"
    );
    let problem: serde_json::Value = serde_json::from_str(&body).expect("a JSON problem");
    assert_eq!(problem["status"], status, "{problem}");
    assert!(
        problem["title"].is_string() && problem["detail"].is_string(),
        "{problem}"
    );
    problem
}

/// A copy of the dataset in a temporary folder, with `edit` applied to one file.
pub fn edited_copy(file: &str, edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(data_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed nothing");
    std::fs::write(path, edited).unwrap();
    dir
}

/// Asserts that a `POST` of `body` to `path` with `key` is refused with a 422 whose
/// `errors` name `field`.
pub async fn assert_refused(
    app: &TestApp,
    key: &str,
    path: &str,
    body: &serde_json::Value,
    field: &str,
) {
    let response = app
        .request(reqwest::Method::POST, path, Some(key))
        .json(body)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert!(
        problem["errors"]
            .as_array()
            .is_some_and(|errors| errors.iter().any(|e| e["field"] == field)),
        "{field}: {problem}"
    );
}

/// Runs headless Chromium (Debian's, at /usr/bin/chromium) with `args` and a fresh profile,
/// returning what it printed; `None` when it is not installed outside CI, where it must be.
pub fn chromium(args: &[String]) -> Option<Vec<u8>> {
    if !std::path::Path::new("/usr/bin/chromium").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs Chromium at /usr/bin/chromium (.ci/run installs it)"
        );
        eprintln!(
            "skipped: no /usr/bin/chromium (install Debian's chromium package to run this test)"
        );
        return None;
    }
    let profile = tempfile::tempdir().expect("a temporary folder");
    let output = std::process::Command::new("timeout")
        .args([
            "60",
            "/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=700,700",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .expect("cannot run chromium");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(output.stdout)
}

/// The Python of a virtual environment holding `tests/requirements.txt`, made in
/// `target/test-venv` on first use (PyPI must be reachable then).
pub fn python() -> PathBuf {
    static VENV: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _made = VENV
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let venv = std::env::var_os("MIZAN_TEST_VENV")
        .map_or_else(|| root.join("target/test-venv"), PathBuf::from);
    let python = venv.join("bin/python");
    let requirements = root.join("tests/requirements.txt");
    let stamp = venv.join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).expect("tests/requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return python;
    }
    let status = std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .expect("python3 is needed by the tests");
    assert!(status.success(), "cannot make {}", venv.display());
    let status = std::process::Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements)
        .status()
        .expect("cannot run pip");
    assert!(status.success(), "cannot install tests/requirements.txt");
    std::fs::write(&stamp, wanted).expect("cannot write the venv's stamp");
    python
}
