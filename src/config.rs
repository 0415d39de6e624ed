//! The service's configuration: read once from the environment into one typed value.

use std::{net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

use anyhow::{Context, anyhow};

/// Every environment variable the service reads, with its default and meaning.
/// `mizan --help` prints this table.
pub const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "DATABASE_URL",
        "sqlite://data/mizan.sqlite?mode=rwc",
        "postgres://… for PostgreSQL, sqlite://…?mode=rwc for an embedded SQLite file",
    ),
    (
        "MIZAN_BIND",
        "127.0.0.1:8080",
        "host:port to listen on; port 0 picks a free port",
    ),
    (
        "MIZAN_LOG",
        "info (or RUST_LOG)",
        "tracing filter, e.g. `info,sqlx=warn` or `mizan=debug`",
    ),
    (
        "MIZAN_LOG_FORMAT",
        "pretty",
        "`pretty` or `json` (one JSON object per line)",
    ),
    (
        "MIZAN_DATA_DIR",
        "data",
        "folder holding the curated dataset (the TOML files `mizan seed` loads)",
    ),
    (
        "MIZAN_SEED_ON_START",
        "true",
        "load the curated dataset when the service starts on an empty database",
    ),
    (
        "MIZAN_DB_MAX_CONNECTIONS",
        "10",
        "size of the database connection pool",
    ),
    (
        "MIZAN_DB_CONNECT_TIMEOUT_MS",
        "5000",
        "how long a request waits for a database connection before answering 503",
    ),
    (
        "MIZAN_PUBLIC_URL",
        "http://127.0.0.1:8080",
        "the service's public base URL, for absolute links in ClaimReview and cards",
    ),
    (
        "MIZAN_PUBLISHER_NAME",
        "Mizan",
        "the organization named as the author of published fact-checks (ClaimReview)",
    ),
    (
        "MIZAN_PUBLISHER_URL",
        "the public URL",
        "the publishing organization's website (ClaimReview author URL)",
    ),
    (
        "MIZAN_CORS_ORIGINS",
        "(none)",
        "comma-separated origins (https://desk.example.org) whose pages may write through the API; reads are open to every origin",
    ),
    (
        "MIZAN_RATE_LIMIT_ANONYMOUS",
        "600",
        "requests a minute each client address may make without a key (0: no limit)",
    ),
    (
        "MIZAN_RATE_LIMIT_KEY",
        "6000",
        "requests a minute each API key may make (0: no limit)",
    ),
    (
        "MIZAN_TRUSTED_PROXIES",
        "(none)",
        "comma-separated proxy addresses whose X-Forwarded-For names the client",
    ),
    (
        "MIZAN_MAX_BODY_BYTES",
        "1048576",
        "the largest request body accepted; larger ones get 413",
    ),
    (
        "MIZAN_MAX_HEADER_BYTES",
        "16384",
        "the most bytes of request headers accepted (names and values); more gets 431",
    ),
    (
        "MIZAN_MAX_QUERY_BYTES",
        "32768",
        "the longest query string accepted, in bytes as sent; longer gets 414",
    ),
    (
        "MIZAN_MAX_JSON_DEPTH",
        "32",
        "how deeply a JSON request body may nest arrays and objects; deeper gets 400",
    ),
    (
        "MIZAN_REQUEST_TIMEOUT_SECS",
        "30",
        "how long a request may take before it is abandoned with 504",
    ),
    (
        "MIZAN_DB_STATEMENT_TIMEOUT_MS",
        "10000",
        "PostgreSQL: how long one SQL statement may run before it is cancelled (504); 0 for no limit",
    ),
    (
        "MIZAN_ETAG_MAX_AGE_MS",
        "100",
        "how long an instance trusts the data version it last read when answering If-None-Match; 0 reads it every time",
    ),
    (
        "MIZAN_BUILD_ID",
        "(a digest of the running executable)",
        "what every entity tag digests besides the data: a new build, which may show records differently, changes every tag; instances of one build must share it",
    ),
    (
        "MIZAN_SEARCH_CACHE_BYTES",
        "8388608",
        "how many bytes of rendered search pages to keep, each under the data version it was read at; 0 keeps none",
    ),
    (
        "MIZAN_WEBHOOK_RETRY_SCHEDULE",
        "5s,5m,30m,2h,5h,10h,10h",
        "webhooks: the delay before each retry of a failed delivery (the first attempt is immediate), each with ±10% jitter",
    ),
    (
        "MIZAN_WEBHOOK_TIMEOUT_MS",
        "15000",
        "webhooks: how long one delivery attempt may take before it counts as failed",
    ),
    (
        "MIZAN_WEBHOOK_DISABLE_AFTER",
        "5d",
        "webhooks: an endpoint whose deliveries have failed for this long is disabled",
    ),
    (
        "MIZAN_WEBHOOK_CONCURRENCY",
        "32",
        "webhooks: how many deliveries one instance makes at once",
    ),
    (
        "MIZAN_WEBHOOK_POLL_MS",
        "1000",
        "webhooks: how often an instance looks for work when no change has woken it",
    ),
    (
        "MIZAN_WEBHOOK_ALLOW_NETS",
        "(none)",
        "webhooks: comma-separated CIDRs (10.0.0.0/8) endpoints may resolve to although not public; for tests and private deployments only",
    ),
    (
        "MIZAN_WEBHOOK_ALLOW_HTTP",
        "false",
        "webhooks: accept http:// endpoint URLs; for tests and private deployments only",
    ),
    (
        "MIZAN_SHUTDOWN_TIMEOUT_SECS",
        "30",
        "on SIGTERM or Ctrl-C, how long in-flight requests may take to finish",
    ),
];

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable, coloured when writing to a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

