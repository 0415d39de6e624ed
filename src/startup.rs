//! Builds the HTTP server: database, routes, middleware, OpenAPI document and docs page.

use std::{net::TcpListener, num::NonZero, time::Duration};

use actix_web::{
    App, HttpResponse, HttpServer,
    dev::{Server, ServerHandle},
    http::header,
    middleware::{self, ErrorHandlers},
    web,
};
use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseBackend, DatabaseConnection, SqlxPostgresConnector,
};
use tracing_actix_web::TracingLogger;
use utoipa::{
    Modify, OpenApi,
    openapi::{
        HeaderBuilder, ObjectBuilder, RefOr, Type,
        path::{Parameter, ParameterBuilder, ParameterIn},
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};
use utoipa_actix_web::{AppExt, scope, service_config::ServiceConfig};
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    config::{Config, redact_url},
    dataset,
    error::{self, ProblemDetails},
    routes::{self, fallback::RouteTable, prometheus::HttpMetrics},
    services::{availability::Availability, search_cache::SearchCache},
    telemetry::MizanRootSpan,
};

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
    webhooks: tokio::task::JoinHandle<()>,
}

impl Application {
    /// Connects to the database, migrates it, loads the curated dataset into an empty one
    /// (when configured to), and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = connect(&config).await?;
        migrate(&db).await?;
        if config.seed_on_start {
            dataset::seed_if_empty(&db, &config.data_dir).await?;
        }
        Self::build_with_db(config, db)
    }

    /// Binds a server on an already migrated database.
    pub fn build_with_db(config: Config, db: DatabaseConnection) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.bind)
            .with_context(|| format!("MIZAN_BIND: cannot listen on {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let metrics = HttpMetrics::new()?;
        let webhooks = crate::services::webhooks::worker::spawn(
            db.clone(),
            &config.webhooks,
            metrics.registry(),
        )?;
        let server = run(listener, db, &config, metrics)?;
        tracing::info!(port, "listening on http://{}:{port}", config.bind.ip());
        Ok(Self {
            port,
            server,
            webhooks,
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop it.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGTERM and Ctrl-C drain in-flight requests first); the
    /// webhook worker stops with it, its unfinished attempts left to the next start.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.webhooks.abort();
        served
    }
}

/// Applies the migrations and brings stored history up to this build
/// (`services::upgrade`).
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("failed to migrate the database")?;
    crate::services::upgrade::run(db)
        .await
        .context("failed to upgrade the history")?;
    Ok(())
}

/// How long a pooled connection may sit idle before it is checked on checkout: idle
/// connections are the ones a restarted server or a proxy has silently dropped.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(5);

