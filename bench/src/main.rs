//! `mizan-bench`: what the load scenarios of `bench/run` need besides the service itself.
//!
//! - `generate`: the curated dataset plus a deterministic generated one, at a scale.
//! - `cursor`: a `/v1/statistics` cursor some rows deep, for the deep-page scenario.
//! - `ceiling`: an actix-web server answering a fixed JSON body without a database, the
//!   ceiling the service's own overhead is compared against.

mod generate;

use std::time::Instant;

use actix_web::{App, HttpResponse, HttpServer, web};
use clap::{Parser, Subcommand};
use mizan::domain::cursor::Cursor;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use uuid::Uuid;

#[derive(Parser)]
#[command(about = "Mizan's benchmark helpers (see bench/README.md)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate DATABASE_URL, load the curated dataset, and add the generated records.
    Generate {
        /// 1 for 1,000,000 statistics, 100,000 claims, 20,000 models, 5,000 companies and
        /// 50,000 sources; the counts scale with it.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// The seed: the same seed and scale give the same rows.
        #[arg(long, default_value_t = 20_251_129)]
        seed: u64,
        /// The folder of the curated dataset.
        #[arg(long, default_value = "data")]
        data: std::path::PathBuf,
    },
    /// Print the cursor of `/v1/statistics?metric=METRIC` after DEPTH rows.
    Cursor {
        /// The metric's key.
        #[arg(long)]
        metric: String,
        /// How many rows deep.
        #[arg(long)]
        depth: u64,
    },
    /// Serve BYTES bytes of fixed JSON on every path, on BIND.
    Ceiling {
        /// The body's size.
        #[arg(long)]
        bytes: usize,
        /// Where to listen.
        #[arg(long, default_value = "127.0.0.1:18090")]
        bind: String,
    },
}

fn database_url() -> anyhow::Result<String> {
    std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("DATABASE_URL must be set"))
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    mizan::allocator::disable_transparent_huge_pages();
    match Cli::parse().command {
        Command::Generate { scale, seed, data } => {
            let db = Database::connect(database_url()?).await?;
            let started = Instant::now();
            mizan::startup::migrate(&db).await?;
            mizan::dataset::seed(&db, &data).await?;
            let curated = started.elapsed().as_secs_f64();
            let generated = generate::generate(&db, scale, seed, &data).await?;
            for (table, rows) in &generated.counts {
                println!("{table}\t{rows}");
            }
            println!("curated_seconds\t{curated:.2}");
            println!("generated_seconds\t{:.2}", generated.seconds);
        }
        Command::Cursor { metric, depth } => {
            let db = Database::connect(database_url()?).await?;
            let backend = db.get_database_backend();
            let placeholder = if backend == DbBackend::Postgres {
                "$1"
            } else {
                "?"
            };
            let row = db
                .query_one_raw(Statement::from_sql_and_values(
                    backend,
                    format!(
                        "SELECT s.id FROM statistics s JOIN metrics m ON m.id = s.metric_id \
                         WHERE m.key = {placeholder} ORDER BY s.id LIMIT 1 OFFSET {}",
                        depth.saturating_sub(1)
                    ),
                    [metric.clone().into()],
                ))
                .await?
                .ok_or_else(|| anyhow::anyhow!("fewer than {depth} statistics of {metric}"))?;
            let id: Uuid = row.try_get("", "id")?;
            let cursor = Cursor {
                list: "statistics".into(),
                sort: "id".into(),
                value: id.to_string().into(),
                id,
            };
            println!("{}", cursor.encode());
        }
        Command::Ceiling { bytes, bind } => {
            let filler = "x".repeat(bytes.saturating_sub(12));
            let body = web::Bytes::from(format!("{{\"data\":\"{filler}\"}}"));
            HttpServer::new(move || {
                let body = body.clone();
                App::new().default_service(web::to(move || {
                    let body = body.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(body)
                    }
                }))
            })
            .bind(bind)?
            .run()
            .await?;
        }
    }
    Ok(())
}