impl FromStr for LogFormat {
    type Err = anyhow::Error;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "pretty" => Ok(Self::Pretty),
            "json" => Ok(Self::Json),
            other => Err(anyhow!("expected `pretty` or `json`, got `{other}`")),
        }
    }
}

/// The service's whole configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the data lives: `postgres://…` or `sqlite://…`.
    pub database_url: String,
    /// The address to listen on.
    pub bind: SocketAddr,
    /// The tracing filter.
    pub log_filter: String,
    /// How log lines are written.
    pub log_format: LogFormat,
    /// The folder holding the curated dataset.
    pub data_dir: PathBuf,
    /// Whether the first start on an empty database loads the curated dataset.
    pub seed_on_start: bool,
    /// Size of the connection pool.
    pub db_max_connections: u32,
    /// How long to wait for a pooled connection.
    pub db_connect_timeout: Duration,
    /// How long in-flight requests may take to finish on shutdown.
    pub shutdown_timeout: Duration,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Limits on the rest of a request.
    pub request_limits: RequestLimits,
    /// PostgreSQL's `statement_timeout`; zero for none.
    pub db_statement_timeout: Duration,
    /// How long the data version read for conditional requests is trusted.
    pub etag_max_age: Duration,
    /// How many bytes of rendered search pages to keep; zero for none.
    pub search_cache_bytes: u64,
    /// What every entity tag digests besides the data; `None` for a digest of the running
    /// executable.
    pub build_id: Option<String>,
    /// Who publishes the fact-checks, and where the service is reached.
    pub publisher: Publisher,
    /// The origins whose pages may write through the API.
    pub cors_write_origins: Vec<String>,
    /// Rate limits.
    pub rate_limits: RateLimitConfig,
    /// How webhooks are delivered.
    pub webhooks: WebhookConfig,
}

/// How webhooks are delivered.
#[derive(Clone, Debug)]
pub struct WebhookConfig {
    /// The delay before each retry; the first attempt is immediate.
    pub retry_schedule: Vec<Duration>,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// How long an endpoint may fail before it is disabled.
    pub disable_after: Duration,
    /// How many deliveries one instance makes at once.
    pub concurrency: usize,
    /// How often a worker looks for work unwoken.
    pub poll_interval: Duration,
    /// Networks endpoints may resolve to although not public.
    pub allow_nets: Vec<ipnet::IpNet>,
    /// Whether `http://` endpoints are accepted.
    pub allow_http: bool,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            retry_schedule: [5, 300, 1800, 7200, 18_000, 36_000, 36_000]
                .map(Duration::from_secs)
                .to_vec(),
            timeout: Duration::from_secs(15),
            disable_after: Duration::from_secs(5 * 24 * 3600),
            concurrency: 32,
            poll_interval: Duration::from_secs(1),
            allow_nets: Vec::new(),
            allow_http: false,
        }
    }
}