/// Opens the connection pool described by `config`.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let statement_timeout = config.db_statement_timeout.as_millis();
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.db_max_connections)
        .min_connections(1)
        .connect_timeout(config.db_connect_timeout)
        .acquire_timeout(config.db_connect_timeout)
        // Pinging every connection on checkout doubled the round trips of each query; a
        // connection that went bad while busy fails its query with a 503 and is dropped.
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
        .sqlx_logging_level(log::LevelFilter::Debug)
        .map_sqlx_postgres_opts(move |options| match statement_timeout {
            0 => options,
            millis => options.options([("statement_timeout", millis.to_string())]),
        })
        .map_sqlx_sqlite_opts(|options| {
            options
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    Database::connect(options).await.with_context(|| {
        format!(
            "DATABASE_URL: cannot connect to {}",
            redact_url(&config.database_url)
        )
    })
}

/// The pool a worker serves from. On PostgreSQL it is the worker's own, opened lazily from
/// that worker with the shared pool's options and its share of the connections: a socket
/// is driven by the event loop that opened it, and connections shared by every worker's
/// loop woke one worker's thread on each round trip of another's query. SQLite's
/// connections each run on a thread of their own, so its workers share one pool.
fn worker_pool(shared: &DatabaseConnection, workers: usize) -> DatabaseConnection {
    if shared.get_database_backend() != DatabaseBackend::Postgres {
        return shared.clone();
    }
    let pool = shared.get_postgres_connection_pool();
    let workers = u32::try_from(workers).unwrap_or(u32::MAX);
    let share = pool.options().get_max_connections().div_ceil(workers);
    let options = pool
        .options()
        .clone()
        .max_connections(share.max(1))
        .min_connections(0);
    SqlxPostgresConnector::from_sqlx_postgres_pool(
        options.connect_lazy_with((*pool.connect_options()).clone()),
    )
}

/// The build's id when none is configured: the version and a digest of the running
/// executable, so that every build (and only a new build) gets new entity tags, and
/// instances of one build agree.
fn executable_digest() -> String {
    // Streamed: reading the executable whole kept its size (about 40 MB) resident for the
    // process's life, as the allocator keeps what it was given.
    let digest = std::env::current_exe()
        .and_then(std::fs::File::open)
        .and_then(|mut file| {
            use std::io::Read;
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            let mut buffer = vec![0; 64 * 1024];
            loop {
                match file.read(&mut buffer)? {
                    0 => return Ok(format!("{:016x}", hasher.digest())),
                    n => hasher.update(&buffer[..n]),
                }
            }
        });
    match digest {
        Ok(digest) => format!("{}+{digest}", env!("CARGO_PKG_VERSION")),
        Err(_) => env!("CARGO_PKG_VERSION").to_owned(),
    }
}

fn run(
    listener: TcpListener,
    db: DatabaseConnection,
    config: &Config,
    metrics: HttpMetrics,
) -> anyhow::Result<Server> {
    let workers = std::thread::available_parallelism().map_or(1, NonZero::get);
    let search_cache = web::Data::new(SearchCache::new(
        config.search_cache_bytes,
        metrics.registry(),
    )?);
    let metrics = web::Data::new(metrics);
    // The document is served as bytes serialized once: each worker holding the structure
    // itself cost about 11 MB.
    let spec = openapi();
    let route_table = web::Data::new(RouteTable::from_openapi(&spec));
    let spec_json = web::Bytes::from(serde_json::to_vec(&spec)?);
    drop(spec);
    let max_body_bytes = config.max_body_bytes;
    let request_limits = web::Data::new(config.request_limits);
    let data_version = web::Data::new(crate::services::freshness::DataVersion::new(
        config.etag_max_age,
    ));
    let build_id = web::Data::new(routes::writes::BuildId(
        config.build_id.clone().unwrap_or_else(executable_digest),
    ));
    let publisher = web::Data::new(config.publisher.clone());
    let webhook_policy = web::Data::new(crate::services::webhooks::ssrf::Policy::new(
        &config.webhooks,
    ));
    let write_origins = config.cors_write_origins.clone();
    let rate_limits = web::Data::new(routes::limits::RateLimits::new(&config.rate_limits));
    let availability = web::Data::from(match db.get_database_backend() {
        DatabaseBackend::Postgres => Availability::probing(&config.database_url)
            .context("DATABASE_URL: not a PostgreSQL URL the prober can use")?,
        _ => Availability::always(),
    });
    let server = HttpServer::new(move || {
        let db = web::Data::new(worker_pool(&db, workers));
        let (app, _) = App::new()
            .into_utoipa_app()
            .configure(routes)
            .split_for_parts();
        app.app_data(db)
            .app_data(metrics.clone())
            .app_data(route_table.clone())
            .app_data(publisher.clone())
            .app_data(webhook_policy.clone())
            .app_data(rate_limits.clone())
            .app_data(request_limits.clone())
            .app_data(data_version.clone())
            .app_data(build_id.clone())
            .app_data(search_cache.clone())
            .app_data(availability.clone())
            .app_data(web::QueryConfig::default().error_handler(error::extractors::query))
            .app_data(web::PathConfig::default().error_handler(error::extractors::path))
            .app_data(web::JsonConfig::default().error_handler(error::extractors::json))
            .app_data(web::PayloadConfig::new(max_body_bytes))
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from("/openapi.json")),
            )
            .route("/openapi.json", {
                let spec_json = spec_json.clone();
                web::get().to(move || {
                    let spec_json = spec_json.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(spec_json)
                    }
                })
            })
            .route(
                "/docs",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header((header::LOCATION, "/docs/"))
                        .finish()
                }),
            )
            .default_service(web::to(routes::fallback::not_found))
            .wrap(middleware::from_fn(routes::caching::conditional_reads))
            .wrap(ErrorHandlers::new().default_handler(routes::fallback::problem_for_error))
            .wrap(routes::security::cors(std::rc::Rc::new(
                write_origins.clone(),
            )))
            .wrap(middleware::from_fn(routes::edge::edge))
            .wrap(middleware::Compress::default())
            .wrap(middleware::from_fn(routes::security::head_as_get))
            .wrap(TracingLogger::<MizanRootSpan>::new())
    })
    .workers(workers)
    .listen(listener)?
    .shutdown_timeout(config.shutdown_timeout.as_secs())
    .run();
    Ok(server)
}

