//! HTTP for writes and versioned records: strong ETags, `If-None-Match` (304),
//! `If-Match` (412, 428), `Idempotency-Key`, and the responses of creates.

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

use crate::{
    domain::lang::{self, Lang},
    error::ApiError,
    services::{
        freshness::DataVersion,
        idempotency::{self, Claimed, Stored},
        keys::Principal,
        writes::WriteError,
    },
};

/// The strong ETag of a record's representation: its version, then a digest of the
/// bytes, so it changes with the record and differs between languages.
pub fn etag(version: i32, body: &[u8]) -> String {
    let digest = hex::encode(Sha256::digest(body));
    format!("\"{version}-{}\"", &digest[..16])
}

/// The version an entity tag names, if it is one of ours.
fn version_in(tag: &str) -> Option<i32> {
    tag.trim()
        .strip_prefix('"')?
        .split('-')
        .next()?
        .parse()
        .ok()
}

fn serialize<T: serde::Serialize>(view: &T) -> Result<Vec<u8>, ApiError> {
    lang::to_json(view).map_err(|err| {
        anyhow::Error::new(err)
            .context("failed to serialize a response")
            .into()
    })
}

/// The digest of the representation of `resource` `key` in `lang` while the data version
/// is `data_version` (and this build is running): equal digests, equal representations.
fn representation_digest(
    resource: &str,
    key: &str,
    lang: Option<Lang>,
    data_version: i64,
) -> String {
    super::caching::short_digest(&[
        env!("CARGO_PKG_VERSION").as_bytes(),
        resource.as_bytes(),
        key.as_bytes(),
        lang.map_or("both", |lang| lang.tag()).as_bytes(),
        &data_version.to_le_bytes(),
    ])
}

/// The `If-None-Match` tag that ends in `digest`, if the request sends one.
fn matching_tag<'a>(req: &'a HttpRequest, digest: &str) -> Option<&'a str> {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .find(|tag| {
            tag.strip_suffix('"')
                .and_then(|tag| tag.rsplit_once('-'))
                .is_some_and(|(_, tail)| tail == digest)
        })
}

/// A record's 200 with the ETag `tag`, or a 304 when `If-None-Match` already names it.
fn representation(req: &HttpRequest, lang: Option<Lang>, tag: &str, body: Vec<u8>) -> HttpResponse {
    let not_modified = if_none_match(req, tag);
    let mut response = match not_modified {
        true => HttpResponse::NotModified(),
        false => HttpResponse::Ok(),
    };
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
    match not_modified {
        true => response.finish(),
        false => response
            .content_type(header::ContentType::json())
            .body(body),
    }
}

fn if_none_match(req: &HttpRequest, tag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|candidate| candidate.trim().trim_start_matches("W/"))
        .any(|candidate| candidate == "*" || candidate == tag)
}

/// Whether `If-Match` names the record's current `version` (or is `*`); 428 without it.
pub fn if_match(req: &HttpRequest, version: i32) -> Result<bool, ApiError> {
    let values: Vec<&str> = req
        .headers()
        .get_all(header::IF_MATCH)
        .filter_map(|value| value.to_str().ok())
        .collect();
    if values.is_empty() {
        return Err(ApiError::PreconditionRequired);
    }
    Ok(values
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || (!tag.starts_with("W/") && version_in(tag) == Some(version))))
}

/// The 412 for a record now at `version`.
pub fn precondition_failed<T: serde::Serialize>(
    version: i32,
    current: &T,
) -> Result<ApiError, ApiError> {
    Ok(ApiError::PreconditionFailed {
        current: etag(version, &serialize(current)?),
    })
}

/// A 201 with the new record, its ETag and its `Location`.
pub fn created<T: serde::Serialize>(
    version: i32,
    view: &T,
    location: String,
) -> Result<Stored, ApiError> {
    let body = serialize(view)?;
    Ok(Stored {
        status: 201,
        etag: Some(etag(version, &body)),
        body: String::from_utf8(body).unwrap_or_default(),
        location: Some(location),
    })
}

/// A 200 with a changed record and its ETag.
pub fn changed<T: serde::Serialize>(version: i32, view: &T) -> Result<HttpResponse, ApiError> {
    let body = serialize(view)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(version, &body)))
        .content_type(header::ContentType::json())
        .body(body))
}

