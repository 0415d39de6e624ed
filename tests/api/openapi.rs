//! `openapi/openapi.json` is the published contract: it must match what the code serves.
//! `UPDATE_OPENAPI=1 cargo test openapi` rewrites it.

use std::path::PathBuf;

#[test]
fn openapi_spec_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    let generated = mizan::startup::openapi()
        .to_pretty_json()
        .expect("the spec serializes")
        + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("cannot write openapi/openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date; run `UPDATE_OPENAPI=1 cargo test openapi` and commit it"
    );
}

#[test]
fn every_operation_is_documented_with_an_id_a_summary_and_problem_responses() {
    let spec = serde_json::to_value(mizan::startup::openapi()).unwrap();
    let mut operation_ids = std::collections::HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_default();
            assert!(
                operation_ids.insert(id.to_owned()),
                "{method} {path}: duplicate operationId {id}"
            );
            assert!(
                operation["summary"].is_string(),
                "{method} {path} has no summary"
            );
            for status in ["4XX", "5XX"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{method} {path} lacks {status}"
                );
            }
        }
    }
    for schema in spec["components"]["schemas"].as_object().unwrap().keys() {
        assert!(!schema.is_empty());
    }
}