/// Registers every documented route; the server and [`openapi`] both use it, so the
/// document cannot drift from what is served.
fn routes(config: &mut ServiceConfig) {
    config
        .service(routes::health::live)
        .service(routes::health::ready)
        .service(routes::prometheus::prometheus_metrics)
        .service(
            // One scope per resource: actix-web matches a scope's static prefix by
            // comparison and tries only that scope's routes, where one flat list would
            // run a capturing regex for every route with a parameter ahead of the match.
            scope("/v1")
                .service(
                    scope("/claims")
                        .service(routes::claims::find_claim)
                        .service(routes::claims::list_claims)
                        .service(routes::claims::create_claim)
                        .service(routes::claims::update_claim)
                        .service(routes::claims::delete_claim)
                        .service(routes::claims::create_claim_evidence)
                        .service(routes::claims::delete_claim_evidence)
                        .service(routes::claims::create_claim_subject)
                        .service(routes::claims::delete_claim_subject)
                        .service(routes::factchecks::list_claim_verdicts)
                        .service(routes::factchecks::find_claim_review)
                        .service(routes::factchecks::find_claim_card)
                        .service(routes::revisions::list_claim_revisions)
                        .service(routes::revisions::restore_claim_revision),
                )
                .service(
                    scope("/models")
                        .service(routes::models::list_models)
                        .service(routes::models::find_model)
                        .service(routes::models::create_model)
                        .service(routes::models::update_model)
                        .service(routes::models::delete_model)
                        .service(routes::models::list_model_derivatives)
                        .service(routes::factchecks::list_model_claims)
                        .service(routes::revisions::list_model_revisions)
                        .service(routes::revisions::restore_model_revision),
                )
                .service(
                    scope("/statistics")
                        .service(routes::statistics::list_statistics)
                        .service(routes::statistics::find_statistic)
                        .service(routes::statistics::create_statistic)
                        .service(routes::statistics::update_statistic)
                        .service(routes::statistics::delete_statistic)
                        .service(routes::factchecks::list_statistic_claims)
                        .service(routes::revisions::list_statistic_revisions)
                        .service(routes::revisions::restore_statistic_revision),
                )
                .service(routes::search::search_records)
                .service(
                    scope("/companies")
                        .service(routes::companies::list_companies)
                        .service(routes::companies::find_company)
                        .service(routes::companies::create_company)
                        .service(routes::companies::update_company)
                        .service(routes::companies::delete_company)
                        .service(routes::factchecks::list_company_claims)
                        .service(routes::revisions::list_company_revisions)
                        .service(routes::revisions::restore_company_revision),
                )
                .service(
                    scope("/countries")
                        .service(routes::countries::list_countries)
                        .service(routes::countries::find_country)
                        .service(routes::factchecks::list_country_claims),
                )
                .service(
                    scope("/sources")
                        .service(routes::sources::list_sources)
                        .service(routes::sources::find_source)
                        .service(routes::sources::create_source)
                        .service(routes::sources::update_source)
                        .service(routes::sources::delete_source)
                        .service(routes::revisions::list_source_revisions)
                        .service(routes::revisions::restore_source_revision),
                )
                .service(
                    scope("/metrics")
                        .service(routes::metrics::list_metrics)
                        .service(routes::metrics::find_metric),
                )
                .service(routes::factchecks::list_claim_reviews)
                .service(routes::revisions::list_revisions)
                .service(scope("/events").service(routes::events::list_events))
                .service(
                    scope("/webhooks")
                        .service(routes::webhooks::create_webhook)
                        .service(routes::webhooks::list_webhooks)
                        .service(routes::webhooks::find_webhook)
                        .service(routes::webhooks::update_webhook)
                        .service(routes::webhooks::delete_webhook)
                        .service(routes::webhooks::rotate_webhook_secret)
                        .service(routes::webhooks::test_webhook)
                        .service(routes::webhooks::list_webhook_deliveries)
                        .service(routes::webhooks::redeliver_webhook)
                        .service(routes::webhooks::recover_webhook),
                )
                .service(
                    scope("/keys")
                        .service(routes::keys::create_key)
                        .service(routes::keys::list_keys)
                        .service(routes::keys::revoke_key),
                ),
        );
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mizan API",
        description = "Mizan (ميزان, \"the scale\") publishes a curated, sourced, bilingual (Arabic and English) \
body of facts on the AI race between the United States and China: models, the companies behind them, \
adoption statistics, and the claims made about them, each weighed against evidence.\n\n\
**Language.** Localized fields are `{\"en\": …, \"ar\": …}`. `?lang=en|ar` or `Accept-Language` picks one: \
those fields then become plain strings and the response carries `Content-Language`.\n\n\
**Lists** are paginated by cursor: `limit` (1–200, default 50) and the previous page's `next_cursor`; \
the `Link` header carries the next page's URL. Filters are query parameters named after fields; \
`sort` names a field, `-` for descending; `count=true` adds `total`; `facets=a,b` counts rows by value. \
An unknown or repeated parameter is a 400. **A parameter given empty** (`?cursor=&sort=`, as forms and \
generated clients send an empty field) **is taken as absent.** Values must be percent-encoded UTF-8.\n\n\
**Errors** are RFC 9457 `application/problem+json`; every response carries `X-Request-Id`. \
A request against this document (an unknown parameter, a value outside its schema) is a 400; one that \
matches it but breaks a rule no schema can state is a 422 (a body's values, a reference to no record, \
a cursor not made for this list and sort), as are 404, 409, 412 and 428 answers that depend on the \
data's state. `Accept-Language` is read for `en` and `ar` and otherwise ignored; `lang` is strict.",
        license(name = "MIT", identifier = "MIT"),
    ),
    servers((url = "/", description = "This service")),
    tags(
        (name = "countries", description = "Countries, regions and groups of countries"),
        (name = "companies", description = "Companies and labs that build models"),
        (name = "models", description = "AI models and their lineage"),
        (name = "sources", description = "Where facts come from"),
        (name = "metrics", description = "What statistics measure"),
        (name = "statistics", description = "Adoption and market figures"),
        (name = "claims", description = "Claims about the AI race, weighed against evidence"),
        (name = "search", description = "Full-text search in Arabic and English"),
        (name = "fact-checks", description = "Verdict histories, the claims that bear on a record, ClaimReview JSON-LD and embeddable cards"),
        (name = "revisions", description = "Who changed what and when, each record as the API showed it before and after; restoring a record as a revision left it"),
        (name = "events", description = "The change log: every change to every record, in commit order, for webhooks, feeds and anyone who polls"),
        (name = "webhooks", description = "Signed webhooks (Standard Webhooks): endpoints told of every change as it commits, their deliveries and retries; see the document's `webhooks` for what each event sends"),
        (name = "keys", description = "API keys (admin only)"),
        (name = "health", description = "Liveness, readiness and Prometheus metrics"),
    ),
    components(schemas(ProblemDetails))
)]
struct ApiDoc;

