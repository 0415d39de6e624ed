//! Every error the API answers with, as RFC 9457 `application/problem+json`.

use actix_web::{HttpResponse, ResponseError, http::StatusCode, http::header};
use sea_orm::DbErr;
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One field or parameter that failed validation.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(example = json!({"field": "limit", "message": "must be an integer from 1 to 200"}))]
pub struct FieldError {
    /// The query parameter, path segment or body field at fault.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An RFC 9457 problem details object.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "about:blank",
    "title": "Bad Request",
    "status": 400,
    "detail": "invalid query parameter `limit`: must be an integer from 1 to 200",
    "errors": [{"field": "limit", "message": "must be an integer from 1 to 200"}]
}))]
pub struct ProblemDetails {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's reason phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for a person to read.
    pub detail: String,
    /// For validation failures: each field or parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// The errors a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: a malformed path, query or body.
    #[error("{0}")]
    BadRequest(String),
    /// 400: one query parameter has a bad value.
    #[error("invalid query parameter `{name}`: {message}")]
    InvalidParameter {
        /// The parameter's name.
        name: String,
        /// What is wrong with its value.
        message: String,
    },
    /// 404: no record under that key.
    #[error("{resource} `{id}` not found")]
    NotFound {
        /// The kind of record, singular.
        resource: &'static str,
        /// The key that was looked up.
        id: String,
    },
    /// 404: no route at that path.
    #[error("no resource at `{0}`")]
    NoRoute(String),
    /// 405: the path exists but not with that method.
    #[error("method {method} is not allowed here; allowed: {allowed}")]
    MethodNotAllowed {
        /// The method the client used.
        method: String,
        /// The methods the path accepts, comma-separated.
        allowed: String,
    },
    /// 401: no key, or not a live one.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: the key's role may not do this.
    #[error("this API key's role may not do this; it needs the `{0}` role")]
    Forbidden(&'static str),
    /// 415: a body in a media type the endpoint does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the body parsed but its values are not acceptable.
    #[error("validation failed: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Validation(Vec<FieldError>),
    /// 409: the change conflicts with other records.
    #[error("{message}")]
    Conflict {
        /// The field at the heart of the conflict.
        field: String,
        /// What conflicts.
        message: String,
    },
    /// 412: `If-Match` does not name the current version.
    #[error("the record has changed since it was read; fetch it again (current ETag {current})")]
    PreconditionFailed {
        /// The current version's ETag.
        current: String,
    },
    /// 428: a change that needs `If-Match` came without it.
    #[error("this change needs an If-Match header with the record's current ETag")]
    PreconditionRequired,
    /// 404: a claim whose verdict cannot be published as a ClaimReview.
    #[error(
        "this claim's verdict is `{0}`: only supported, partly supported, disputed, unsupported and false claims have a ClaimReview"
    )]
    NoReview(String),
    /// 429: the client used up its rate limit.
    #[error("too many requests: the limit is {limit} a minute; retry in {retry_after_secs} s")]
    TooManyRequests {
        /// When the next request will be let through.
        retry_after_secs: u64,
        /// Requests a minute allowed.
        limit: u32,
    },
    /// 503: the database cannot be reached right now.
    #[error("the database is unavailable; try again shortly")]
    Unavailable,
    /// 504: the request, or one of its database statements, ran out of time.
    #[error("the request took too long and was abandoned; try again shortly")]
    Timeout,
    /// 414: the query string is over the configured limit.
    #[error("the query string is {0} bytes long; the limit is {1}")]
    QueryTooLong(usize, usize),
    /// 431: the headers are over the configured limit.
    #[error("the request headers take {0} bytes; the limit is {1}")]
    HeadersTooLarge(usize, usize),
    /// 500: anything else. Its cause is logged, never sent.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl ApiError {
    /// A 422 naming one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// A 400 naming the query parameter at fault.
    pub fn parameter(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidParameter {
            name: name.into(),
            message: message.into(),
        }
    }

    fn problem(&self) -> ProblemDetails {
        let status = self.status_code();
        let detail = match self {
            Self::Unexpected(_) => "Internal Server Error".to_owned(),
            other => other.to_string(),
        };
        let errors = match self {
            Self::InvalidParameter { name, message } => Some(vec![FieldError {
                field: name.clone(),
                message: message.clone(),
            }]),
            Self::Validation(errors) => Some(errors.clone()),
            Self::Conflict { field, message } => Some(vec![FieldError {
                field: field.clone(),
                message: message.clone(),
            }]),
            _ => None,
        };
        ProblemDetails {
            kind: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound { .. } | Self::NoRoute(_) | Self::NoReview(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Timeout => StatusCode::GATEWAY_TIMEOUT,
            Self::QueryTooLong(..) => StatusCode::URI_TOO_LONG,
            Self::HeadersTooLarge(..) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Unexpected(err) => tracing::error!(error = ?err, "request failed: {err:#}"),
            Self::Unavailable => tracing::warn!("request failed: database unavailable"),
            Self::Timeout => tracing::warn!("request failed: out of time"),
            other => tracing::debug!(status = %other.status_code(), "request rejected: {other}"),
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            Self::MethodNotAllowed { allowed, .. } => {
                response.insert_header((header::ALLOW, allowed.as_str()));
            }
            Self::Unavailable | Self::Timeout => {
                response.insert_header((header::RETRY_AFTER, "2"));
            }
            Self::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"mizan\""));
            }
            Self::PreconditionFailed { current } => {
                response.insert_header((header::ETAG, current.as_str()));
            }
            Self::TooManyRequests {
                retry_after_secs,
                limit,
            } => {
                response
                    .insert_header((header::RETRY_AFTER, retry_after_secs.to_string()))
                    .insert_header(("RateLimit-Limit", limit.to_string()))
                    .insert_header(("RateLimit-Remaining", "0"))
                    .insert_header(("RateLimit-Reset", retry_after_secs.to_string()))
                    .insert_header(("RateLimit-Policy", format!("{limit};w=60")));
            }
            _ => {}
        }
        problem_response(&mut response, &self.problem())
    }
}