fn respond(stored: Stored, replayed: bool) -> HttpResponse {
    let mut response =
        HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    response.content_type(header::ContentType::json());
    if let Some(tag) = &stored.etag {
        response.insert_header((header::ETAG, tag.as_str()));
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
    let Some(key) = req.headers().get("idempotency-key") else {
        return Ok(respond(create().await?, false));
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
        Claimed::Replay(stored) => Ok(respond(stored, true)),
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
                Ok(respond(stored, false))
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
            WriteError::Stale => ApiError::PreconditionFailed {
                current: "\"stale\"".into(),
            },
            WriteError::Db(err) => err.into(),
        }
    }
}

/// A resource that can be created, changed and deleted through the API.
pub trait Editable {
    /// Its table.
    type Entity: sea_orm::EntityTrait<Model = Self::Model>;
    /// A row.
    type Model: sea_orm::ModelTrait<Entity = Self::Entity>
        + sea_orm::IntoActiveModel<<Self::Entity as sea_orm::EntityTrait>::ActiveModel>
        + Clone
        + Send
        + Sync;
    /// A row with what its view needs.
    type Loaded;
    /// The request body of a create, and what a merge patch applies to.
    type Input: serde::Serialize + serde::de::DeserializeOwned;
    /// The response.
    type View: serde::Serialize;

    /// Plural, as in URLs and revisions (`companies`).
    const RESOURCE: &'static str;
    /// Singular, for messages (`company`).
    const SINGULAR: &'static str;
    /// The columns of other tables that cite a record: it cannot be deleted while they do.
    const CITED_BY: &'static [(&'static str, &'static str, &'static str)];

    /// Loads the record with this URL key.
    fn load(
        db: &sea_orm::DatabaseConnection,
        key: &str,
    ) -> impl Future<Output = Result<Option<Self::Loaded>, sea_orm::DbErr>>;
    /// The loaded row.
    fn model(loaded: &Self::Loaded) -> &Self::Model;
    /// Its claim parts, for claims.
    fn children(_loaded: &Self::Loaded) -> Option<crate::services::claims::Children> {
        None
    }
    /// The claim parts a revision's picture records, for claims.
    fn children_of_picture(
        _picture: &serde_json::Value,
    ) -> Option<crate::services::claims::Children> {
        None
    }
    /// Its URL key.
    fn url_key(model: &Self::Model) -> String;
    /// Its view, in `lang` (both languages without one).
    fn view(loaded: Self::Loaded, lang: Option<Lang>) -> Result<Self::View, ApiError>;
    /// The input that would recreate it as it is.
    fn input_of(loaded: &Self::Loaded) -> Self::Input;
    /// Validates an input into a row (and claim parts), for a new or an existing record.
    fn prepare(
        db: &sea_orm::DatabaseConnection,
        input: Self::Input,
        existing: Option<&Self::Loaded>,
    ) -> impl Future<Output = Result<(Self::Model, Option<crate::services::claims::Children>), WriteError>>;
}

/// A claim's parts before and after a change, when there are both.
fn pair<'a>(
    old: &'a Option<crate::services::claims::Children>,
    new: &'a Option<crate::services::claims::Children>,
) -> Option<(
    &'a crate::services::claims::Children,
    &'a crate::services::claims::Children,
)> {
    old.as_ref().zip(new.as_ref())
}

fn version<R: Editable>(loaded: &R::Loaded) -> i32 {
    crate::services::records::version_of::<R::Entity>(R::model(loaded))
}

async fn load<R: Editable>(
    db: &sea_orm::DatabaseConnection,
    key: &str,
) -> Result<R::Loaded, ApiError> {
    R::load(db, key).await?.ok_or_else(|| ApiError::NotFound {
        resource: R::SINGULAR,
        id: key.to_owned(),
    })
}

/// `GET`: the record, with its ETag, or 304.
pub async fn get<R: Editable>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    key: &str,
    lang: Option<Lang>,
) -> Result<HttpResponse, ApiError> {
    // The data version is read before the record: a change committed after it moves it,
    // so a tag built on it never outlives the data it describes.
    let digest = match req.app_data::<web::Data<DataVersion>>() {
        Some(data_version) => Some(representation_digest(
            R::RESOURCE,
            key,
            lang,
            data_version.current(db).await?,
        )),
        None => None,
    };
    if let Some(tag) = digest
        .as_deref()
        .and_then(|digest| matching_tag(req, digest))
    {
        // Nothing has changed since this tag was made: 304 without loading the record.
        return Ok(representation(req, lang, tag, Vec::new()));
    }
    // Boxed: loading a record is a future of many kilobytes, which a 304 never runs and
    // should not carry (or copy) in its own.
    let loaded = Box::pin(load::<R>(db, key)).await?;
    let version = version::<R>(&loaded);
    let body = serialize(&R::view(loaded, lang)?)?;
    let tag = match digest {
        Some(digest) => format!("\"{version}-{digest}\""),
        None => etag(version, &body),
    };
    Ok(representation(req, lang, &tag, body))
}

