//! HTTP for records and their writes: strong ETags, `If-None-Match` (304), `If-Match`
//! (412, 428), `Idempotency-Key`, merge patches, and the responses of writes. Every change
//! itself is made by the write path (`services::resources`); this module only maps
//! headers and bodies to it.
//!
//! One tag per representation: a record's tag is its version and a digest of the build,
//! the resource, the key in the URL, the language and the data version. `GET` answers with
//! it, and so does every write (with the data version the write committed), so a client
//! that keeps a write's response revalidates it with `If-None-Match` like any `GET`; a new
//! build changes every tag, as it may change representations.

use std::future::Future;

use actix_web::{
    HttpRequest, HttpResponse,
    http::{
        StatusCode,
        header::{self, HeaderValue},
    },
    web,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    domain::lang::{self, Lang},
    error::ApiError,
    services::{
        changes::{Committed, Writer},
        freshness::DataVersion,
        idempotency::{self, Claimed, Stored},
        keys::Principal,
        resources::{self, Expect, Resource, Saved},
        writes::WriteError,
    },
};

/// The running build's id: what every tag digests, so that a new build, which may show
/// records differently, never answers 304 for what an old one sent.
#[derive(Clone, Debug)]
pub struct BuildId(pub String);

fn serialize<T: serde::Serialize + ?Sized>(view: &T) -> Result<Vec<u8>, ApiError> {
    lang::to_json(view).map_err(|err| {
        anyhow::Error::new(err)
            .context("failed to serialize a response")
            .into()
    })
}

/// The digest of the representation of `resource` `key` in `lang` at data version
/// `data_version`, in this build: equal digests, equal representations.
fn digest(
    req: &HttpRequest,
    resource: &str,
    key: &str,
    lang: Option<Lang>,
    data_version: i64,
) -> String {
    let build = req
        .app_data::<web::Data<BuildId>>()
        .map_or(env!("CARGO_PKG_VERSION"), |build| build.0.as_str());
    super::caching::short_digest(&[
        build.as_bytes(),
        resource.as_bytes(),
        key.as_bytes(),
        lang.map_or("both", |lang| lang.tag()).as_bytes(),
        &data_version.to_le_bytes(),
    ])
}

/// The strong tag of a representation at record `version` with `digest`.
fn tag(version: i32, digest: &str) -> String {
    format!("\"{version}-{digest}\"")
}

/// The version an entity tag names, if it is one of ours and strong.
fn version_in(tag: &str) -> Option<i32> {
    let tag = tag.trim();
    if tag.starts_with("W/") {
        return None;
    }
    tag.strip_prefix('"')?.split('-').next()?.parse().ok()
}

/// The entity tags a header lists (`a, b`, or several headers).
fn listed(req: &HttpRequest, name: header::HeaderName) -> Vec<&str> {
    req.headers()
        .get_all(name)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .collect()
}

/// The `If-None-Match` tag that ends in `digest` (compared weakly, as RFC 9110 says), if
/// the request sends one.
fn matching_tag<'a>(req: &'a HttpRequest, digest: &str) -> Option<&'a str> {
    listed(req, header::IF_NONE_MATCH).into_iter().find(|tag| {
        tag.trim_start_matches("W/")
            .strip_suffix('"')
            .and_then(|tag| tag.rsplit_once('-'))
            .is_some_and(|(_, tail)| tail == digest)
    })
}

/// The headers every representation of a record carries, its 304 included.
fn representation_headers(
    response: &mut actix_web::HttpResponseBuilder,
    lang: Option<Lang>,
    tag: &str,
) {
    response
        .insert_header((header::ETAG, tag))
        .insert_header((header::VARY, HeaderValue::from_static("Accept-Language")))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        // Never compressed: the strong ETag names these exact bytes.
        .insert_header((
            header::CONTENT_ENCODING,
            HeaderValue::from_static("identity"),
        ));
    if let Some(lang) = lang {
        response.insert_header((
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.tag()),
        ));
    }
}

