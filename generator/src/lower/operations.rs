//! Paths and operations: one [`Operation`] per operation, with its parameters, bodies and the
//! checks its parameters get; and the examples of its bodies.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::case;
use openapiv3::{
    MediaType, OpenAPI, Operation as SpecOperation, Parameter as SpecParameter, ParameterData,
    ParameterSchemaOrContent, ReferenceOr,
};

use super::bodies::{self, MediaKind};
use super::naming::{self, NameAllocator};
use super::patterns::{PatternKind, PatternKinds};
use super::schemas::TypeLowering;
use super::shape::Shape;
use crate::error::Problem;
use crate::ir::{
    BodyKind, Example, Operation, Parameter, ParameterLocation, Pattern, Payload, Representation,
    RequestBody, TypeRef,
};
use crate::resolve::{SchemaResolver, pointer_join};

/// Query parameters the client never sends: `envelope` changes the shape of every response,
/// and `pretty` only changes its whitespace.
const HIDDEN_QUERY_PARAMETERS: &[&str] = &["envelope", "pretty"];

/// Header parameters OpenAPI says are ignored: the client sets these headers itself.
const CLIENT_HEADERS: &[&str] = &["Accept", "Content-Type", "Authorization"];

/// Words that mark a header or cookie parameter as a credential, its value a secret.
const CREDENTIAL_WORDS: &[&str] = &[
    "token",
    "apikey",
    "api-key",
    "api_key",
    "secret",
    "password",
    "passwd",
    "authorization",
    "credential",
    "session",
    "signature",
];

/// Whether `name` is an HTTP token (RFC 9110), as header and cookie names must be.
fn is_http_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether a header or cookie parameter is named like a credential (`X-Api-Key`,
/// `X-Auth-Token`, `session`).
fn is_credential_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    CREDENTIAL_WORDS.iter().any(|word| lower.contains(word))
}

/// Client methods that operations must not shadow.
const RESERVED_METHODS: &[&str] = &[
    "builder",
    "base_url",
    "clone",
    "send_json",
    "send_empty",
    "execute",
    // The runtime's own `impl Client` (`request` is public, the rest crate-private).
    "request",
    "unknown_fields",
    "max_pages",
    "send_stream",
    "deadline",
    "respond",
    "respond_until",
    "attempts",
    "error_response",
];

/// The modules `operations/mod.rs` takes from the crate root: a tag's module may not have their
/// name (OpenAI's tag `Models` is the module `models_tag`).
const RESERVED_MODULES: &[&str] = &["models", "request", "response", "validation"];

/// Walks every operation: builds its [`Operation`], defines the types its parameters and bodies
/// need, and collects examples.
pub struct OperationLowering<'a, 'l> {
    resolver: SchemaResolver<'a>,
    types: &'l mut TypeLowering<'a>,
    examples: Vec<Example>,
    operations: Vec<Operation>,
    patterns: Vec<Pattern>,
    pattern_names: NameAllocator,
    /// What each pattern turned out to be, worked out once.
    pattern_kinds: PatternKinds,
    /// Example names, unique: each is a file name.
    example_names: NameAllocator,
    /// How often each model is the body of an error response.
    error_models: BTreeMap<String, usize>,
    /// Pointers of shared media types already visited (a component response used by many
    /// operations contributes its examples once).
    visited: HashSet<String>,
    approximations: Vec<Problem>,
}

/// What lowering the operations produced.
pub struct LoweredOperations {
    pub operations: Vec<Operation>,
    pub examples: Vec<Example>,
    pub patterns: Vec<Pattern>,
    pub error_model: Option<String>,
    pub approximations: Vec<Problem>,
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

impl<'a, 'l> OperationLowering<'a, 'l> {
    pub fn new(
        resolver: SchemaResolver<'a>,
        types: &'l mut TypeLowering<'a>,
        pattern_kinds: PatternKinds,
    ) -> Self {
        Self {
            resolver,
            types,
            examples: Vec::new(),
            operations: Vec::new(),
            patterns: Vec::new(),
            pattern_kinds,
            pattern_names: NameAllocator::default(),
            example_names: NameAllocator::default(),
            error_models: BTreeMap::new(),
            visited: HashSet::new(),
            approximations: Vec::new(),
        }
    }

    pub fn finish(self) -> LoweredOperations {
        // The model most error responses use is the API's error model.
        let error_model = self
            .error_models
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(name, _)| name.clone());
        LoweredOperations {
            operations: self.operations,
            examples: self.examples,
            patterns: self.patterns,
            error_model,
            approximations: self.approximations,
        }
    }