/// The error for a write that lost a race: 412 with the current ETag, or 404 when gone.
async fn lost_race<R: Editable>(db: &sea_orm::DatabaseConnection, key: &str) -> ApiError {
    let current = async {
        let loaded = load::<R>(db, key).await?;
        let version = version::<R>(&loaded);
        precondition_failed(version, &R::view(loaded, None)?)
    };
    current.await.unwrap_or_else(|err| err)
}

async fn check_if_match<R: Editable>(
    req: &HttpRequest,
    loaded: &R::Loaded,
    db: &sea_orm::DatabaseConnection,
) -> Result<(), ApiError> {
    match if_match(req, version::<R>(loaded))? {
        true => Ok(()),
        false => Err(lost_race::<R>(db, &R::url_key(R::model(loaded))).await),
    }
}

/// `POST`: validates and creates the record, once per `Idempotency-Key`.
pub async fn create<R: Editable>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    body: serde_json::Value,
) -> Result<HttpResponse, ApiError>
where
    <R::Entity as sea_orm::EntityTrait>::ActiveModel:
        sea_orm::ActiveModelTrait<Entity = R::Entity> + Send,
{
    let parsed: R::Input = super::body::input(body.clone())?;
    idempotent(req, db, principal, &body, || async {
        let (model, children) = R::prepare(db, parsed, None).await?;
        let key = R::url_key(&model);
        crate::services::writes::create::<R::Entity>(
            db,
            R::RESOURCE,
            model,
            children.as_ref(),
            &principal.actor(),
        )
        .await?;
        let loaded = load::<R>(db, &key).await?;
        let version = version::<R>(&loaded);
        created(
            version,
            &R::view(loaded, None)?,
            format!("/v1/{}/{key}", R::RESOURCE),
        )
    })
    .await
}

/// `PATCH`: applies a JSON merge patch to the record's input, validates, and saves it if
/// `If-Match` names the current version.
pub async fn update<R: Editable>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    key: &str,
    patch: serde_json::Value,
) -> Result<HttpResponse, ApiError>
where
    <R::Entity as sea_orm::EntityTrait>::ActiveModel:
        sea_orm::ActiveModelTrait<Entity = R::Entity> + Send,
{
    edit::<R>(req, db, principal, key, true, |input| {
        json_patch::merge(input, &patch);
        Ok(())
    })
    .await
}

/// Changes the record's input with `change`, validates, and saves it. `If-Match` is
/// required when `needs_if_match`, and checked whenever it is sent.
pub async fn edit<R: Editable>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    key: &str,
    needs_if_match: bool,
    change: impl FnOnce(&mut serde_json::Value) -> Result<(), ApiError>,
) -> Result<HttpResponse, ApiError>
where
    <R::Entity as sea_orm::EntityTrait>::ActiveModel:
        sea_orm::ActiveModelTrait<Entity = R::Entity> + Send,
{
    let before = load::<R>(db, key).await?;
    if needs_if_match || req.headers().contains_key(header::IF_MATCH) {
        check_if_match::<R>(req, &before, db).await?;
    }
    let mut input = serde_json::to_value(R::input_of(&before)).map_err(anyhow::Error::new)?;
    change(&mut input)?;
    let (after, children) = R::prepare(db, super::body::input(input)?, Some(&before)).await?;
    save::<R>(db, principal, key, &before, after, children).await
}

/// Replaces `before` by `after` (and its claim parts), then answers with the changed
/// record; 412 with the current ETag when another writer got there first.
async fn save<R: Editable>(
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    key: &str,
    before: &R::Loaded,
    after: R::Model,
    children: Option<crate::services::claims::Children>,
) -> Result<HttpResponse, ApiError>
where
    <R::Entity as sea_orm::EntityTrait>::ActiveModel:
        sea_orm::ActiveModelTrait<Entity = R::Entity> + Send,
{
    let old_children = R::children(before);
    let pair = pair(&old_children, &children);
    match crate::services::writes::update::<R::Entity>(
        db,
        R::RESOURCE,
        R::model(before),
        pair,
        after,
        &principal.actor(),
    )
    .await
    {
        Ok(updated) => respond_changed::<R>(db, &R::url_key(&updated)).await,
        Err(WriteError::Stale) => Err(lost_race::<R>(db, key).await),
        Err(err) => Err(err.into()),
    }
}