/// A record's 200 with the ETag `tag`, or a 304 when `If-None-Match` names it or is `*`.
fn representation(req: &HttpRequest, lang: Option<Lang>, tag: &str, body: Vec<u8>) -> HttpResponse {
    let not_modified = listed(req, header::IF_NONE_MATCH)
        .iter()
        .any(|candidate| *candidate == "*" || candidate.trim_start_matches("W/") == tag);
    let mut response = match not_modified {
        true => HttpResponse::NotModified(),
        false => HttpResponse::Ok(),
    };
    representation_headers(&mut response, lang, tag);
    match not_modified {
        true => response.finish(),
        false => response
            .content_type(header::ContentType::json())
            .body(body),
    }
}

async fn data_version(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
) -> Result<i64, ApiError> {
    match req.app_data::<web::Data<DataVersion>>() {
        Some(data_version) => Ok(data_version.current(db).await?),
        None => Ok(0),
    }
}

/// `GET`: the record, with its ETag, or 304.
pub async fn get<R: Resource>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    key: &str,
    lang: Option<Lang>,
) -> Result<HttpResponse, ApiError> {
    // The data version is read before the record: a change committed after it moves it,
    // so a tag built on it never outlives the data it describes.
    let digest = digest(req, R::RESOURCE, key, lang, data_version(req, db).await?);
    if let Some(tag) = matching_tag(req, &digest) {
        // Nothing has changed since this tag was made: 304 without loading the record.
        let tag = tag.trim_start_matches("W/").to_owned();
        let mut response = HttpResponse::NotModified();
        representation_headers(&mut response, lang, &tag);
        return Ok(response.finish());
    }
    // Boxed: loading a record is a future of many kilobytes, which a 304 never runs and
    // should not carry (or copy) in its own.
    let found = Box::pin(resources::find::<R, _>(db, key, lang)).await?;
    let (model, view) = found.ok_or_else(|| not_found::<R>(key))?;
    let body = serialize(&view)?;
    Ok(representation(
        req,
        lang,
        &tag(R::version(&model), &digest),
        body,
    ))
}

fn not_found<R: Resource>(key: &str) -> ApiError {
    ApiError::NotFound {
        resource: R::SINGULAR,
        id: key.to_owned(),
    }
}

/// What `If-Match` asks: 428 when it is `required` and missing. Weak tags never match
/// (RFC 9110 compares them strongly); any of our strong tags of the record's current
/// version does, whatever its language.
pub fn expectation(req: &HttpRequest, required: bool) -> Result<Expect, ApiError> {
    let tags = listed(req, header::IF_MATCH);
    if tags.is_empty() && req.headers().contains_key(header::IF_MATCH) {
        return Err(ApiError::BadRequest(
            "`If-Match` is sent but names no entity tag; send one, `*`, or no `If-Match`".into(),
        ));
    }
    if tags.is_empty() {
        return match required {
            true => Err(ApiError::PreconditionRequired),
            false => Ok(Expect::Nothing),
        };
    }
    if tags.contains(&"*") {
        return Ok(Expect::Exists);
    }
    Ok(Expect::Versions(
        tags.into_iter().filter_map(version_in).collect(),
    ))
}

/// The 412 for a record changed since the client read it, with its current tag; or the
/// 404 when it is gone.
async fn lost_race<R: Resource>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    key: &str,
) -> ApiError {
    let current = async {
        let model = R::row(db, key).await?.ok_or_else(|| not_found::<R>(key))?;
        let digest = digest(req, R::RESOURCE, key, None, data_version(req, db).await?);
        Ok::<_, ApiError>(ApiError::PreconditionFailed {
            current: tag(R::version(&model), &digest),
        })
    };
    current.await.unwrap_or_else(|err| err)
}

/// Runs `change` in one write by `principal`, committing it when it succeeds.
pub async fn write<T>(
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    change: impl AsyncFnOnce(&mut Writer) -> Result<T, WriteError>,
) -> Result<(T, Committed), WriteError> {
    let mut writer = Writer::begin(db, principal.actor()).await?;
    // On an error the writer is dropped and its transaction rolled back.
    let done = change(&mut writer).await?;
    let committed = writer.commit().await?;
    Ok((done, committed))
}

/// The error a write answers with; a lost race becomes a 412 with the current tag.
async fn refused<R: Resource>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    key: &str,
    err: WriteError,
) -> ApiError {
    match err {
        WriteError::Stale => lost_race::<R>(req, db, key).await,
        err => err.into(),
    }
}

