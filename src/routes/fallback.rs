//! What answers when no route matches: a 405 naming the allowed methods when the path
//! exists, a 404 otherwise; and problem bodies for errors raised outside the handlers.

use actix_web::{
    HttpRequest,
    body::{BoxBody, MessageBody},
    dev::{ResourceDef, ServiceResponse},
    http::header,
    middleware::ErrorHandlerResponse,
    web,
};

use crate::error::{ApiError, PROBLEM_JSON, ProblemDetails, problem_response};

/// Every documented path with the methods it accepts.
pub struct RouteTable(Vec<(ResourceDef, Vec<String>)>);

impl RouteTable {
    /// The table of the paths and methods in `openapi`.
    pub fn from_openapi(openapi: &utoipa::openapi::OpenApi) -> Self {
        let routes = openapi
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<String> = Vec::new();
                let operations = [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ];
                for (method, operation) in operations {
                    if operation.is_some() {
                        methods.push(method.to_owned());
                    }
                    // Every GET answers HEAD too (see `security::head_as_get`).
                    if method == "GET" && operation.is_some() {
                        methods.push("HEAD".to_owned());
                    }
                }
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self(routes)
    }
}

/// The default service: 405 with `Allow` when the path exists, else 404.
pub async fn not_found(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let path = req.path();
    Err(match routes.0.iter().find(|(def, _)| def.is_match(path)) {
        Some((_, methods)) => ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            allowed: methods.join(", "),
        },
        None => ApiError::NoRoute(path.chars().take(200).collect()),
    })
}

/// Replaces any error response that is not already a problem (actix-web's own, for
/// instance) with a problem body of the same status.
pub fn problem_for_error<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == PROBLEM_JSON.as_bytes());
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = res
        .response()
        .error()
        .map(|err| err.to_string())
        .filter(|_| status.is_client_error())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned());
    let problem = ProblemDetails {
        kind: "about:blank".to_owned(),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors: None,
    };
    let (req, old) = res.into_parts();
    let mut builder = actix_web::HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    let response: actix_web::HttpResponse<BoxBody> = problem_response(&mut builder, &problem);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body::<B>(),
    ))
}
