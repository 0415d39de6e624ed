//! What the OpenAPI document says beyond each route's own declaration: every error
//! status an operation can answer, and the links from the operations that create or
//! change a record to those that read, change or delete it next.

pub mod constraints;
pub mod examples;
pub mod patches;

use std::collections::BTreeMap;

use utoipa::openapi::{
    Content, HeaderBuilder, ObjectBuilder, OpenApi, RefOr, ResponseBuilder, Type,
    link::LinkBuilder,
    path::{Operation, ParameterIn},
};

use crate::error::PROBLEM_JSON;

/// What each error status means, as the document describes it.
const STATUSES: &[(u16, &str)] = &[
    (
        400,
        "A malformed path, query, header or body (RFC 9457 problem)",
    ),
    (401, "No API key, or not a live one"),
    (403, "The key's role may not do this"),
    (404, "No record under that key"),
    (
        409,
        "Conflicts with other records: a taken slug or key, or a record others cite",
    ),
    (
        412,
        "`If-Match` names a version that is no longer current; `ETag` gives the current one",
    ),
    (413, "The body is over the configured size limit"),
    (414, "The query string is over the configured length limit"),
    (415, "The body is not JSON"),
    (
        422,
        "The request matches this document but breaks a rule it cannot state (a body's values, a reference to no record, a cursor not made for this list); `errors` names each field",
    ),
    (428, "This change needs `If-Match`"),
    (
        429,
        "Over the rate limit; see `Retry-After` and the `RateLimit-*` headers",
    ),
    (431, "The headers are over the configured size limit"),
    (
        500,
        "An unexpected failure; its cause is logged, never sent",
    ),
    (503, "The database is unavailable; see `Retry-After`"),
    (
        504,
        "The request or one of its SQL statements ran out of time; see `Retry-After`",
    ),
];

/// The error statuses `operation` at `path` can answer.
fn error_statuses(path: &str, operation: &Operation) -> Vec<u16> {
    let if_match = operation
        .parameters
        .iter()
        .flatten()
        .find_map(|parameter| match parameter {
            RefOr::T(parameter)
                if parameter.parameter_in == ParameterIn::Header
                    && parameter.name == "If-Match" =>
            {
                Some(matches!(
                    parameter.required,
                    utoipa::openapi::Required::True
                ))
            }
            _ => None,
        });
    let keyed = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    let mut statuses = vec![400, 414, 429, 431, 500, 503, 504];
    if path.contains('{') {
        statuses.push(404);
    }
    if keyed {
        statuses.extend([401, 403, 409, 422]);
    }
    if operation.request_body.is_some() {
        statuses.extend([413, 415]);
    }
    let takes_cursor = operation.parameters.iter().flatten().any(
        |parameter| matches!(parameter, RefOr::T(p) if p.parameter_in == ParameterIn::Query && p.name == "cursor"),
    );
    if takes_cursor {
        statuses.push(422);
    }
    match if_match {
        Some(true) => statuses.extend([412, 428]),
        Some(false) => statuses.push(412),
        None => {}
    }
    statuses.sort_unstable();
    statuses.dedup();
    statuses
}

/// Declares on `operation` at `path` the error statuses it can answer, each a problem
/// body carrying `request_id`.
pub fn add_error_responses(
    path: &str,
    operation: &mut Operation,
    request_id: &utoipa::openapi::Header,
) {
    for status in error_statuses(path, operation) {
        let description = STATUSES
            .iter()
            .find(|(code, _)| *code == status)
            .map_or("An error", |(_, description)| description);
        let mut response = ResponseBuilder::new()
            .description(description)
            .content(
                PROBLEM_JSON,
                Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    "ProblemDetails",
                )))),
            )
            .header("X-Request-Id", request_id.clone());
        if matches!(status, 429 | 503 | 504) {
            response = response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
                    .description(Some("Seconds to wait before trying again"))
                    .build(),
            );
        }
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| response.build().into());
    }
}

/// Declares what `caching::conditional_reads` does on the public reads that are not a
/// single record (those declare their own strong ETag): a weak `ETag` on the 200, and 304
/// for a current `If-None-Match`.
pub fn add_conditional_reads(path: &str, operation: &mut Operation) {
    let success = operation.responses.responses.get("200").is_some_and(
        |response| matches!(response, RefOr::T(response) if !response.headers.contains_key("ETag")),
    );
    if !path.starts_with("/v1/") || path.starts_with("/v1/keys") || !success {
        return;
    }
    if let Some(RefOr::T(response)) = operation.responses.responses.get_mut("200") {
        response.headers.insert(
            "ETag".to_owned(),
            RefOr::T(
                HeaderBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                    .description(Some(
                        "A weak tag of this answer; it changes whenever any record changes",
                    ))
                    .build(),
            ),
        );
    }
    operation
        .responses
        .responses
        .entry("304".to_owned())
        .or_insert_with(|| {
            ResponseBuilder::new()
                .description("Not modified since the ETag in If-None-Match")
                .build()
                .into()
        });
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    if !parameters
        .iter()
        .any(|p| matches!(p, RefOr::T(p) if p.name == "If-None-Match"))
    {
        parameters.push(RefOr::T(
            utoipa::openapi::path::ParameterBuilder::new()
                .name("If-None-Match")
                .parameter_in(ParameterIn::Header)
                .description(Some(
                    "An ETag from an earlier answer: 304 while nothing has changed since",
                ))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build(),
        ));
    }
}