/// The key a written record's tag is made with: the URL's, while it still names the
/// record (its id, or an unchanged key), else the record's own.
fn url_key<R: Resource>(asked: &str, model: &R::Model) -> String {
    match Uuid::parse_str(asked) {
        Ok(_) => asked.to_owned(),
        Err(_) => R::key(model),
    }
}

/// The language a write's response is shown in: as for a `GET` of the record, `lang` or
/// `Accept-Language`. Refused before anything is written when the query has anything else.
fn response_lang(req: &HttpRequest) -> Result<Option<Lang>, ApiError> {
    Ok(super::query::ItemQuery::of(req)?.lang)
}

/// A write's 200 (or `status`) with the record as the write left it, in `lang`, and the
/// tag a `GET` of it in `lang` returns.
fn written<R: Resource>(
    req: &HttpRequest,
    saved: &Saved<R>,
    key: &str,
    lang: Option<Lang>,
    committed: Committed,
) -> Result<Stored, ApiError> {
    let tag = tag(
        R::version(&saved.model),
        &digest(req, R::RESOURCE, key, lang, committed.data_version),
    );
    let shown = lang::localize(saved.representation.clone(), lang);
    Ok(Stored {
        status: 200,
        etag: Some(tag),
        body: String::from_utf8(serialize(&shown)?).unwrap_or_default(),
        location: None,
    })
}

/// The response of a write: `lang` is the language of a fresh response (a replay's is
/// whatever the first request asked for).
fn respond(stored: Stored, replayed: bool, lang: Option<Lang>) -> HttpResponse {
    let mut response =
        HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    response.content_type(header::ContentType::json());
    if let Some(tag) = &stored.etag {
        response.insert_header((header::ETAG, tag.as_str()));
        response.insert_header((header::CACHE_CONTROL, "no-cache"));
        response.insert_header((header::VARY, "Accept-Language"));
    }
    if let (Some(lang), false) = (lang, replayed) {
        response.insert_header((header::CONTENT_LANGUAGE, lang.tag()));
    }
    if let Some(location) = &stored.location {
        response.insert_header((header::LOCATION, location.as_str()));
    }
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.body(stored.body)
}

/// Runs a create once per `Idempotency-Key`: a retry with the same key and body gets the
/// first response; the same key with another body is a 422; while the first is still
/// running, a 409.
pub async fn idempotent<F, Fut>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    body: &serde_json::Value,
    create: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Stored, ApiError>>,
{
    let lang = response_lang(req)?;
    let Some(key) = req.headers().get("idempotency-key") else {
        return Ok(respond(create().await?, false, lang));
    };
    let key = key
        .to_str()
        .ok()
        .filter(|key| (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::BadRequest("Idempotency-Key must be 1 to 255 visible ASCII characters".into())
        })?;
    let hash = hex::encode(Sha256::digest(body.to_string().as_bytes()));
    let actor = principal.actor();
    let request = idempotency::Request {
        actor: &actor,
        key,
        method: req.method().as_str(),
        path: req.path(),
        hash: &hash,
    };
    match idempotency::claim(db, &request).await? {
        Claimed::Replay(stored) => Ok(respond(stored, true, None)),
        Claimed::InProgress => Err(ApiError::Conflict {
            field: "Idempotency-Key".into(),
            message: "a request with this Idempotency-Key is still being processed; retry shortly"
                .into(),
        }),
        Claimed::Mismatch => Err(ApiError::invalid(
            "Idempotency-Key",
            "this key was already used for a different request; use a new key",
        )),
        Claimed::Fresh => match create().await {
            Ok(stored) => {
                idempotency::complete(db, &request, &stored).await?;
                Ok(respond(stored, false, lang))
            }
            Err(err) => {
                idempotency::release(db, &request).await?;
                Err(err)
            }
        },
    }
}