/// Adds what every operation shares: the `Accept-Language` header, the `X-Request-Id`
/// response header, and the problem responses.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            if let Some(read) = item.get.as_mut() {
                crate::contract::add_conditional_reads(path, read);
            }
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                // Public: said in so many words (`security: []`), not left unsaid.
                operation.security.get_or_insert_with(Vec::new);
                let is_v1 = operation.tags.iter().flatten().all(|tag| tag != "health");
                if is_v1 {
                    operation
                        .parameters
                        .get_or_insert_with(Vec::new)
                        .push(RefOr::T(accept_language()));
                }
                for response in operation.responses.responses.values_mut() {
                    if let RefOr::T(response) = response {
                        response
                            .headers
                            .insert("X-Request-Id".to_owned(), RefOr::T(request_id_header()));
                    }
                }
                crate::contract::add_error_responses(path, operation, &request_id_header());
            }
        }
        crate::contract::add_links(openapi);
        crate::contract::constraints::add(openapi);
        crate::contract::constraints::refer_list_rows(openapi);
        crate::contract::patches::add(openapi);
        crate::contract::examples::complete(openapi);
    }
}

fn accept_language() -> Parameter {
    ParameterBuilder::new()
        .name("Accept-Language")
        .parameter_in(ParameterIn::Header)
        .description(Some("Picks `en` or `ar` by quality value when `lang` is not given; other languages are ignored."))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .example(Some(serde_json::json!("ar, en;q=0.5")))
        .build()
}

fn request_id_header() -> utoipa::openapi::Header {
    HeaderBuilder::new()
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .description(Some(
            "The request's id: the client's own when it sent one, else a new UUID",
        ))
        .build()
}

/// The OpenAPI document, built from the same route registration the server uses.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
    let mut spec = spec;
    CommonResponses.modify(&mut spec);
    spec.webhooks = Some(routes::webhooks::document());
    if let Some(components) = spec.components.as_mut() {
        for (name, schema) in routes::webhooks::schemas() {
            components.schemas.insert(name, schema);
        }
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("mzn_<prefix>_<secret>")
                    .description(Some(
                        "An API key from `mizan keys create` or `POST /v1/keys`. Reads need none; writes need the `editor` role, webhook endpoints `subscriber`, key management `admin`.",
                    ))
                    .build(),
            ),
        );
    }
    spec
}