/// Durations such as `5s,5m,2h`, as `humantime` spells them.
fn durations(key: &str, raw: &str) -> anyhow::Result<Vec<Duration>> {
    raw.split(',')
        .map(|item| humantime::parse_duration(item.trim()))
        .collect::<Result<_, _>>()
        .with_context(|| format!("{key}: expected durations such as `5s,5m,2h`, got `{raw}`"))
}

/// Limits on what one request may be and take.
#[derive(Clone, Copy, Debug)]
pub struct RequestLimits {
    /// The most bytes of headers, names and values together.
    pub max_header_bytes: usize,
    /// The longest query string, in bytes as sent.
    pub max_query_bytes: usize,
    /// How deeply a JSON body may nest.
    pub max_json_depth: usize,
    /// How long a request may take.
    pub timeout: Duration,
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self {
            max_header_bytes: 16 * 1024,
            max_query_bytes: 32 * 1024,
            max_json_depth: 32,
            timeout: Duration::from_secs(30),
        }
    }
}

/// How many requests a client may make.
#[derive(Clone, Debug)]
pub struct RateLimitConfig {
    /// Per client address without a key, a minute; 0 for no limit.
    pub anonymous_per_minute: u32,
    /// Per API key, a minute; 0 for no limit.
    pub key_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// Who publishes the fact-checks, and where the service is reached.
#[derive(Clone, Debug)]
pub struct Publisher {
    /// The organization's name.
    pub name: String,
    /// The organization's website.
    pub url: String,
    /// The service's public base URL, without a trailing slash.
    pub public_url: String,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the configuration through `lookup`, so tests can supply their own variables.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let vars = Vars(&lookup);
        Self {
            database_url: vars
                .get("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/mizan.sqlite?mode=rwc".to_owned()),
            bind: vars.parsed("MIZAN_BIND", "127.0.0.1:8080".parse()?)?,
            log_filter: vars
                .get("MIZAN_LOG")
                .or_else(|| vars.get("RUST_LOG"))
                .unwrap_or_else(|| "info".to_owned()),
            log_format: vars.parsed("MIZAN_LOG_FORMAT", LogFormat::Pretty)?,
            data_dir: vars.parsed("MIZAN_DATA_DIR", PathBuf::from("data"))?,
            seed_on_start: vars.parsed("MIZAN_SEED_ON_START", true)?,
            db_max_connections: vars.parsed("MIZAN_DB_MAX_CONNECTIONS", 10)?,
            db_connect_timeout: Duration::from_millis(
                vars.parsed("MIZAN_DB_CONNECT_TIMEOUT_MS", 5000)?,
            ),
            shutdown_timeout: Duration::from_secs(vars.parsed("MIZAN_SHUTDOWN_TIMEOUT_SECS", 30)?),
            max_body_bytes: vars.parsed("MIZAN_MAX_BODY_BYTES", 1024 * 1024)?,
            request_limits: {
                let defaults = RequestLimits::default();
                RequestLimits {
                    max_header_bytes: vars
                        .parsed("MIZAN_MAX_HEADER_BYTES", defaults.max_header_bytes)?,
                    max_query_bytes: vars
                        .parsed("MIZAN_MAX_QUERY_BYTES", defaults.max_query_bytes)?,
                    max_json_depth: vars.parsed("MIZAN_MAX_JSON_DEPTH", defaults.max_json_depth)?,
                    timeout: Duration::from_secs(
                        vars.parsed("MIZAN_REQUEST_TIMEOUT_SECS", defaults.timeout.as_secs())?,
                    ),
                }
            },
            db_statement_timeout: Duration::from_millis(
                vars.parsed("MIZAN_DB_STATEMENT_TIMEOUT_MS", 10_000)?,
            ),
            etag_max_age: Duration::from_millis(vars.parsed("MIZAN_ETAG_MAX_AGE_MS", 100)?),
            search_cache_bytes: vars.parsed("MIZAN_SEARCH_CACHE_BYTES", 8 * 1024 * 1024)?,
            build_id: vars
                .get("MIZAN_BUILD_ID")
                .filter(|id| !id.trim().is_empty()),
            rate_limits: RateLimitConfig {
                anonymous_per_minute: vars.parsed("MIZAN_RATE_LIMIT_ANONYMOUS", 600)?,
                key_per_minute: vars.parsed("MIZAN_RATE_LIMIT_KEY", 6000)?,
                trusted_proxies: match vars.get("MIZAN_TRUSTED_PROXIES") {
                    None => Vec::new(),
                    Some(raw) => raw
                        .split(',')
                        .map(|ip| ip.trim().parse())
                        .collect::<Result<_, _>>()
                        .with_context(|| {
                            format!("MIZAN_TRUSTED_PROXIES: expected IP addresses, got `{raw}`")
                        })?,
                },
            },
            webhooks: {
                let defaults = WebhookConfig::default();
                WebhookConfig {
                    retry_schedule: match vars.get("MIZAN_WEBHOOK_RETRY_SCHEDULE") {
                        None => defaults.retry_schedule,
                        Some(raw) => durations("MIZAN_WEBHOOK_RETRY_SCHEDULE", &raw)?,
                    },
                    timeout: Duration::from_millis(vars.parsed("MIZAN_WEBHOOK_TIMEOUT_MS", 15_000)?),
                    disable_after: match vars.get("MIZAN_WEBHOOK_DISABLE_AFTER") {
                        None => defaults.disable_after,
                        Some(raw) => humantime::parse_duration(raw.trim()).with_context(|| {
                            format!("MIZAN_WEBHOOK_DISABLE_AFTER: expected a duration such as `5d`, got `{raw}`")
                        })?,
                    },
                    concurrency: vars.parsed("MIZAN_WEBHOOK_CONCURRENCY", defaults.concurrency)?,
                    poll_interval: Duration::from_millis(vars.parsed("MIZAN_WEBHOOK_POLL_MS", 1000)?),
                    allow_nets: match vars.get("MIZAN_WEBHOOK_ALLOW_NETS") {
                        None => Vec::new(),
                        Some(raw) => raw
                            .split(',')
                            .map(|net| net.trim().parse())
                            .collect::<Result<_, _>>()
                            .with_context(|| {
                                format!("MIZAN_WEBHOOK_ALLOW_NETS: expected CIDRs such as 10.0.0.0/8, got `{raw}`")
                            })?,
                    },
                    allow_http: vars.parsed("MIZAN_WEBHOOK_ALLOW_HTTP", false)?,
                }
            },
            cors_write_origins: vars
                .get("MIZAN_CORS_ORIGINS")
                .map(|raw| {
                    raw.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            publisher: {
                let public_url = vars
                    .get("MIZAN_PUBLIC_URL")
                    .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned())
                    .trim_end_matches('/')
                    .to_owned();
                Publisher {
                    name: vars
                        .get("MIZAN_PUBLISHER_NAME")
                        .unwrap_or_else(|| "Mizan".to_owned()),
                    url: vars
                        .get("MIZAN_PUBLISHER_URL")
                        .unwrap_or_else(|| public_url.clone()),
                    public_url,
                }
            },
        }
        .checked()
    }