    pub fn lower_paths(&mut self) {
        let document: &'a OpenAPI = self.resolver.document();
        let mut operation_ids: HashMap<&'a str, String> = HashMap::new();
        let mut method_names = NameAllocator::with_reserved(RESERVED_METHODS.iter().copied());
        let mut builder_names = NameAllocator::default();
        let mut found = Vec::new();
        for (path, item) in document.paths.iter() {
            let item_at = pointer_join("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.types.error(Problem::new(
                        item_at,
                        format!("path item $ref {reference:?} is not supported; write the operations inline"),
                    ));
                    continue;
                }
            };
            for (method, operation) in item.iter() {
                found.push((path, item, method, operation, format!("{item_at}/{method}")));
            }
        }
        // Names: each operationId's first, so that an operation without one never takes the
        // name of one that has it; then, in spec order, those made from the method and path
        // (`naming::operation_name`), a name already taken getting `_2`, `_3`, ... The id of
        // such an operation (`testing::Operation::id`, the `tracing` span) is its method name.
        let mut names: Vec<Option<(String, String, String)>> = vec![None; found.len()];
        for (i, (_, _, _, operation, at)) in found.iter().enumerate() {
            let Some(id) = operation.operation_id.as_deref() else {
                continue;
            };
            if let Some(first) = operation_ids.insert(id, at.clone()) {
                self.types.error(Problem::new(
                    format!("{at}/operationId"),
                    format!("duplicate operationId {id:?}: also used at {first}"),
                ));
                continue;
            }
            let method_name = method_names.claim_snake(&naming::field_name(id));
            let builder_name = builder_names.claim(&naming::type_name(&case::upper_camel(id)));
            names[i] = Some((id.to_string(), method_name, builder_name));
        }
        for (i, (path, _, method, operation, _)) in found.iter().enumerate() {
            if operation.operation_id.is_none() {
                let method_name = method_names.claim_snake(&naming::operation_name(method, path));
                let builder_name =
                    builder_names.claim(&naming::type_name(&case::upper_camel(&method_name)));
                names[i] = Some((method_name.clone(), method_name, builder_name));
            }
        }
        for ((path, item, method, operation, at), names) in found.into_iter().zip(names) {
            let Some((id, method_name, builder_name)) = names else {
                continue;
            };
            let lowered = self.operation(
                path,
                method,
                &item.parameters,
                operation,
                &at,
                &id,
                method_name,
                builder_name,
            );
            self.operations.push(lowered);
        }
        self.schema_examples();
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: &str,
        shared_parameters: &'a [ReferenceOr<SpecParameter>],
        operation: &'a SpecOperation,
        at: &str,
        id: &str,
        method_name: String,
        builder_name: String,
    ) -> Operation {
        let item_at = at.rsplit_once('/').map_or(at, |(item, _)| item);
        let parameters = self.parameters(
            shared_parameters,
            item_at,
            operation,
            at,
            &builder_name,
            path,
        );
        let body = operation.request_body.as_ref().and_then(|body| {
            let at = format!("{at}/requestBody");
            self.request_body(body, &at, &builder_name, id, &parameters)
        });
        let (response, accept, alternatives, error_statuses) =
            self.responses(operation, at, &builder_name, id);
        Operation {
            id: id.to_string(),
            method: method.to_uppercase(),
            path: path.to_string(),
            tags: operation.tags.clone(),
            deprecated: operation.deprecated,
            deprecation_note: operation.deprecated.then(|| deprecation_note(operation)),
            method_name,
            builder_name,
            module: operation.tags.first().map_or_else(
                || "untagged".to_string(),
                |tag| {
                    let module = naming::module_name(&naming::type_name(tag));
                    if RESERVED_MODULES.contains(&module.as_str()) {
                        format!("{module}_tag")
                    } else {
                        module
                    }
                },
            ),
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            parameters,
            body,
            response,
            accept,
            alternatives,
            error_statuses,
            pagination: None,
        }
    }

    /// The parameters of an operation: those of its path item, overridden by its own (same
    /// name and location), path parameters first, each in spec order.
    fn parameters(
        &mut self,
        shared: &'a [ReferenceOr<SpecParameter>],
        item_at: &str,
        operation: &'a SpecOperation,
        at: &str,
        builder_name: &str,
        path: &str,
    ) -> Vec<Parameter> {
        let mut resolved: Vec<(&'a SpecParameter, String)> = Vec::new();
        let shared = shared
            .iter()
            .enumerate()
            .map(|(i, p)| (p, format!("{item_at}/parameters/{i}")));
        let own = operation
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, format!("{at}/parameters/{i}")));
        for (parameter, parameter_at) in shared.chain(own) {
            match self.resolver.parameter(parameter, &parameter_at) {
                Ok((parameter, _)) => {
                    let data = parameter.parameter_data_ref();
                    let same = |(p, _): &(&SpecParameter, String)| {
                        let other = p.parameter_data_ref();
                        other.name == data.name
                            && std::mem::discriminant(*p) == std::mem::discriminant(parameter)
                    };
                    match resolved.iter().position(same) {
                        Some(i) => resolved[i] = (parameter, parameter_at),
                        None => resolved.push((parameter, parameter_at)),
                    }
                }
                Err(problem) => self.types.error(problem),
            }
        }
        let template: HashSet<&str> = path_template_names(path).into_iter().collect();
        let mut names = NameAllocator::with_reserved(["client", "body", "send", "stream", "new"]);
        let mut lowered = Vec::new();
        for location in [
            ParameterLocation::Path,
            ParameterLocation::Query,
            ParameterLocation::Header,
            ParameterLocation::Cookie,
        ] {
            for (parameter, parameter_at) in &resolved {
                let data = parameter.parameter_data_ref();
                let this_location = match parameter {
                    SpecParameter::Path { .. } => ParameterLocation::Path,
                    SpecParameter::Query { .. } => ParameterLocation::Query,
                    SpecParameter::Header { .. } => ParameterLocation::Header,
                    SpecParameter::Cookie { .. } => ParameterLocation::Cookie,
                };
                if this_location != location {
                    continue;
                }
                if location == ParameterLocation::Query
                    && HIDDEN_QUERY_PARAMETERS.contains(&data.name.as_str())
                {
                    continue;
                }
                if location == ParameterLocation::Header
                    && CLIENT_HEADERS
                        .iter()
                        .any(|h| h.eq_ignore_ascii_case(&data.name))
                {
                    self.approximations.push(Problem::new(
                        parameter_at.clone(),
                        format!("header parameter {:?} is not sent: OpenAPI ignores Accept, Content-Type and Authorization header parameters, and the client sets those headers itself", data.name),
                    ));
                    continue;
                }
                let kind = match location {
                    ParameterLocation::Header => Some("header"),
                    ParameterLocation::Cookie => Some("cookie"),
                    _ => None,
                };
                if let Some(kind) = kind
                    && !is_http_token(&data.name)
                {
                    self.approximations.push(Problem::new(
                        parameter_at.clone(),
                        format!("{kind} parameter {:?} is not sent: its name is not a valid HTTP {kind} name", data.name),
                    ));
                    continue;
                }
                if location == ParameterLocation::Path && !template.contains(data.name.as_str()) {
                    self.approximations.push(Problem::new(
                        parameter_at.clone(),
                        format!(
                            "path parameter {:?} does not appear in the path {path:?}; it is not sent",
                            data.name
                        ),
                    ));
                    continue;
                }
                let rust_name = names.claim_snake(&naming::field_name(&data.name));
                lowered.push(self.parameter(data, location, parameter_at, builder_name, rust_name));
            }
        }
        // A name of the path no parameter declares is still a part of the path the caller
        // must give: a required string, after the declared path parameters.
        for name in path_template_names(path) {
            if !lowered
                .iter()
                .any(|p| p.location == ParameterLocation::Path && p.name == name)
            {
                self.approximations.push(Problem::new(
                    at,
                    format!("the path names {{{name}}}, but the operation declares no path parameter {name:?}; it is taken as a required string"),
                ));
                let after = lowered
                    .iter()
                    .take_while(|p| p.location == ParameterLocation::Path)
                    .count();
                lowered.insert(
                    after,
                    Parameter {
                        name: name.to_string(),
                        rust_name: names.claim_snake(&naming::field_name(name)),
                        location: ParameterLocation::Path,
                        ty: TypeRef::String,
                        required: true,
                        doc: Some(
                            "A part of the path the spec names but does not declare.".to_string(),
                        ),
                        deprecated: false,
                        pattern: None,
                        pattern_text: None,
                        example: None,
                        ip_address: false,
                        minimum: None,
                        maximum: None,
                        default: None,
                        requires: Vec::new(),
                        sensitive: false,
                    },
                );
            }
        }
        // `x-requires` may only name parameters the operation has.
        for parameter in &lowered {
            for other in &parameter.requires {
                if !lowered.iter().any(|p| &p.name == other) {
                    self.types.error(Problem::new(
                        at,
                        format!(
                            "parameter {:?} requires {other:?}, which the operation does not have",
                            parameter.name
                        ),
                    ));
                }
            }
        }
        lowered
    }

    fn parameter(
        &mut self,
        data: &'a ParameterData,
        location: ParameterLocation,
        at: &str,
        builder_name: &str,
        rust_name: String,
    ) -> Parameter {
        let schema_at = format!("{at}/schema");
        let hint = format!("{builder_name}{}", case::upper_camel(&data.name));
        let mut ip_address = false;
        let mut pattern_text = None;
        let mut schema_example = None;
        let mut password = false;
        let (ty, pattern, minimum, maximum, default, deprecated_schema) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                // A binary parameter is the text it is sent as.
                let ty = match self.types.type_ref(schema.into(), &hint, &schema_at) {
                    TypeRef::File => TypeRef::String,
                    ty => ty,
                };
                match self.resolver.schema(schema.into(), &schema_at) {
                    Ok(resolved) => {
                        let shape = Shape::of(resolved.schema);
                        schema_example = shape.data.example.clone();
                        password = shape.format.as_deref() == Some("password");
                        pattern_text = shape
                            .pattern
                            .filter(|_| ty == TypeRef::String)
                            .map(str::to_string);
                        // Only strings are checked against a pattern.
                        let check = shape
                            .pattern
                            .filter(|_| ty == TypeRef::String)
                            .map(|p| self.pattern(&data.name, p, &schema_at));
                        ip_address = check == Some(PatternCheck::IpAddress);
                        let pattern = match check {
                            Some(PatternCheck::Regex(name)) => Some(name),
                            _ => None,
                        };
                        let integer =
                            |v: Option<f64>| v.filter(|v| v.fract() == 0.0).map(|v| v as i64);
                        let is_integer = shape.typ == Some("integer");
                        (
                            ty,
                            pattern,
                            integer(shape.minimum).filter(|_| is_integer),
                            integer(shape.maximum).filter(|_| is_integer),
                            shape.data.default.clone(),
                            shape.data.deprecated,
                        )
                    }
                    Err(_) => (ty, None, None, None, None, false),
                }
            }
            ParameterSchemaOrContent::Content(_) => {
                self.approximations.push(Problem::new(
                    at,
                    format!("parameter {:?} is described by content rather than a schema; it is sent as a JSON string", data.name),
                ));
                (TypeRef::Json, None, None, None, None, false)
            }
        };
        let requires = data
            .extensions
            .get("x-requires")
            .and_then(|v| v.as_array())
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let example = example_value(
            &data.name,
            &ty,
            data.example.clone().or(schema_example),
            pattern_text.as_deref(),
            ip_address,
            (minimum, maximum),
        );
        Parameter {
            name: data.name.clone(),
            rust_name,
            location,
            example,
            pattern_text,
            ty,
            required: data.required || location == ParameterLocation::Path,
            doc: data.description.clone(),
            deprecated: data.deprecated.unwrap_or(false) || deprecated_schema,
            pattern,
            ip_address,
            minimum,
            maximum,
            default,
            requires,
            sensitive: password
                || (matches!(
                    location,
                    ParameterLocation::Header | ParameterLocation::Cookie
                ) && is_credential_name(&data.name)),
        }
    }

    /// How a parameter's pattern is checked: by a compiled constant; by parsing the value as an
    /// IP address, for an IP address pattern the `regex` crate cannot compile (look-ahead); or,
    /// for any other pattern it cannot compile, not at all (with a note): the server checks it.
    fn pattern(&mut self, parameter: &str, pattern: &str, at: &str) -> PatternCheck {
        // One constant per parameter name and pattern, named after the parameter.
        let wanted = case::shouty_snake(parameter);
        let same = |p: &&Pattern| {
            p.regex == pattern
                && p.name
                    .trim_end_matches(|c: char| c.is_ascii_digit() || c == '_')
                    == wanted
        };
        if let Some(existing) = self.patterns.iter().find(same) {
            return PatternCheck::Regex(existing.name.clone());
        }
        match self.pattern_kinds.get(pattern) {
            PatternKind::Compiles => {}
            PatternKind::IpAddress => return PatternCheck::IpAddress,
            PatternKind::Fails(reason) => {
                self.approximations.push(Problem::new(
                    format!("{at}/pattern"),
                    format!(
                        "pattern of parameter {parameter:?} is not checked by the client: the regex crate cannot compile it ({reason}); the server checks it"
                    ),
                ));
                return PatternCheck::Unchecked;
            }
        }
        let name = self.pattern_names.claim_snake(&wanted);
        self.patterns.push(Pattern {
            name: name.clone(),
            regex: pattern.to_string(),
        });
        PatternCheck::Regex(name)
    }

    fn request_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        at: &str,
        builder_name: &str,
        id: &str,
        parameters: &[Parameter],
    ) -> Option<RequestBody> {
        let (body, body_at) = match self.resolver.request_body(body, at) {
            Ok(resolved) => resolved,
            Err(problem) => {
                self.types.error(problem);
                return None;
            }
        };
        let context = format!("{}_request", case::snake(id));
        let mut contents = Vec::new();
        for (media, content) in &body.content {
            let media_at = pointer_join(&format!("{body_at}/content"), media);
            let ty = self.media_type(content, &format!("{builder_name}Body"), &media_at, &context);
            let kind = match (bodies::media_kind(media), ty) {
                (MediaKind::Json, ty) => BodyKind::Json(ty.unwrap_or(TypeRef::Json)),
                (MediaKind::Form, Some(ty)) => BodyKind::Form(ty, bodies::form_styles(content)),
                (MediaKind::Multipart, Some(ty)) => BodyKind::Multipart(ty, Vec::new()),
                (MediaKind::Form | MediaKind::Multipart, None) => {
                    self.approximations.push(Problem::new(
                        media_at,
                        "a form or multipart body without a schema has no fields to send; the body is generated without this media type",
                    ));
                    continue;
                }
                (MediaKind::Text, _) => BodyKind::Text,
                (MediaKind::Bytes, _) => BodyKind::Bytes,
            };
            contents.push((media.clone(), kind));
        }
        if contents.is_empty() {
            return None;
        }
        let taken = ["client", "send", "stream", "new", "prepare"]
            .into_iter()
            .map(str::to_string)
            .chain(parameters.iter().map(|p| p.rust_name.clone()));
        Some(RequestBody {
            required: body.required,
            contents: bodies::name_setters(contents, taken),
        })
    }

    /// The success payload, the `Accept` media type, the other representations and the
    /// documented error statuses.
    fn responses(
        &mut self,
        operation: &'a SpecOperation,
        at: &str,
        builder_name: &str,
        id: &str,
    ) -> (Payload, String, Vec<Representation>, Vec<u16>) {
        let mut success: Option<Vec<(String, Payload)>> = None;
        let mut error_statuses = Vec::new();
        let mut responses: Vec<(String, &'a ReferenceOr<openapiv3::Response>)> = operation
            .responses
            .responses
            .iter()
            .map(|(status, r)| (status.to_string(), r))
            .chain(
                operation
                    .responses
                    .default
                    .iter()
                    .map(|r| ("default".to_string(), r)),
            )
            .collect();
        // The lowest success status is the one the client expects.
        responses.sort_by_key(|(status, _)| !status.starts_with('2'));
        for (status, response) in responses {
            let response_at = pointer_join(&format!("{at}/responses"), &status);
            let (content, resolved_at) = match self.resolver.response(response, &response_at) {
                Ok((response, resolved_at)) => (&response.content, resolved_at),
                Err(problem) => match self.request_body_as_response(response, &response_at) {
                    // A response that points at a request body (PagerDuty's spec has some):
                    // the same media types and schemas, read as the response's.
                    Some((body, resolved_at)) => {
                        self.approximations.push(Problem::new(
                            response_at.clone(),
                            format!("{}; its content is read as the response's", problem.message),
                        ));
                        (&body.content, resolved_at)
                    }
                    None => {
                        self.types.error(problem);
                        continue;
                    }
                },
            };
            // A shared response is named after its component, once.
            let (hint, context) = match resolved_at.strip_prefix("/components/responses/") {
                Some(name) => (
                    format!("{}Body", case::upper_camel(name)),
                    case::snake(name),
                ),
                None => (
                    format!("{builder_name}Response"),
                    format!("{}_{status}", case::snake(id)),
                ),
            };
            let code = status.parse::<u16>().ok();
            let mut payloads = Vec::new();
            for (media, content) in content {
                let media_at = pointer_join(&format!("{resolved_at}/content"), media);
                let ty = self.media_type(content, &hint, &media_at, &context);
                let payload = match ty {
                    _ if !is_json(media) => Payload::Bytes,
                    Some(ty) => Payload::Json(ty),
                    None => Payload::Empty,
                };
                payloads.push((media.clone(), payload));
            }
            match code {
                Some(200..=299) if success.is_none() => success = Some(payloads),
                Some(code) if code >= 400 => {
                    error_statuses.push(code);
                    if let Some((_, Payload::Json(TypeRef::Named(model)))) =
                        payloads.into_iter().find(|(m, _)| is_json(m))
                    {
                        *self.error_models.entry(model).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
        let Some(mut payloads) = success else {
            self.approximations.push(Problem::new(
                format!("{at}/responses"),
                "operation documents no success (2xx) response; it returns nothing",
            ));
            return (
                Payload::Empty,
                "application/json".to_string(),
                Vec::new(),
                error_statuses,
            );
        };
        if payloads.is_empty() {
            return (
                Payload::Empty,
                "application/json".to_string(),
                Vec::new(),
                error_statuses,
            );
        }
        // The default: the newest versioned JSON media type, else the first.
        let default = newest_json(
            payloads
                .iter()
                .map(|(media, _)| (media.as_str(), is_json(media))),
        )
        .unwrap_or(0);
        let (accept, response) = payloads.remove(default);
        let default_version = media_version(&accept);
        let mut suffixes = NameAllocator::with_reserved(["stream"]);
        let alternatives = payloads
            .into_iter()
            .map(|(media_type, payload)| {
                let version = media_version(&media_type).filter(|v| Some(*v) != default_version);
                let format = media_format(&media_type).filter(|f| *f != "json");
                let mut parts: Vec<String> = Vec::new();
                parts.extend(version.map(|v| format!("v{}", v.replace('-', "_"))));
                parts.extend(format.map(naming::field_name));
                let wanted = if parts.is_empty() {
                    "alternative".to_string()
                } else {
                    parts.join("_")
                };
                Representation {
                    suffix: suffixes.claim_snake(&wanted),
                    media_type,
                    payload,
                }
            })
            .collect();
        (response, accept, alternatives, error_statuses)
    }

    /// The request body a response's `$ref` names instead of a response, if it does.
    fn request_body_as_response(
        &self,
        response: &'a ReferenceOr<openapiv3::Response>,
        at: &str,
    ) -> Option<(&'a openapiv3::RequestBody, String)> {
        let ReferenceOr::Reference { reference } = response else {
            return None;
        };
        let name = reference.strip_prefix("#/components/requestBodies/")?;
        let components = self.resolver.document().components.as_ref()?;
        let body = components.request_bodies.get(name)?;
        self.resolver.request_body(body, at).ok()
    }

    /// The body type of a media type, and its examples.
    fn media_type(
        &mut self,
        content: &'a MediaType,
        hint: &str,
        at: &str,
        context: &str,
    ) -> Option<TypeRef> {
        let schema = content.schema.as_ref()?;
        let ty = self
            .types
            .type_ref(schema.into(), hint, &format!("{at}/schema"));
        if !self.visited.insert(at.to_string()) {
            return Some(ty);
        }
        if let Some(value) = &content.example {
            self.push_example(
                format!("{context}_example"),
                format!("{at}/example"),
                &ty,
                value.clone(),
            );
        }
        for (name, example) in &content.examples {
            let example_at = pointer_join(&format!("{at}/examples"), name);
            let resolved = match example {
                ReferenceOr::Item(example) => Some((example, example_at)),
                ReferenceOr::Reference { reference } => {
                    let name = reference.strip_prefix("#/components/examples/");
                    let found = name.and_then(|n| {
                        self.resolver
                            .document()
                            .components
                            .as_ref()?
                            .examples
                            .get(n)
                    });
                    match found {
                        Some(ReferenceOr::Item(example)) => Some((
                            example,
                            pointer_join("/components/examples", name.unwrap_or_default()),
                        )),
                        _ => {
                            self.types.error(Problem::new(
                                example_at,
                                format!("example $ref {reference:?} does not point to a components/examples entry"),
                            ));
                            None
                        }
                    }
                }
            };
            if let Some((example, pointer)) = resolved
                && let Some(value) = &example.value
            {
                let example = case::snake(name);
                let test_name = if context.ends_with(&example) {
                    context.to_string()
                } else {
                    format!("{context}_{example}")
                };
                self.push_example(test_name, format!("{pointer}/value"), &ty, value.clone());
            }
        }
        Some(ty)
    }

    /// Examples on component schemas that are generated as named types.
    fn schema_examples(&mut self) {
        let Some(components) = self.resolver.document().components.as_ref() else {
            return;
        };
        for (name, schema) in &components.schemas {
            if let ReferenceOr::Item(schema) = schema
                && let Some(value) = &schema.schema_data.example
            {
                let at = pointer_join("/components/schemas", name);
                let Some(ty) = self.types.component_type(name) else {
                    continue;
                };
                let test_name = format!("{}_schema_example", case::snake(name));
                self.push_example(test_name, format!("{at}/example"), &ty, value.clone());
            }
        }
    }

    fn push_example(
        &mut self,
        name: String,
        pointer: String,
        ty: &TypeRef,
        value: serde_json::Value,
    ) {
        // Only examples with a model type to decode into say something about the models.
        if ty.named().is_some() {
            self.examples.push(Example {
                name: self.example_names.claim_snake(&naming::field_name(&name)),
                pointer,
                ty: ty.clone(),
                value,
            });
        }
    }
}

/// Which of `media_types` (each with whether it is JSON) is the default of a response or
/// request body: the JSON one with the newest version (an unversioned one is oldest), the
/// first of equals; `None` without a JSON one.
pub(super) fn newest_json<'m>(
    media_types: impl IntoIterator<Item = (&'m str, bool)>,
) -> Option<usize> {
    media_types
        .into_iter()
        .enumerate()
        .filter(|(_, (_, json))| *json)
        .max_by(|(i, (a, _)), (j, (b, _))| {
            // `max_by` keeps the last of equals: the earlier index compares greater.
            media_version(a).cmp(&media_version(b)).then(j.cmp(i))
        })
        .map(|(i, _)| i)
}

/// The date a versioned media type names (`application/vnd.atlas.2023-01-01+json`).
pub(super) fn media_version(media_type: &str) -> Option<&str> {
    media_type.split(['.', '+', ';', '/']).find(|part| {
        part.len() == 10
            && part.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
    })
}

/// The format of a media type: the structured-syntax suffix (`+json`, `+csv`) or the subtype.
fn media_format(media_type: &str) -> Option<&str> {
    let essence = media_type.split(';').next()?.trim();
    let subtype = essence.split('/').nth(1)?;
    Some(subtype.rsplit('+').next().unwrap_or(subtype)).filter(|f| !f.is_empty())
}

/// The `{name}`s of a path template.
fn path_template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The note of a deprecated operation: when it stops working (`x-sunset`) and the sentences of
/// its description that say what to do instead (those naming a deprecation, a replacement or
/// a guide).
fn deprecation_note(operation: &openapiv3::Operation) -> String {
    let sunset = operation
        .extensions
        .get("x-sunset")
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let advice: Vec<String> = operation
        .description
        .as_deref()
        .unwrap_or_default()
        .split_inclusive(". ")
        .map(|sentence| sentence.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|sentence| {
            let lower = sentence.to_ascii_lowercase();
            [
                "deprecat",
                "instead",
                "replace",
                "migrat",
                "please see",
                "use the ",
            ]
            .iter()
            .any(|word| lower.contains(word))
        })
        .collect();
    let mut note = match sunset {
        Some(date) => format!("the API removes this operation on {date} (x-sunset)"),
        None => "deprecated by the API".to_string(),
    };
    if !advice.is_empty() {
        note.push_str(": ");
        note.push_str(advice.join(" ").trim());
    }
    note
}

#[cfg(test)]
mod header_tests {
    use super::{is_credential_name, is_http_token};

    #[test]
    fn credentials_are_told_by_their_names_and_names_must_be_tokens() {
        for secret in [
            "X-Api-Key",
            "X-Auth-Token",
            "apiKey",
            "session",
            "Proxy-Authorization",
        ] {
            assert!(is_credential_name(secret), "{secret}");
        }
        for plain in [
            "X-Trace",
            "Use-Effective-Instance-Fields",
            "X-Request-Id",
            "region",
        ] {
            assert!(!is_credential_name(plain), "{plain}");
        }
        assert!(is_http_token("Use-Effective-Fields-Replication-Specs"));
        for bad in ["", "X Trace", "X-Trace:", "zoë", "a;b"] {
            assert!(!is_http_token(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod deprecation_tests {
    use super::deprecation_note;

    fn operation(description: &str, sunset: Option<&str>) -> openapiv3::Operation {
        let mut operation = openapiv3::Operation {
            description: Some(description.to_string()),
            deprecated: true,
            ..Default::default()
        };
        if let Some(date) = sunset {
            operation
                .extensions
                .insert("x-sunset".to_string(), date.into());
        }
        operation
    }

    #[test]
    fn the_note_gives_the_sunset_and_the_replacement() {
        let note = deprecation_note(&operation(
            "Creates one Data Lake Pipeline. Data Lake Pipelines are deprecated; please see the Data Lake Deprecation Guide.",
            Some("2025-09-09"),
        ));
        assert_eq!(
            note,
            "the API removes this operation on 2025-09-09 (x-sunset): Data Lake Pipelines are deprecated; please see the Data Lake Deprecation Guide."
        );
        let note = deprecation_note(&operation("Updates the roles of one user.", None));
        assert_eq!(note, "deprecated by the API");
    }
}

/// How the client checks a parameter's pattern (see `OperationLowering::pattern`).
#[derive(Debug, PartialEq)]
enum PatternCheck {
    /// Against a compiled constant, by its name.
    Regex(String),
    /// By parsing the value as an IPv4 or IPv6 address.
    IpAddress,
    /// Not: the server checks it.
    Unchecked,
}

/// A value for a parameter in the operation's example: the spec's own example when it passes
/// the parameter's checks, else a plain one that does (an id for `...Id`, `Cluster0` for
/// `clusterName`, a documentation address for an IP address, a number in range). `None` for
/// types without a literal, and when nothing tried passes.
fn example_value(
    name: &str,
    ty: &TypeRef,
    spec: Option<serde_json::Value>,
    pattern: Option<&str>,
    ip_address: bool,
    (minimum, maximum): (Option<i64>, Option<i64>),
) -> Option<serde_json::Value> {
    match ty {
        TypeRef::String => {
            // Compiled once for all the candidates; a pattern that does not compile passes none.
            let regex = pattern.map(fancy_regex::Regex::new);
            let passes = |value: &str| {
                if ip_address {
                    return value.parse::<std::net::IpAddr>().is_ok();
                }
                match &regex {
                    None => true,
                    Some(Ok(re)) => re.is_match(value).unwrap_or(false),
                    Some(Err(_)) => false,
                }
            };
            let stem = name.strip_suffix("Name").unwrap_or(name);
            let word = format!("{}0", case::upper_camel(stem));
            let candidates = [
                spec.as_ref()
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string),
                name.ends_with("Id")
                    .then(|| "32b6e34b3d91647abb20e7b8".to_string()),
                ip_address.then(|| "192.0.2.1".to_string()),
                Some(word),
                Some("example".to_string()),
                Some("32b6e34b3d91647abb20e7b8".to_string()),
                pattern.and_then(shortest_match),
            ];
            candidates
                .into_iter()
                .flatten()
                .find(|v| passes(v))
                .map(serde_json::Value::String)
        }
        TypeRef::Int(_) => {
            let spec = spec.as_ref().and_then(serde_json::Value::as_i64);
            let in_range =
                |v: i64| minimum.is_none_or(|m| v >= m) && maximum.is_none_or(|m| v <= m);
            [spec, Some(1), minimum, maximum]
                .into_iter()
                .flatten()
                .find(|v| in_range(*v))
                .map(serde_json::Value::from)
        }
        TypeRef::Bool => Some(
            spec.filter(serde_json::Value::is_boolean)
                .unwrap_or(serde_json::Value::Bool(true)),
        ),
        _ => None,
    }
}

/// A short string the pattern matches, built from its syntax: the first alternative, the
/// first character of each class, each repetition its least number of times (at least once).
/// `None` when the pattern does not parse (look-around); the caller checks the result.
fn shortest_match(pattern: &str) -> Option<String> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn build(hir: &Hir, out: &mut String) -> Option<()> {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
            HirKind::Class(Class::Unicode(class)) => out.push(class.ranges().first()?.start()),
            HirKind::Class(Class::Bytes(class)) => {
                out.push(char::from(class.ranges().first()?.start()))
            }
            HirKind::Repetition(repetition) => {
                for _ in 0..repetition.min.max(1) {
                    build(&repetition.sub, out)?;
                }
            }
            HirKind::Capture(capture) => build(&capture.sub, out)?,
            HirKind::Concat(items) => items.iter().try_for_each(|h| build(h, out))?,
            HirKind::Alternation(items) => build(items.first()?, out)?,
        }
        Some(())
    }
    let hir = regex_syntax::parse(pattern).ok()?;
    let mut out = String::new();
    build(&hir, &mut out)?;
    Some(out)
}

#[cfg(test)]
mod example_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_example_is_the_spec_s_when_it_passes_else_one_that_does() {
        let hex = Some("^([a-f0-9]{24})$");
        let name = Some("^[a-zA-Z0-9][a-zA-Z0-9-]*$");
        let none = (None, None);
        let string = TypeRef::String;
        assert_eq!(
            example_value("clusterName", &string, None, name, false, none),
            Some(json!("Cluster0"))
        );
        assert_eq!(
            example_value("groupId", &string, Some(json!("not hex")), hex, false, none),
            Some(json!("32b6e34b3d91647abb20e7b8"))
        );
        assert_eq!(
            example_value(
                "orgId",
                &string,
                Some(json!("4888442a3354817a7320eb61")),
                hex,
                false,
                none
            ),
            Some(json!("4888442a3354817a7320eb61"))
        );
        assert_eq!(
            example_value("ipAddress", &string, None, None, true, none),
            Some(json!("192.0.2.1"))
        );
        assert_eq!(
            example_value(
                "code",
                &string,
                None,
                Some("^[0-9]{3}-[A-Z]+$"),
                false,
                none
            ),
            Some(json!("000-A"))
        );
        assert_eq!(
            example_value("thingId", &string, None, Some("^[a-f0-9]{4}$"), false, none),
            Some(json!("0000"))
        );
        let int = TypeRef::Int(crate::ir::IntKind::I32);
        assert_eq!(
            example_value("n", &int, None, None, false, (Some(5), Some(9))),
            Some(json!(5))
        );
        assert_eq!(
            example_value("n", &int, Some(json!(7)), None, false, (Some(5), None)),
            Some(json!(7))
        );
    }

    /// The examples in the generated docs use these values: each must pass the check the
    /// client makes before sending, or the example fails for whoever copies it.
    #[test]
    fn every_required_parameter_of_our_specs_has_an_example_that_passes_its_checks() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for spec in [
            "spec/atlas-admin-v2.yaml",
            "spec/reference/atlas-admin-api-v2-2025-06-30-subset.yaml",
        ] {
            let api = crate::load_api(&root.join(spec)).unwrap();
            for operation in &api.operations {
                for parameter in operation.parameters.iter().filter(|p| p.required) {
                    let at = format!("{spec} {} {}", operation.id, parameter.name);
                    let example = parameter.example.as_ref().unwrap_or_else(|| panic!("{at}"));
                    if let (Some(pattern), Some(value)) =
                        (&parameter.pattern_text, example.as_str())
                    {
                        let re = regex::Regex::new(pattern).unwrap();
                        assert!(re.is_match(value), "{at}: {value} !~ {pattern}");
                    }
                    if parameter.ip_address {
                        example
                            .as_str()
                            .unwrap()
                            .parse::<std::net::IpAddr>()
                            .unwrap();
                    }
                    if let Some(n) = example.as_i64() {
                        assert!(parameter.minimum.is_none_or(|m| n >= m), "{at}");
                        assert!(parameter.maximum.is_none_or(|m| n <= m), "{at}");
                    }
                }
            }
        }
    }
}