impl From<WriteError> for ApiError {
    fn from(err: WriteError) -> Self {
        match err {
            WriteError::Invalid(errors) => ApiError::Validation(errors),
            WriteError::Conflict { field, message } => ApiError::Conflict { field, message },
            WriteError::NotFound { resource, id } => ApiError::NotFound { resource, id },
            WriteError::Stale => ApiError::PreconditionFailed {
                current: "\"stale\"".into(),
            },
            WriteError::Db(err) => err.into(),
            WriteError::Unexpected(err) => ApiError::Unexpected(err),
        }
    }
}

/// `POST`: checks and creates the record, once per `Idempotency-Key`.
pub async fn create<R: Resource>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    body: serde_json::Value,
) -> Result<HttpResponse, ApiError> {
    // Refused before the idempotency key is claimed when it is not even a JSON object.
    if !body.is_object() {
        return Err(ApiError::invalid("(body)", "must be a JSON object"));
    }
    let lang = response_lang(req)?;
    idempotent(req, db, principal, &body, || async {
        let input = body.clone();
        let (saved, committed) = write(db, principal, async |w| {
            resources::create_json::<R>(w, input).await
        })
        .await?;
        let key = R::key(&saved.model);
        let mut stored = written(req, &saved, &key, lang, committed)?;
        stored.status = 201;
        stored.location = Some(format!("/v1/{}/{key}", R::RESOURCE));
        Ok(stored)
    })
    .await
}

/// `PATCH`: applies a JSON merge patch (RFC 7396) to the record's input, checks it, and
/// saves it if `If-Match` names the current version.
pub async fn update<R: Resource>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    key: &str,
    patch: serde_json::Value,
) -> Result<HttpResponse, ApiError> {
    edit::<R>(req, db, principal, key, true, |input| {
        json_patch::merge(input, &patch);
        Ok(())
    })
    .await
}

/// Changes the record's input (as JSON) with `change`, checks it, and saves it. `If-Match`
/// is required when `needs_if_match`, and checked whenever it is sent.
pub async fn edit<R: Resource>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    key: &str,
    needs_if_match: bool,
    change: impl FnOnce(&mut serde_json::Value) -> Result<(), WriteError>,
) -> Result<HttpResponse, ApiError> {
    let expect = expectation(req, needs_if_match)?;
    let lang = response_lang(req)?;
    let result = write(db, principal, async |w| {
        resources::update_json::<R>(w, key, &expect, change).await
    })
    .await;
    match result {
        Ok((saved, committed)) => {
            let key = url_key::<R>(key, &saved.model);
            Ok(respond(
                written(req, &saved, &key, lang, committed)?,
                false,
                lang,
            ))
        }
        Err(err) => Err(refused::<R>(req, db, key, err).await),
    }
}

/// `DELETE`: deletes the record if `If-Match` names the current version and nothing cites it.
pub async fn delete<R: Resource>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    key: &str,
) -> Result<HttpResponse, ApiError> {
    let expect = expectation(req, true)?;
    response_lang(req)?;
    match write(db, principal, async |w| {
        resources::delete::<R>(w, key, &expect).await
    })
    .await
    {
        Ok(_) => Ok(HttpResponse::NoContent().finish()),
        Err(err) => Err(refused::<R>(req, db, key, err).await),
    }
}

/// The id of the record `key` names, whether it exists or was deleted (then found through
/// its revisions).
pub async fn record_id<R: Resource>(
    db: &sea_orm::DatabaseConnection,
    key: &str,
) -> Result<Uuid, ApiError> {
    use crate::services::revisions;
    match R::row(db, key).await? {
        Some(model) => Ok(R::id(&model)),
        None => revisions::record_id_by_key(db, R::RESOURCE, key)
            .await?
            .ok_or_else(|| not_found::<R>(key)),
    }
}