    fn checked(self) -> anyhow::Result<Self> {
        if !(self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://")
            || self.database_url.starts_with("sqlite:"))
        {
            return Err(anyhow!(
                "DATABASE_URL: expected a postgres:// or sqlite: URL, got `{}`",
                redact_url(&self.database_url)
            ));
        }
        for (name, url) in [
            ("MIZAN_PUBLIC_URL", &self.publisher.public_url),
            ("MIZAN_PUBLISHER_URL", &self.publisher.url),
        ] {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(anyhow!(
                    "{name}: expected an http:// or https:// URL, got `{url}`"
                ));
            }
        }
        if let Some(bad) = self
            .cors_write_origins
            .iter()
            .find(|o| !(o.starts_with("http://") || o.starts_with("https://")))
        {
            return Err(anyhow!(
                "MIZAN_CORS_ORIGINS: `{bad}` is not an origin such as https://desk.example.org"
            ));
        }
        let limits = &self.request_limits;
        for (name, value) in [
            ("MIZAN_MAX_HEADER_BYTES", limits.max_header_bytes),
            ("MIZAN_MAX_QUERY_BYTES", limits.max_query_bytes),
            ("MIZAN_MAX_JSON_DEPTH", limits.max_json_depth),
            (
                "MIZAN_REQUEST_TIMEOUT_SECS",
                limits.timeout.as_secs() as usize,
            ),
        ] {
            if value == 0 {
                return Err(anyhow!("{name}: must be at least 1"));
            }
        }
        let webhooks = &self.webhooks;
        for (name, zero) in [
            ("MIZAN_WEBHOOK_TIMEOUT_MS", webhooks.timeout.is_zero()),
            ("MIZAN_WEBHOOK_CONCURRENCY", webhooks.concurrency == 0),
            ("MIZAN_WEBHOOK_POLL_MS", webhooks.poll_interval.is_zero()),
        ] {
            if zero {
                return Err(anyhow!("{name}: must be at least 1"));
            }
        }
        if self.db_max_connections == 0 {
            return Err(anyhow!("MIZAN_DB_MAX_CONNECTIONS: must be at least 1"));
        }
        Ok(self)
    }
}

