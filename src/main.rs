use clap::Parser;
use mizan::{
    cli::{Cli, Command, KeysCommand},
    config::Config,
    dataset,
    domain::kinds::Role,
    services::keys,
    startup, telemetry,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    mizan::allocator::disable_transparent_huge_pages();
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
            startup::migrate(&db).await?;
            tracing::info!("migrations applied");
        }
        Command::Seed => {
            let db = startup::connect(&config).await?;
            startup::migrate(&db).await?;
            let report = dataset::seed(&db, &config.data_dir).await?;
            tracing::info!(
                created = report.created,
                updated = report.updated,
                deleted = report.deleted,
                "dataset loaded: {report}"
            );
        }
        Command::Openapi => println!("{}", startup::openapi().to_pretty_json()?),
        Command::Keys { action } => {
            let db = startup::connect(&config).await?;
            startup::migrate(&db).await?;
            match action {
                KeysCommand::Create { name, role } => {
                    let role = Role::parse(&role)
                        .ok_or_else(|| anyhow::anyhow!("--role: expected {}", Role::expected()))?;
                    let (record, key) = keys::create(&db, &name, role).await?;
                    println!(
                        "id:   {}\nrole: {}\nkey:  {key}\n(the key is shown this once; store it now)",
                        record.id, record.role
                    );
                }
                KeysCommand::List => {
                    for key in keys::list(&db).await? {
                        let state = key
                            .revoked_at
                            .map_or_else(|| "active".to_owned(), |at| format!("revoked {at}"));
                        println!(
                            "{}  mzn_{}  {:<10}  {}  {}",
                            key.id, key.prefix, key.role, key.name, state
                        );
                    }
                }
                KeysCommand::Revoke { id } => match keys::revoke(&db, id).await? {
                    Some(_) => println!("revoked {id}"),
                    None => anyhow::bail!("no key {id}"),
                },
            }
        }
    }
    Ok(())
}
