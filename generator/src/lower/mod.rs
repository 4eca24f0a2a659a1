//! Stage 3: the resolved spec to the intermediate model ([`crate::ir`]).
//!
//! Schemas become model types (`schemas`), operations contribute the types of their bodies
//! and their examples (`operations`); then the model is settled: sorted, given module names,
//! recursive fields boxed, `Default` derived where every field has one.

mod bodies;
mod case;
mod naming;
mod operations;
mod patterns;
mod schemas;

pub use naming::type_name;

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Problem};
use crate::ir::{
    Api, Gate, Operation, PageLinks, Pagination, Struct, Tag, TypeDef, TypeKind, TypeRef, find_type,
};
use crate::load::LoadedSpec;
use crate::resolve::SchemaResolver;
/// Named here for the lowering's modules (`super::shape::Shape`).
use crate::shape;

/// The model of a spec, and where it is only approximated.
#[derive(Debug)]
pub struct Lowered {
    pub api: Api,
    /// Places generated not exactly as the spec says, with what was done instead.
    pub approximations: Vec<Problem>,
}

/// Builds the intermediate model; fails with every problem found when the spec cannot be
/// generated.
pub fn lower(spec: &LoadedSpec) -> Result<Lowered, Error> {
    let document = &spec.document;
    let resolver = SchemaResolver::new(document);
    let pattern_kinds = patterns::PatternKinds::default();
    let mut types = schemas::TypeLowering::new(resolver);
    types.lower_components();
    let lowered_operations = {
        let mut operations =
            operations::OperationLowering::new(resolver, &mut types, pattern_kinds);
        operations.lower_paths();
        operations.finish()
    };
    let (mut type_defs, problems, mut approximations, renames) = types.finish();
    approximations.extend(lowered_operations.approximations);
    let operations::LoweredOperations {
        mut operations,
        mut examples,
        patterns,
        error_model,
        ..
    } = lowered_operations;
    rename_types(&renames, &mut type_defs, &mut operations, &mut examples);
    if !problems.is_empty() {
        return Err(Error::Spec {
            path: spec.path.clone(),
            problems,
        });
    }
    type_defs.sort_by(|a, b| a.name.cmp(&b.name));
    assign_modules(&mut type_defs);
    box_recursive_fields(&mut type_defs);
    relax_by_direction(&mut type_defs, &operations, error_model.as_deref());
    bodies::keep_writable(&mut operations, &type_defs, &mut approximations);
    mark_default_structs(&mut type_defs);
    for operation in &mut operations {
        operation.pagination = pagination(operation, &type_defs);
    }
    gate_by_feature(&mut type_defs, &operations, error_model.as_deref());
    let api = Api {
        title: document.info.title.clone(),
        spec_version: document.info.version.clone(),
        description: document.info.description.clone(),
        base_url: document
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_string())
            .unwrap_or_default(),
        types: type_defs,
        examples,
        operations,
        patterns,
        error_model,
        tags: document
            .tags
            .iter()
            .map(|t| Tag {
                name: t.name.clone(),
                description: t.description.clone(),
            })
            .collect(),
    };
    Ok(Lowered {
        api,
        approximations,
    })
}

/// Gives shared inline types the names chosen once all their places were known, everywhere
/// they are mentioned.
fn rename_types(
    renames: &HashMap<String, String>,
    types: &mut [TypeDef],
    operations: &mut [Operation],
    examples: &mut [crate::ir::Example],
) {
    if renames.is_empty() {
        return;
    }
    let rename_name = |name: &mut String| {
        if let Some(new) = renames.get(name.as_str()) {
            *name = new.clone();
        }
    };
    let rename = |ty: &mut TypeRef| {
        if let Some(name) = ty.named_mut() {
            rename_name(name);
        }
    };
    for def in types.iter_mut() {
        rename_name(&mut def.name);
        match &mut def.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| rename(&mut f.ty)),
            TypeKind::Tagged(u) => u.variants.iter_mut().for_each(|v| rename_name(&mut v.ty)),
            TypeKind::Untagged(u) => u.variants.iter_mut().for_each(|v| rename(&mut v.ty)),
            TypeKind::Alias(ty) => rename(ty),
            TypeKind::Enum(_) => {}
        }
    }
    for operation in operations.iter_mut() {
        operation
            .parameters
            .iter_mut()
            .for_each(|p| rename(&mut p.ty));
        for content in operation.body.iter_mut().flat_map(|b| &mut b.contents) {
            if let Some(ty) = content.kind.ty_mut() {
                rename(ty);
            }
        }
        let payloads = std::iter::once(&mut operation.response)
            .chain(operation.alternatives.iter_mut().map(|a| &mut a.payload));
        for payload in payloads {
            if let crate::ir::Payload::Json(ty) = payload {
                rename(ty);
            }
        }
    }
    examples.iter_mut().for_each(|e| rename(&mut e.ty));
}