/// A 200 with the record at `key` as it now is, and its ETag.
async fn respond_changed<R: Editable>(
    db: &sea_orm::DatabaseConnection,
    key: &str,
) -> Result<HttpResponse, ApiError> {
    let loaded = load::<R>(db, key).await?;
    let version = version::<R>(&loaded);
    changed(version, &R::view(loaded, None)?)
}

/// The id of the record `key` names, whether it exists or was deleted (then found through
/// its revisions).
pub async fn record_id<R: Editable>(
    db: &sea_orm::DatabaseConnection,
    key: &str,
) -> Result<uuid::Uuid, ApiError> {
    use crate::services::{records, revisions};
    match R::load(db, key).await? {
        Some(loaded) => Ok(records::id_of::<R::Entity>(R::model(&loaded))),
        None => revisions::record_id_by_key(db, R::RESOURCE, key)
            .await?
            .ok_or_else(|| ApiError::NotFound {
                resource: R::SINGULAR,
                id: key.to_owned(),
            }),
    }
}

/// `DELETE`: deletes the record if `If-Match` names the current version and nothing cites it.
pub async fn delete<R: Editable>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    key: &str,
) -> Result<HttpResponse, ApiError> {
    let before = load::<R>(db, key).await?;
    check_if_match::<R>(req, &before, db).await?;
    let id = crate::services::records::id_of::<R::Entity>(R::model(&before));
    crate::services::writes::ensure_unreferenced(db, id.into(), R::CITED_BY).await?;
    let children = R::children(&before);
    match crate::services::writes::delete::<R::Entity>(
        db,
        R::RESOURCE,
        R::model(&before),
        children.as_ref(),
        &principal.actor(),
    )
    .await
    {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(WriteError::Stale) => Err(lost_race::<R>(db, key).await),
        Err(err) => Err(err.into()),
    }
}

/// `POST …/revisions/{rev}/restore`: puts the record back as revision `rev` left it (as it
/// was before, for a deletion), recreating it if it was deleted. Itself a new revision.
/// `If-Match` is checked when sent.
pub async fn restore<R: Editable>(
    req: &HttpRequest,
    db: &sea_orm::DatabaseConnection,
    principal: &Principal,
    key: &str,
    revision_id: uuid::Uuid,
) -> Result<HttpResponse, ApiError>
where
    <R::Entity as sea_orm::EntityTrait>::ActiveModel:
        sea_orm::ActiveModelTrait<Entity = R::Entity> + sea_orm::TryIntoModel<R::Model> + Send,
{
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
    let picture = revision
        .after
        .as_ref()
        .or(revision.before.as_ref())
        .ok_or_else(not_found)?;
    let restored =
        revisions::from_picture::<R::Entity>(picture).ok_or_else(|| ApiError::Conflict {
            field: "revision".into(),
            message: "this revision was recorded under an older schema and cannot be restored"
                .into(),
        })?;
    let children = R::children_of_picture(picture);
    match R::load(db, key).await? {
        Some(before) => {
            if req.headers().contains_key(header::IF_MATCH) {
                check_if_match::<R>(req, &before, db).await?;
            }
            save::<R>(db, principal, key, &before, restored, children).await
        }
        None => {
            let saved_key = R::url_key(&restored);
            crate::services::writes::create::<R::Entity>(
                db,
                R::RESOURCE,
                restored,
                children.as_ref(),
                &principal.actor(),
            )
            .await?;
            respond_changed::<R>(db, &saved_key).await
        }
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
            description = "Needs an `editor` key. With `Idempotency-Key`, a retry returns the first response.",
            request_body = $input,
            security(("api_key" = [])),
            params($crate::routes::query::IdempotencyKey),
            responses((status = 201, description = "Created", body = $view,
                headers(("ETag" = String, description = "The new record's entity tag"), ("Location" = String, description = "The new record's URL"))))
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
            description = "A JSON merge patch (RFC 7396) of the create body's fields; `null` removes an optional field. Needs an `editor` key and `If-Match` with the current ETag.",
            request_body(content = serde_json::Value, content_type = "application/merge-patch+json", description = "The fields to change"),
            security(("api_key" = [])),
            params(($param = String, Path, description = $key_description), $crate::routes::query::IfMatch),
            responses((status = 200, description = "Changed", body = $view, headers(("ETag" = String, description = "The changed record's entity tag"))))
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