/// The resources whose records are created, changed and deleted through the API: the
/// collection, the item's key parameter, the operation ids' singular, and the other
/// reads of one record.
const RECORDS: &[(&str, &str, &str, &[&str])] = &[
    ("/v1/companies", "slug", "company", &["list_company_claims"]),
    (
        "/v1/models",
        "slug",
        "model",
        &["list_model_claims", "list_model_derivatives"],
    ),
    ("/v1/sources", "id", "source", &[]),
    (
        "/v1/statistics",
        "id",
        "statistic",
        &["list_statistic_claims"],
    ),
    (
        "/v1/claims",
        "id",
        "claim",
        &[
            "find_claim_card",
            "find_claim_review",
            "list_claim_verdicts",
        ],
    ),
];

type Links = BTreeMap<String, RefOr<utoipa::openapi::link::Link>>;

fn link(operation_id: &str, parameters: &[(&str, &str)]) -> RefOr<utoipa::openapi::link::Link> {
    parameters
        .iter()
        .fold(
            LinkBuilder::new().operation_id(operation_id),
            |builder, (name, value)| builder.parameter(*name, *value),
        )
        .build()
        .into()
}

/// Links from a response carrying one record (`key` is where its key is found) to the
/// operations on that record.
fn record_links(key_param: &str, singular: &str, reads: &[&str], key: &str) -> Links {
    let path_key = format!("path.{key_param}");
    let etag = "$response.header.ETag";
    let mut links = Links::new();
    links.insert(
        format!("find_{singular}"),
        link(&format!("find_{singular}"), &[(&path_key, key)]),
    );
    for change in ["update", "delete"] {
        links.insert(
            format!("{change}_{singular}"),
            link(
                &format!("{change}_{singular}"),
                &[(&path_key, key), ("header.If-Match", etag)],
            ),
        );
    }
    links.insert(
        format!("list_{singular}_revisions"),
        link(&format!("list_{singular}_revisions"), &[("path.key", key)]),
    );
    for read in reads {
        links.insert((*read).to_owned(), link(read, &[(&path_key, key)]));
    }
    links
}

/// Adds the links that let a client (or a contract fuzzer) follow a record from its
/// creation through its reads, changes, deletion, history and restore.
pub fn add_links(openapi: &mut OpenApi) {
    let mut add = |path: &str, method: &str, status: &str, links: Links| {
        let Some(item) = openapi.paths.paths.get_mut(path) else {
            return;
        };
        let operation = match method {
            "get" => item.get.as_mut(),
            "post" => item.post.as_mut(),
            "patch" => item.patch.as_mut(),
            _ => item.delete.as_mut(),
        };
        if let Some(RefOr::T(response)) =
            operation.and_then(|operation| operation.responses.responses.get_mut(status))
        {
            response.links.extend(links);
        }
    };
    for (collection, key_param, singular, reads) in RECORDS {
        let item = format!("{collection}/{{{key_param}}}");
        let from_body = format!("$response.body#/{key_param}");
        let from_path = format!("$request.path.{key_param}");
        let mut created = record_links(key_param, singular, reads, &from_body);
        if *singular == "claim" {
            let claim = [("path.id", "$response.body#/id")];
            created.insert(
                "create_claim_evidence".into(),
                link("create_claim_evidence", &claim),
            );
            created.insert(
                "create_claim_subject".into(),
                link("create_claim_subject", &claim),
            );
            created.insert(
                "delete_claim_evidence".into(),
                link(
                    "delete_claim_evidence",
                    &[
                        ("path.id", "$response.body#/id"),
                        ("path.evidence_id", "$response.body#/evidence/0/id"),
                        ("header.If-Match", "$response.header.ETag"),
                    ],
                ),
            );
        }
        add(collection, "post", "201", created);
        add(
            &item,
            "patch",
            "200",
            record_links(key_param, singular, reads, &from_body),
        );
        let mut gone = Links::new();
        gone.insert(
            format!("find_{singular}"),
            link(
                &format!("find_{singular}"),
                &[(&format!("path.{key_param}"), &from_path)],
            ),
        );
        gone.insert(
            format!("list_{singular}_revisions"),
            link(
                &format!("list_{singular}_revisions"),
                &[("path.key", &from_path)],
            ),
        );
        add(&item, "delete", "204", gone);
        let mut history = Links::new();
        history.insert(
            format!("restore_{singular}_revision"),
            link(
                &format!("restore_{singular}_revision"),
                &[
                    ("path.key", "$request.path.key"),
                    ("path.rev", "$response.body#/data/0/id"),
                    ("header.If-Match", "*"),
                ],
            ),
        );
        add(
            &format!("{collection}/{{key}}/revisions"),
            "get",
            "200",
            history,
        );
        add(
            &format!("{collection}/{{key}}/revisions/{{rev}}/restore"),
            "post",
            "200",
            record_links(key_param, singular, reads, &from_body),
        );
    }
    for (path, method) in [
        ("/v1/claims/{id}/evidence", "post"),
        ("/v1/claims/{id}/subjects", "post"),
        ("/v1/claims/{id}/evidence/{evidence_id}", "delete"),
        ("/v1/claims/{id}/subjects/{type}/{key}", "delete"),
    ] {
        add(
            path,
            method,
            "200",
            record_links("id", "claim", &[], "$response.body#/id"),
        );
    }
    let mut key = Links::new();
    key.insert(
        "revoke_key".into(),
        link("revoke_key", &[("path.id", "$response.body#/id")]),
    );
    add("/v1/keys", "post", "201", key);
}