/// Writes `problem` as the body of `response`.
pub fn problem_response(
    response: &mut actix_web::HttpResponseBuilder,
    problem: &ProblemDetails,
) -> HttpResponse {
    // The security headers too: a problem raised outside the middleware that adds them
    // (a request out of time) still carries them.
    response
        .content_type(PROBLEM_JSON)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            crate::routes::security::API_POLICY,
        ))
        .body(serde_json::to_vec(problem).unwrap_or_default())
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            return Self::Unavailable;
        }
        if is_timeout(&err) {
            return Self::Timeout;
        }
        Self::Unexpected(anyhow::Error::new(err).context("database query failed"))
    }
}

/// Whether `err` is PostgreSQL cancelling a statement that ran past `statement_timeout`.
pub fn is_timeout(err: &DbErr) -> bool {
    match err {
        DbErr::Exec(sea_orm::RuntimeErr::SqlxError(sqlx))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(sqlx)) => matches!(
            sqlx.as_ref(),
            sea_orm::sqlx::Error::Database(db) if db.code().as_deref() == Some("57014")
        ),
        _ => false,
    }
}

/// Whether `err` means the database could not be reached, rather than a bad query.
pub fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(sea_orm::RuntimeErr::SqlxError(sqlx))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(sqlx)) => {
            use sea_orm::sqlx::Error as SqlxError;
            match sqlx.as_ref() {
                SqlxError::Io(_)
                | SqlxError::PoolTimedOut
                | SqlxError::PoolClosed
                | SqlxError::WorkerCrashed
                | SqlxError::Tls(_) => true,
                SqlxError::Database(db) => match db.code().as_deref() {
                    // SQLite's "database is busy" (5) and "locked" (6): another writer holds it.
                    Some("5" | "6" | "517") => true,
                    // PostgreSQL shutting down, crashed or still starting (57P01-57P03), or
                    // any connection exception (class 08).
                    Some(code) => code.starts_with("57P") || code.starts_with("08"),
                    None => false,
                },
                _ => false,
            }
        }
        _ => false,
    }
}

/// Error handlers for actix-web's extractors, so malformed input gets a problem body too.
pub mod extractors {
    use actix_web::{
        HttpRequest,
        error::{JsonPayloadError, PathError, QueryPayloadError},
    };

    use super::ApiError;

    /// For `web::QueryConfig`.
    pub fn query(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
        let message = match &err {
            QueryPayloadError::Deserialize(inner) => inner.to_string(),
            other => other.to_string(),
        };
        match unknown_or_duplicate(&message) {
            Some(name) => ApiError::parameter(name.to_owned(), message.clone()).into(),
            None => ApiError::BadRequest(format!("invalid query string: {message}")).into(),
        }
    }

    /// For `web::PathConfig`.
    pub fn path(err: PathError, _req: &HttpRequest) -> actix_web::Error {
        ApiError::BadRequest(format!("invalid path: {err}")).into()
    }

    /// For `web::JsonConfig`.
    pub fn json(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
        ApiError::BadRequest(format!("invalid JSON body: {err}")).into()
    }

    /// The parameter an "unknown field `x`" or "duplicate field `x`" message names.
    fn unknown_or_duplicate(message: &str) -> Option<&str> {
        let rest = message
            .strip_prefix("unknown field `")
            .or_else(|| message.strip_prefix("duplicate field `"))?;
        rest.split('`').next()
    }
}
