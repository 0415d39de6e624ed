//! The `mizan` command line.

use clap::{Parser, Subcommand};

use crate::config::VARIABLES;

/// Mizan: a sourced, bilingual REST API on the AI race between the United States and China.
#[derive(Debug, Parser)]
#[command(name = "mizan", version, after_long_help = variables_help(), after_help = variables_help())]
pub struct Cli {
    /// What to do; `serve` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default): migrate, load the curated dataset into an empty database, listen.
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Load the curated dataset from MIZAN_DATA_DIR, applying only what changed, then exit.
    Seed,
    /// Print the OpenAPI document (JSON) to standard output.
    Openapi,
    /// Manage API keys.
    Keys {
        /// What to do with keys.
        #[command(subcommand)]
        action: KeysCommand,
    },
}

/// `mizan keys …`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a key and print it (it is shown this once).
    Create {
        /// What the key is for.
        #[arg(long)]
        name: String,
        /// `editor` (create, change, delete records), `subscriber` (manage its own webhook
        /// endpoints) or `admin` (everything, and manage keys).
        #[arg(long, value_parser = ["editor", "subscriber", "admin"])]
        role: String,
    },
    /// List every key, without secrets.
    List,
    /// Revoke a key: it stops working at once.
    Revoke {
        /// The key's id.
        id: uuid::Uuid,
    },
}

fn variables_help() -> String {
    let mut help = String::from("Environment variables (also read from a .env file):\n");
    for (name, default, meaning) in VARIABLES {
        help.push_str(&format!(
            "  {name}\n      {meaning}\n      default: {default}\n"
        ));
    }
    help
}
