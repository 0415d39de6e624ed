use std::collections::HashSet;

use mizan::{dataset::Dataset, domain::kinds::Verdict, services::claims::ClaimInput};

use crate::helpers::{Backend, data_dir, spawn_app_with_dataset};

fn keys(body: &serde_json::Value) -> HashSet<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap().to_owned())
        .collect()
}

async fn claims_filter_by_verdict_topic_subject_claimant_and_date(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let data = Dataset::read(&data_dir()).unwrap();
    let expect = |predicate: &dyn Fn(&ClaimInput) -> bool| -> HashSet<String> {
        data.claims
            .iter()
            .filter(|entry| predicate(&entry.input))
            .map(|entry| entry.key.clone())
            .collect()
    };
    let cases: Vec<(&str, HashSet<String>)> = vec![
        (
            "verdict=opinion",
            expect(&|c| c.verdict == Verdict::Opinion),
        ),
        (
            "verdict=supported",
            expect(&|c| c.verdict == Verdict::Supported),
        ),
        (
            "topic=pricing",
            expect(&|c| c.topics.iter().any(|t| t == "pricing")),
        ),
        (
            "topic=soft-power&verdict=opinion",
            expect(&|c| {
                c.verdict == Verdict::Opinion && c.topics.iter().any(|t| t == "soft-power")
            }),
        ),
        (
            "subject=deepseek-r1",
            expect(&|c| c.subjects.iter().any(|s| s.key == "deepseek-r1")),
        ),
        (
            "subject=cn",
            expect(&|c| c.subjects.iter().any(|s| s.key == "CN")),
        ),
        (
            "claimant=altman",
            expect(&|c| c.claimant.name.en.to_lowercase().contains("altman")),
        ),
        (
            "claimant=ألتمان",
            expect(&|c| c.claimant.name.ar.contains("ألتمان")),
        ),
        (
            "claimant=openai",
            expect(&|c| {
                c.claimant.company.as_deref() == Some("openai")
                    || c.claimant.name.en.to_lowercase().contains("openai")
            }),
        ),
        ("claimant=%25", HashSet::new()),
        (
            "stated_after=2025-01-01&stated_before=2025-02-28",
            expect(&|c| {
                c.stated.is_some_and(|d| {
                    d.to_string().as_str() >= "2025-01-01" && d.to_string().as_str() <= "2025-02-28"
                })
            }),
        ),
    ];
    for (query, expected) in cases {
        let body = app.get_json(&format!("/v1/claims?{query}&limit=200")).await;
        assert_eq!(keys(&body), expected, "GET /v1/claims?{query}");
    }
    assert!(!expect(&|c| c.claimant.name.en.contains("Altman")).is_empty());
}

async fn claims_about_openai_that_the_record_supports_are_c10_c11_and_c16(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let body = app
        .get_json("/v1/claims?subject=openai&verdict=supported")
        .await;
    let expected: HashSet<String> = ["article-c10", "article-c11", "article-c16"]
        .map(str::to_owned)
        .into();
    assert_eq!(keys(&body), expected);
}

async fn a_claim_shows_its_evidence_resolved(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let claim = app.get_json("/v1/claims/article-c16").await;
    assert_eq!(claim["verdict"], "supported");
    assert!(
        claim["verdict_summary"]["en"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(
        claim["verdict_summary"]["ar"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(claim["original"]["language"], "ar");
    assert!(claim["original"]["text"].as_str().unwrap().contains("o3"));
    assert!(
        claim["topics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "pricing")
    );
    assert!(
        claim["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["type"] == "model" && s["key"] == "o3")
    );

    let evidence = claim["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty());
    for item in evidence {
        assert!(
            ["supports", "contradicts", "context"].contains(&item["relation"].as_str().unwrap())
        );
        match (item["statistic"].is_object(), item["source"].is_object()) {
            (true, false) => {
                let stat = &item["statistic"];
                assert!(
                    stat["value"].is_number() || stat["value_low"].is_number(),
                    "{stat}"
                );
                assert!(stat["period"]["start"].is_string(), "{stat}");
                assert!(stat["source"]["url"].is_string(), "{stat}");
                assert!(stat["metric"]["key"].is_string(), "{stat}");
            }
            (false, true) => assert!(item["source"]["url"].is_string(), "{item}"),
            _ => panic!("evidence names one statistic or one source: {item}"),
        }
    }

    let by_id = app
        .get_json(&format!("/v1/claims/{}", claim["id"].as_str().unwrap()))
        .await;
    assert_eq!(by_id, claim);
}

async fn every_reviewed_verdict_carries_a_summary_and_evidence(backend: Backend) {
    let app = spawn_app_with_dataset(backend).await;
    let body = app.get_json("/v1/claims?limit=200").await;
    for claim in body["data"].as_array().unwrap() {
        let verdict = claim["verdict"].as_str().unwrap();
        if verdict != "unreviewed" && verdict != "opinion" {
            assert!(claim["verdict_summary"].is_object(), "{}", claim["key"]);
            assert!(
                !claim["evidence"].as_array().unwrap().is_empty(),
                "{}",
                claim["key"]
            );
        }
        assert!(claim["source"]["url"].is_string(), "{}", claim["key"]);
    }
}

crate::on_both_backends!(
    claims_filter_by_verdict_topic_subject_claimant_and_date,
    claims_about_openai_that_the_record_supports_are_c10_c11_and_c16,
    a_claim_shows_its_evidence_resolved,
    every_reviewed_verdict_carries_a_summary_and_evidence,
);
