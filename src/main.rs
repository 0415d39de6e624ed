use clap::Parser;
use migration::{Migrator, MigratorTrait};
use mizan::{
    cli::{Cli, Command},
    config::Config,
    dataset, startup, telemetry,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    dotenvy::dotenv().ok();
    let config = Config::from_env()?;
    telemetry::init(&config)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = startup::Application::build(config).await?;
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = startup::connect(&config).await?;
            Migrator::up(&db, None).await?;
            tracing::info!("migrations applied");
        }
        Command::Seed => {
            let db = startup::connect(&config).await?;
            Migrator::up(&db, None).await?;
            let report = dataset::seed(&db, &config.data_dir).await?;
            tracing::info!(
                created = report.created,
                updated = report.updated,
                deleted = report.deleted,
                "dataset loaded: {report}"
            );
        }
        Command::Openapi => println!("{}", startup::openapi().to_pretty_json()?),
    }
    Ok(())
}