/// Gives each type a module (file) name, unique even where type names differ only in case.
fn assign_modules(types: &mut [TypeDef]) {
    let mut modules = naming::NameAllocator::with_reserved(["mod"]);
    for def in types.iter_mut() {
        def.module = modules.claim_snake(&naming::module_name(&def.name));
    }
}

/// The named types a type holds by value (not behind a `Vec` or map, which allocate).
fn by_value_edges(def: &TypeDef) -> Vec<&str> {
    fn direct(ty: &TypeRef) -> Option<&str> {
        match ty {
            TypeRef::Named(name) => Some(name),
            TypeRef::Nullable(inner) => direct(inner),
            _ => None,
        }
    }
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
        TypeKind::Tagged(u) => u.variants.iter().map(|v| v.ty.as_str()).collect(),
        TypeKind::Untagged(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
        TypeKind::Alias(ty) => direct(ty).into_iter().collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// Boxes by-value uses of types that close a cycle, so recursive schemas give types of
/// finite size. A depth-first walk in name order boxes each back edge (a use of a type still
/// being walked): one `Box` per cycle, at a place that does not depend on anything but names.
fn box_recursive_fields(types: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let edges: Vec<Vec<(usize, String)>> = types
        .iter()
        .map(|t| {
            by_value_edges(t)
                .into_iter()
                .filter_map(|n| index.get(n).map(|&j| (j, n.to_string())))
                .collect()
        })
        .collect();
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnStack,
        Done,
    }
    let mut state = vec![State::New; types.len()];
    let mut back_edges: Vec<(usize, String)> = Vec::new();
    for root in 0..types.len() {
        if state[root] != State::New {
            continue;
        }
        // Iterative DFS: (node, next edge to look at).
        let mut stack = vec![(root, 0usize)];
        state[root] = State::OnStack;
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            if let Some((target, name)) = edges[node].get(*next) {
                *next += 1;
                match state[*target] {
                    State::OnStack => back_edges.push((node, name.clone())),
                    State::New => {
                        state[*target] = State::OnStack;
                        stack.push((*target, 0));
                    }
                    State::Done => {}
                }
            } else {
                state[node] = State::Done;
                stack.pop();
            }
        }
    }
    for (i, target) in back_edges {
        let is_target = |ty: &TypeRef| by_value_target(ty) == Some(target.as_str());
        match &mut types[i].kind {
            TypeKind::Struct(s) => s
                .fields
                .iter_mut()
                .filter(|f| is_target(&f.ty))
                .for_each(|f| f.boxed = true),
            TypeKind::Tagged(u) => u
                .variants
                .iter_mut()
                .filter(|v| v.ty == target)
                .for_each(|v| v.boxed = true),
            TypeKind::Untagged(u) => u
                .variants
                .iter_mut()
                .filter(|v| is_target(&v.ty))
                .for_each(|v| v.boxed = true),
            TypeKind::Alias(_) | TypeKind::Enum(_) => {}
        }
    }
}

fn by_value_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Nullable(inner) => by_value_target(inner),
        _ => None,
    }
}

