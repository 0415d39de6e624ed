//! The `mizan` binary itself, as the README runs it.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use crate::helpers::data_dir;

const BINARY: &str = env!("CARGO_BIN_EXE_mizan");

#[tokio::test]
async fn the_binary_seeds_on_first_start_logs_json_and_stops_cleanly_on_sigterm() {
    // Arrange: a fresh SQLite file and JSON logs.
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BINARY)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("m.sqlite").display()
            ),
        )
        .env("MIZAN_BIND", "127.0.0.1:0")
        .env("MIZAN_LOG_FORMAT", "json")
        .env("MIZAN_DATA_DIR", data_dir())
        .env("MIZAN_SHUTDOWN_TIMEOUT_SECS", "5")
        .current_dir(dir.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("cannot start the binary");
    let (lines_tx, lines) = mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut log = Vec::new();
    let port = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .expect("the service did not start");
        let event: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("not a JSON log line: {line}"));
        log.push(event.clone());
        if let Some(port) = event["port"].as_u64() {
            break port;
        }
    };

    // Act
    let client = reqwest::Client::new();
    let response = client
        .get(format!("http://127.0.0.1:{port}/v1/claims/article-c10"))
        .header("x-request-id", "binary-test-42")
        .send()
        .await
        .unwrap();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no exit 10 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    log.extend(
        lines
            .try_iter()
            .filter_map(|line| serde_json::from_str(&line).ok()),
    );

    // Assert
    assert_eq!(
        response.status(),
        200,
        "the curated dataset is served on first start"
    );
    assert!(exit.success(), "exit status after SIGTERM: {exit}");
    assert!(
        log.iter().any(|e| e["message"]
            .as_str()
            .is_some_and(|m| m.contains("loaded the curated dataset"))),
        "{log:#?}"
    );
    let request_lines: Vec<_> = log
        .iter()
        .filter(|e| e.to_string().contains("binary-test-42"))
        .collect();
    assert!(
        !request_lines.is_empty(),
        "the request's log lines carry its id: {log:#?}"
    );
}

#[test]
fn help_documents_every_variable_and_command() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for (name, _, _) in mizan::config::VARIABLES {
        assert!(
            help.contains(name),
            "--help does not mention {name}:\n{help}"
        );
    }
    for command in ["serve", "migrate", "seed", "openapi"] {
        assert!(
            help.contains(command),
            "--help does not mention `{command}`:\n{help}"
        );
    }
}

#[test]
fn a_bad_variable_stops_start_up_with_a_message_naming_it() {
    let output = Command::new(BINARY)
        .arg("migrate")
        .env("MIZAN_BIND", "nowhere")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("MIZAN_BIND"), "{stderr}");
}

#[test]
fn the_openapi_command_prints_the_document() {
    let output = Command::new(BINARY)
        .arg("openapi")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(
        printed,
        serde_json::to_value(mizan::startup::openapi()).unwrap()
    );
}

#[tokio::test]
async fn the_keys_commands_create_list_and_revoke_keys() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("k.sqlite").display()
    );
    let run = |args: &[&str]| {
        let output = Command::new(BINARY)
            .args(args)
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let created = run(&["keys", "create", "--name", "data desk", "--role", "admin"]);
    let field = |name: &str| {
        created
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(|value| value.trim().to_owned())
            .unwrap_or_else(|| panic!("no {name} in {created}"))
    };
    let (id, key) = (field("id:"), field("key:"));

    let db = sea_orm::Database::connect(&url).await.unwrap();
    let principal = mizan::services::keys::authenticate(&db, &key)
        .await
        .unwrap()
        .expect("the printed key works");
    assert_eq!(principal.key_id.to_string(), id);
    assert_eq!(principal.role, mizan::domain::kinds::Role::Admin);

    let listed = run(&["keys", "list"]);
    assert!(
        listed.contains(&id) && listed.contains("active") && listed.contains("data desk"),
        "{listed}"
    );
    assert!(!listed.contains(&key), "the key itself is never listed");

    run(&["keys", "revoke", &id]);
    assert!(run(&["keys", "list"]).contains("revoked"));
    assert!(
        mizan::services::keys::authenticate(&db, &key)
            .await
            .unwrap()
            .is_none(),
        "a revoked key stops working"
    );

    let bad = Command::new(BINARY)
        .args(["keys", "create", "--name", "x", "--role", "owner"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