/// `POST …/revisions/{rev}/restore`: puts the record back as revision `rev` left it (as it
/// was before, for a deletion), recreating it if it was deleted, through the ordinary
/// checks. Itself a new revision. `If-Match` is checked when sent.
pub async fn restore<R: Resource>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    key: &str,
    revision_id: Uuid,
) -> Result<HttpResponse, ApiError> {
    use crate::services::revisions;
    let not_found = || ApiError::NotFound {
        resource: "revision",
        id: revision_id.to_string(),
    };
    let record_id = record_id::<R>(db, key).await?;
    let revision = revisions::find(db, R::RESOURCE, revision_id)
        .await?
        .filter(|revision| revision.record_id == record_id)
        .ok_or_else(not_found)?;
    let picture = revisions::representation(&revision).ok_or_else(not_found)?;
    let expect = expectation(req, false)?;
    let lang = response_lang(req)?;
    let result = write(db, principal, async |w| {
        resources::restore::<R>(w, record_id, &expect, &picture).await
    })
    .await;
    match result {
        Ok((saved, committed)) => {
            let key = url_key::<R>(key, &saved.model);
            Ok(respond(
                written(req, &saved, &key, lang, committed)?,
                false,
                lang,
            ))
        }
        Err(err) => Err(refused::<R>(req, db, key, err).await),
    }
}

/// Declares a resource's `POST`, `PATCH` and `DELETE` handlers, documented for OpenAPI.
/// The caller imports actix-web's `post`, `patch` and `delete` attributes, which utoipa
/// recognizes only by those names.
#[macro_export]
macro_rules! write_routes {
    (
        $resource:ty, input: $input:ty, view: $view:ty, tag: $tag:literal,
        create: ($create:ident, $create_path:literal, $create_summary:literal),
        update: ($update:ident, $item_path:literal, $update_summary:literal),
        delete: ($delete:ident, $delete_summary:literal, $delete_note:literal),
        key: ($param:literal, $key_description:literal) $(,)?
    ) => {
        /// Creates a record.
        #[utoipa::path(
            tag = $tag,
            summary = $create_summary,
            description = "Needs an `editor` key. With `Idempotency-Key`, a retry returns the first response. A body with several faults is refused with every one of them named.",
            request_body = $input,
            security(("api_key" = [])),
            params($crate::routes::query::ItemDoc, $crate::routes::query::IdempotencyKey),
            responses((status = 201, description = "Created", body = $view,
                headers(("ETag" = String, description = "The new record's entity tag: the one a GET of its Location returns"), ("Location" = String, description = "The new record's URL"))))
        )]
        #[post($create_path)]
        pub async fn $create(
            req: actix_web::HttpRequest,
            db: actix_web::web::Data<sea_orm::DatabaseConnection>,
            editor: $crate::routes::auth::Editor,
            body: $crate::routes::body::JsonBody,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::routes::writes::create::<$resource>(&req, &db, &editor.0, body.0).await
        }

        /// Changes a record with a JSON merge patch.
        #[utoipa::path(
            tag = $tag,
            summary = $update_summary,
            description = "A JSON merge patch (RFC 7396) of the create body's fields; `null` removes an optional field. Needs an `editor` key and `If-Match` with the current ETag (or `*`). A patch that changes nothing writes nothing.",
            request_body(content = serde_json::Value, content_type = "application/merge-patch+json", description = "The fields to change"),
            security(("api_key" = [])),
            params(($param = String, Path, description = $key_description), $crate::routes::query::ItemDoc, $crate::routes::query::IfMatch),
            responses((status = 200, description = "Changed", body = $view, headers(("ETag" = String, description = "The changed record's entity tag: the one a GET of the same URL returns"))))
        )]
        #[patch($item_path)]
        pub async fn $update(
            req: actix_web::HttpRequest,
            db: actix_web::web::Data<sea_orm::DatabaseConnection>,
            editor: $crate::routes::auth::Editor,
            key: actix_web::web::Path<String>,
            body: $crate::routes::body::JsonBody,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::routes::writes::update::<$resource>(&req, &db, &editor.0, &key, body.0).await
        }

        /// Deletes a record.
        #[utoipa::path(
            tag = $tag,
            summary = $delete_summary,
            description = $delete_note,
            security(("api_key" = [])),
            params(($param = String, Path, description = $key_description), $crate::routes::query::IfMatch),
            responses((status = 204, description = "Deleted"))
        )]
        #[delete($item_path)]
        pub async fn $delete(
            req: actix_web::HttpRequest,
            db: actix_web::web::Data<sea_orm::DatabaseConnection>,
            editor: $crate::routes::auth::Editor,
            key: actix_web::web::Path<String>,
        ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
            $crate::routes::writes::delete::<$resource>(&req, &db, &editor.0, &key).await
        }
    };
}
