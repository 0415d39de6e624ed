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
            let responses = &operation["responses"];
            let mut expected = vec!["400", "429", "500", "503", "504"];
            if operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
            {
                expected.extend(["401", "403", "422"]);
            }
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if parameters
                .iter()
                .any(|p| p["name"] == "If-Match" && p["required"] == true)
            {
                expected.extend(["412", "428"]);
            }
            if path.contains('{') {
                expected.push("404");
            }
            for status in expected {
                assert_eq!(
                    responses[status]["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/ProblemDetails",
                    "{method} {path} lacks a {status} problem"
                );
            }
        }
    }
    // Every link names an operation that exists, and sets only parameters it takes.
    let mut links = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                for (name, link) in response["links"].as_object().into_iter().flatten() {
                    links += 1;
                    let target = link["operationId"].as_str().unwrap();
                    let (_, target_operation) = spec["paths"]
                        .as_object()
                        .unwrap()
                        .values()
                        .flat_map(|item| item.as_object().unwrap().iter())
                        .find(|(_, op)| op["operationId"] == target)
                        .unwrap_or_else(|| {
                            panic!("{method} {path} {status} link {name}: no operation {target}")
                        });
                    for parameter in link["parameters"].as_object().unwrap().keys() {
                        let (location, parameter) = parameter.split_once('.').unwrap();
                        assert!(
                            target_operation["parameters"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|p| p["in"] == location && p["name"] == parameter),
                            "{method} {path} {status} link {name}: {target} has no {location} parameter {parameter}"
                        );
                    }
                }
            }
        }
    }
    assert!(links > 50, "only {links} links");
    for schema in spec["components"]["schemas"].as_object().unwrap().keys() {
        assert!(!schema.is_empty());
    }
}

#[test]
fn every_schema_has_an_example() {
    let spec = serde_json::to_value(mizan::startup::openapi()).unwrap();
    let without: Vec<&String> = spec["components"]["schemas"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, schema)| schema.get("example").is_none() && schema.get("examples").is_none())
        .map(|(name, _)| name)
        .collect();
    assert!(
        without.is_empty(),
        "schemas without an example: {without:?}"
    );
}