/// A database URL with its password replaced by `***`, safe to print.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

struct Vars<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Vars<'_> {
    fn get(&self, key: &str) -> Option<String> {
        (self.0)(key).filter(|value| !value.trim().is_empty())
    }

    fn parsed<T>(&self, key: &str, default: T) -> anyhow::Result<T>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        match self.get(key) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|err| anyhow!("{err}"))
                .with_context(|| format!("{key}: invalid value `{raw}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        Config::from_lookup(|key| {
            vars.iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn defaults_serve_sqlite_on_localhost() {
        let config = config(&[]).unwrap();
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert!(config.database_url.starts_with("sqlite://data/"));
        assert_eq!(config.log_format, LogFormat::Pretty);
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let cases = [
            ("MIZAN_BIND", "not-an-address"),
            ("MIZAN_LOG_FORMAT", "xml"),
            ("MIZAN_SEED_ON_START", "maybe"),
            ("MIZAN_DB_MAX_CONNECTIONS", "-1"),
            ("MIZAN_DB_MAX_CONNECTIONS", "0"),
            ("DATABASE_URL", "mysql://localhost/mizan"),
            ("MIZAN_TRUSTED_PROXIES", "10.0.0.1, not-an-ip"),
            ("MIZAN_CORS_ORIGINS", "desk.example.org"),
            ("MIZAN_RATE_LIMIT_KEY", "lots"),
            ("MIZAN_PUBLIC_URL", "api.example.org"),
            ("MIZAN_SEARCH_CACHE_BYTES", "8M"),
            ("MIZAN_SEARCH_CACHE_BYTES", "-1"),
            ("MIZAN_WEBHOOK_RETRY_SCHEDULE", "5s,soon"),
            ("MIZAN_WEBHOOK_ALLOW_NETS", "127.0.0.1"),
            ("MIZAN_WEBHOOK_ALLOW_HTTP", "yes please"),
            ("MIZAN_WEBHOOK_CONCURRENCY", "0"),
        ];
        for (key, value) in cases {
            let err = config(&[(key, value)]).expect_err(key);
            assert!(
                format!("{err:#}").contains(key),
                "error for {key}={value} does not name it: {err:#}"
            );
        }
    }

    #[test]
    fn redacting_a_url_hides_only_the_password() {
        assert_eq!(
            redact_url("postgres://mizan:s3cret@db:5432/mizan"),
            "postgres://mizan:***@db:5432/mizan"
        );
        assert_eq!(
            redact_url("sqlite://data/x.sqlite"),
            "sqlite://data/x.sqlite"
        );
    }
}