/// Marks the structs whose required fields all have a default, so they can derive `Default`
/// and be built with `..Default::default()`.
fn mark_default_structs(types: &mut [TypeDef]) {
    let mut defaultable: HashSet<String> = HashSet::new();
    // Iterate to a fixed point: a struct is defaultable when its required fields are.
    loop {
        let mut changed = false;
        for def in types.iter() {
            if defaultable.contains(&def.name) {
                continue;
            }
            let ok = match &def.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .all(|f| f.is_optional() || has_default(&f.ty, &defaultable)),
                TypeKind::Alias(ty) => has_default(ty, &defaultable),
                _ => false,
            };
            if ok {
                defaultable.insert(def.name.clone());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for def in types.iter_mut() {
        if let TypeKind::Struct(s) = &mut def.kind {
            s.derive_default = defaultable.contains(&def.name);
        }
    }
}

fn has_default(ty: &TypeRef, defaultable: &HashSet<String>) -> bool {
    match ty {
        TypeRef::Named(name) => defaultable.contains(name),
        TypeRef::DateTime | TypeRef::Date => false,
        _ => true,
    }
}

/// How a list operation pages, when it does it the Atlas way: `pageNum` and `itemsPerPage`
/// query parameters, and a response object with the page's items in `results` (and, where the
/// page has them, `links` saying whether there is a `next` page). `totalCount` plays no part:
/// Atlas documents it as an estimate.
fn pagination(operation: &Operation, types: &[TypeDef]) -> Option<Pagination> {
    let query = |name: &str| operation.parameters.iter().find(|p| p.name == name);
    let (page, size) = (query("pageNum")?, query("itemsPerPage")?);
    let is_int = |ty: &TypeRef| matches!(ty, TypeRef::Int(_));
    if !is_int(&page.ty) || !is_int(&size.ty) {
        return None;
    }
    let TypeRef::Named(response) = operation.response.json()? else {
        return None;
    };
    let TypeKind::Struct(body) = &find_type(types, response)?.kind else {
        return None;
    };
    let results = body.fields.iter().find(|f| f.json_name == "results")?;
    let TypeRef::List(item) = &results.ty else {
        return None;
    };
    let links = page_links(body, types);
    Some(Pagination {
        page: TypeRef::Named(response.clone()),
        item: (**item).clone(),
        results_field: results.name.clone(),
        results_optional: results.is_optional(),
        links,
        page_param: page.rust_name.clone(),
        size_param: size.rust_name.clone(),
        default_page_size: size
            .default
            .as_ref()
            .and_then(|d| d.as_i64())
            .unwrap_or(100),
    })
}

/// The page's `links` field, when it is a list of objects with a string `rel`.
fn page_links(body: &Struct, types: &[TypeDef]) -> Option<PageLinks> {
    let links = body.fields.iter().find(|f| f.json_name == "links")?;
    let TypeRef::List(item) = &links.ty else {
        return None;
    };
    let TypeRef::Named(item) = &**item else {
        return None;
    };
    let TypeKind::Struct(link) = &find_type(types, item)?.kind else {
        return None;
    };
    let rel = link
        .fields
        .iter()
        .find(|f| f.json_name == "rel" && f.ty == TypeRef::String)?;
    Some(PageLinks {
        field: links.name.clone(),
        optional: links.is_optional(),
        rel_field: rel.name.clone(),
        rel_optional: rel.is_optional(),
    })
}

/// The types' references to each other, by index: made once for the walks along them (one for
/// each operation: the official spec's 454 operations would otherwise index its 1,168 types
/// 454 times, a fifth of its lowering).
struct TypeGraph<'t> {
    index: HashMap<&'t str, usize>,
    /// The types each type refers to.
    edges: Vec<Vec<usize>>,
}

impl<'t> TypeGraph<'t> {
    fn new(types: &'t [TypeDef]) -> Self {
        let index: HashMap<&str, usize> = types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        let edges = types
            .iter()
            .map(|t| {
                t.referenced()
                    .into_iter()
                    .filter_map(|n| index.get(n).copied())
                    .collect()
            })
            .collect();
        Self { index, edges }
    }

    /// The indexes of the types reachable from the types named `roots`.
    fn reachable(&self, roots: impl IntoIterator<Item = impl AsRef<str>>) -> HashSet<usize> {
        let mut seen = HashSet::new();
        let mut stack: Vec<usize> = roots
            .into_iter()
            .filter_map(|r| self.index.get(r.as_ref()).copied())
            .collect();
        while let Some(i) = stack.pop() {
            if seen.insert(i) {
                stack.extend(&self.edges[i]);
            }
        }
        seen
    }
}

/// A required read-only field is not sent, and a required write-only field is not returned
/// (nor one marked `x-optional-in-responses`, which no published response contract
/// promises): in a model that goes that way, such a field is optional. And an optional
/// nullable field of a model that requests use has three states (`explicit_null`).
fn relax_by_direction(types: &mut [TypeDef], operations: &[Operation], error_model: Option<&str>) {
    let graph = TypeGraph::new(types);
    let requests = graph.reachable(
        operations
            .iter()
            .flat_map(|o| o.body.iter().flat_map(|b| b.types()))
            .filter_map(|ty| ty.named().map(str::to_string)),
    );
    let responses = graph.reachable(
        operations
            .iter()
            .flat_map(|o| {
                std::iter::once(&o.response)
                    .chain(o.alternatives.iter().map(|a| &a.payload))
                    .filter_map(|p| p.json()?.named().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .chain(error_model.map(str::to_string)),
    );
    for (i, def) in types.iter_mut().enumerate() {
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        for field in &mut s.fields {
            let unsent = field.read_only && requests.contains(&i);
            let unreturned =
                (field.write_only || field.optional_in_responses) && responses.contains(&i);
            if field.required && (unsent || unreturned) {
                field.required = false;
            }
            // A request can leave out, null or set an optional nullable field; a read-only
            // one is never sent.
            field.explicit_null = field.nullable
                && !field.required
                && !field.read_only
                && !field.flatten
                && requests.contains(&i);
        }
    }
}

/// The models an operation uses directly: its parameters, body and responses.
fn operation_roots(operation: &Operation) -> Vec<String> {
    let parameters = operation.parameters.iter().map(|p| &p.ty);
    let body = operation.body.iter().flat_map(|b| b.types());
    let responses = std::iter::once(&operation.response)
        .chain(operation.alternatives.iter().map(|a| &a.payload))
        .filter_map(|p| p.json());
    parameters
        .chain(body)
        .chain(responses)
        .filter_map(|t| t.named().map(str::to_string))
        .collect()
}

/// Decides, for each model, which operation modules (Cargo features) need it. A spec without
/// operations compiles everything.
fn gate_by_feature(types: &mut [TypeDef], operations: &[Operation], error_model: Option<&str>) {
    if operations.is_empty() {
        return;
    }
    let graph = TypeGraph::new(types);
    let always = graph.reachable(error_model);
    let mut features: Vec<std::collections::BTreeSet<String>> =
        vec![Default::default(); types.len()];
    for operation in operations {
        for i in graph.reachable(operation_roots(operation)) {
            features[i].insert(Api::feature(&operation.module));
        }
    }
    for (i, (def, features)) in types.iter_mut().zip(features).enumerate() {
        def.gate = if always.contains(&i) {
            Gate::Always
        } else if features.is_empty() {
            Gate::Full
        } else {
            Gate::AnyOf(features)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::TypeGraph;

    #[test]
    fn the_graph_reaches_what_refers_on_through_cycles_and_skips_unknown_names() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/B'}\n    B:\n      type: object\n      properties:\n        c:\n          type: array\n          items: {$ref: '#/components/schemas/C'}\n    C:\n      type: object\n      properties:\n        a: {$ref: '#/components/schemas/A'}\n    D:\n      type: object\n      properties:\n        n: {type: string}\n";
        let api = crate::api_from_str(std::path::Path::new("spec.yaml"), spec).unwrap();
        let graph = TypeGraph::new(&api.types);
        let names = |roots: &[&str]| {
            let mut names: Vec<&str> = graph
                .reachable(roots)
                .into_iter()
                .map(|i| api.types[i].name.as_str())
                .collect();
            names.sort_unstable();
            names
        };
        assert_eq!(names(&["A"]), ["A", "B", "C"]);
        assert_eq!(names(&["C"]), ["A", "B", "C"]);
        assert_eq!(names(&["D", "Missing"]), ["D"]);
        assert!(names(&[]).is_empty());
    }
}
