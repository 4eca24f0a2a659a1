//! Spec diagnostics: every problem of a spec in one run, each at its file, line and column
//! with the offending line shown and its JSON pointer, from `validate` and from generation.

use std::path::Path;

use atlas_codegen::diagnostics::{self, Severity};
use atlas_codegen::{Error, Problem, Validation};
use atlas_codegen_tests::{generate_text, spec_path};

/// A spec with one of each problem `validate` looks for; each comment names the line.
const BROKEN: &str = r#"openapi: 3.0.3
info: {title: Broken, version: '1'}
paths:
  /things/{thingId}:
    get:
      operationId: getThing
      parameters:
        - name: otherId
          in: path
          required: true
          schema: {type: string}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Missing'}
  /others:
    get:
      operationId: getThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      discriminator:
        propertyName: petType
        mapping:
          CAT: '#/components/schemas/Cat'
          DOG: '#/components/schemas/Dog'
          BIRD: '#/components/schemas/Bird'
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
    Cat:
      type: object
      properties:
        petType: {type: string}
        name:
          type: string
          pattern: '^[a-z'
        lives:
          type: integer
          default: nine
        size: {type: string, enum: [small, large], default: huge}
    Dog:
      type: object
      properties:
        bark: {type: string, example: 12}
        id: {type: string, pattern: '^(?!0)[0-9]+$'}
        owner:
          type: object
          required: [name]
          properties:
            name: {type: string}
            age: {type: integer, minimum: 0}
          example: {age: -3}
"#;

fn validate(name: &str, text: &str) -> Validation {
    atlas_codegen::validate(Path::new(name), text).unwrap()
}

/// The problem at `pointer`, which must have been found.
fn at<'a>(problems: &'a [Problem], pointer: &str) -> &'a Problem {
    problems
        .iter()
        .find(|p| p.pointer == pointer)
        .unwrap_or_else(|| panic!("no problem at {pointer}: {problems:#?}"))
}

/// Asserts the problem at `pointer` is on `line` and says `says`.
fn assert_problem(problems: &[Problem], pointer: &str, line: u64, says: &str) {
    let problem = at(problems, pointer);
    let position = problem.position.expect("located");
    assert_eq!(position.line, line, "{problem}");
    assert!(
        problem.message.contains(says),
        "{problem} should say {says:?}"
    );
}

/// A path that names a parameter no one declares, and a path parameter the path does not
/// name (OpenAI's spec has both): warnings at their lines, the first taken as a required
/// string, the second not sent; and a response that `$ref`s a request body (PagerDuty's).
#[test]
fn path_and_parameter_mismatches_and_a_response_naming_a_request_body_are_warnings() {
    let text = r#"openapi: 3.0.3
info: {title: Mismatched, version: '1'}
paths:
  /things/{thingId}:
    get:
      operationId: getThing
      parameters:
        - name: otherId
          in: path
          required: true
          schema: {type: string}
      responses:
        '200': {$ref: '#/components/requestBodies/Thing'}
components:
  requestBodies:
    Thing:
      content:
        application/json:
          schema: {type: object, properties: {id: {type: string}}}
"#;
    let validation = validate("mismatched.yaml", text);
    assert!(validation.errors.is_empty(), "{:#?}", validation.errors);
    let warnings = &validation.warnings;
    let things = "/paths/~1things~1{thingId}/get";
    assert_problem(
        warnings,
        &format!("{things}/parameters/0"),
        8,
        "does not appear in the path \"/things/{thingId}\"; it is not sent",
    );
    assert_problem(
        warnings,
        things,
        5,
        "declares no path parameter \"thingId\"; it is taken as a required string",
    );
    assert_problem(
        warnings,
        &format!("{things}/responses/200"),
        13,
        "names a requestBodies component where a responses component is expected; its content is read as the response's",
    );
    let generated = generate_text("mismatched.yaml", text).unwrap();
    let code =
        atlas_codegen_tests::files_text(&generated, |name| name.starts_with("src/operations/"));
    assert!(
        code.contains("pub fn thing_id(mut self, value: impl Into<String>)"),
        "{code}"
    );
    assert!(!code.contains("other_id"), "{code}");
    assert!(
        code.contains("-> ResponseFuture<models::GetThingResponse>"),
        "{code}"
    );
}

#[test]
fn validate_reports_every_problem_in_one_run_each_at_its_line() {
    let validation = validate("broken.yaml", BROKEN);
    let errors = &validation.errors;
    let things = "/paths/~1things~1{thingId}/get";
    assert_problem(
        errors,
        &format!("{things}/responses/200/content/application~1json/schema"),
        17,
        "does not exist",
    );
    assert_problem(
        errors,
        "/paths/~1others/get/operationId",
        20,
        "duplicate operationId \"getThing\"",
    );
    let pet = "/components/schemas/Pet";
    assert_problem(
        errors,
        &format!("{pet}/discriminator/mapping/BIRD"),
        36,
        "does not exist",
    );
    assert_problem(
        errors,
        &format!("{pet}/discriminator/mapping/DOG"),
        35,
        "has no property \"petType\"",
    );
    let cat = "/components/schemas/Cat/properties";
    assert_problem(
        errors,
        &format!("{cat}/name/pattern"),
        46,
        "does not compile",
    );
    assert_problem(
        errors,
        &format!("{cat}/lives/default"),
        49,
        "not an integer",
    );
    assert_problem(
        errors,
        &format!("{cat}/size/default"),
        50,
        "\"huge\" is not one of",
    );
    let dog = "/components/schemas/Dog/properties";
    assert_problem(
        errors,
        &format!("{dog}/bark/example"),
        54,
        "12 is not a string",
    );
    // Inside an example, the problem is at the offending member.
    assert_problem(errors, &format!("{dog}/owner/example"), 62, "\"name\"");
    assert_problem(errors, &format!("{dog}/owner/example/age"), 62, "minimum");
    // A look-around pattern is valid ECMA-262, which the spec's patterns are.
    assert!(
        !errors.iter().any(|p| p.pointer.ends_with("/id/pattern")),
        "{errors:#?}"
    );
    assert_eq!(errors.len(), 10, "{errors:#?}");
    // Every problem is located, with a column pointing at the node's key.
    for problem in errors {
        let position = problem.position.expect("located");
        let line = BROKEN.lines().nth(position.line as usize - 1).unwrap();
        assert!(position.column as usize <= line.len(), "{problem}");
        assert!(!line[position.column as usize - 1..].trim().is_empty());
    }
}

#[test]
fn rendered_problems_show_file_line_column_the_line_a_caret_and_the_pointer() {
    let validation = validate("broken.yaml", BROKEN);
    let rendered = diagnostics::render(
        Path::new("specs/broken.yaml"),
        BROKEN,
        &validation.errors,
        Severity::Error,
        false,
    );
    let block = rendered
        .split("\n\n")
        .find(|b| b.contains("pattern \"^[a-z\" does not compile"))
        .expect("the pattern error is shown");
    assert!(block.starts_with("error: pattern"), "{block}");
    assert!(block.contains("┌─ specs/broken.yaml:46:11"), "{block}");
    assert!(block.contains("46 │           pattern: '^[a-z'"), "{block}");
    assert!(block.contains("│           ^^^^^^^^^^^^^^^^"), "{block}");
    assert!(
        block.contains("= at /components/schemas/Cat/properties/name/pattern"),
        "{block}"
    );
    assert_eq!(
        rendered.matches("error: ").count(),
        validation.errors.len(),
        "{rendered}"
    );
}

#[test]
fn generation_reports_all_its_problems_located_too() {
    let Err(error) = generate_text("broken.yaml", BROKEN) else {
        panic!("a broken spec does not generate");
    };
    let Error::Spec { problems, .. } = &error else {
        panic!("{error}");
    };
    // What generation cannot do without: the dangling $ref, the duplicate operationId, the
    // missing mapping target; not the patterns or examples (nor the path parameters, which
    // are warnings).
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems.iter().all(|p| p.position.is_some()),
        "{problems:#?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("20:7: duplicate operationId \"getThing\""),
        "{text}"
    );
    let rendered = diagnostics::render_error(&error, Some(BROKEN), false);
    assert!(rendered.contains("broken.yaml:17:15"), "{rendered}");
}

#[test]
fn json_specs_are_located_by_line_and_column_too() {
    let json = r##"{
  "openapi": "3.0.3",
  "info": {"title": "J", "version": "1"},
  "paths": {},
  "components": {
    "schemas": {
      "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/Nope"}}},
      "C": {"type": "string", "pattern": "(unclosed"}
    }
  }
}"##;
    let validation = validate("spec.json", json);
    assert_problem(
        &validation.errors,
        "/components/schemas/A/properties/b",
        7,
        "does not exist",
    );
    let pattern = at(&validation.errors, "/components/schemas/C/pattern");
    assert_eq!(pattern.position.map(|p| (p.line, p.column)), Some((8, 31)));
}

/// A `$ref` into the document that reaches nothing is an error at the `$ref`, naming it, from
/// generation and from `validate` alike: a missing member, a pointer through another `$ref`, an
/// index out of range, a place that is no schema, a malformed token or escape.
#[test]
fn dangling_deep_refs_are_errors_at_their_place() {
    let spec = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/paths/~1things/get/responses/201/content/application~1json/schema'}
components:
  schemas:
    Tag:
      allOf:
        - type: object
          properties:
            label: {type: string}
    Owner: {$ref: '#/components/schemas/Tag'}
    Toy:
      type: object
      properties:
        a: {$ref: '#/components/schemas/Tag/allOf/1'}
        b: {$ref: '#/components/schemas/Tag/allOf/0/properties/colour'}
        c: {$ref: '#/components/schemas/Owner/allOf/0'}
        d: {$ref: '#/components/schemas/Tag/allOf'}
        e: {$ref: '#/components/schemas/Tag/allOf/0/properties/label~2'}
        f: {$ref: '#/components/schemas/Tag/allOf/%zz'}
        g: {$ref: '#/components/schemas/Tag/allOf/0/properties/label'}
"#;
    let Err(error) = generate_text("deep.yaml", spec) else {
        panic!("dangling refs do not generate");
    };
    let Error::Spec { problems, .. } = &error else {
        panic!("{error}");
    };
    let toy = "/components/schemas/Toy/properties";
    let expected = [
        (
            format!("{toy}/a"),
            23,
            "\"#/components/schemas/Tag/allOf/1\" points to a schema that does not exist",
        ),
        (
            format!("{toy}/b"),
            24,
            "points to a schema that does not exist",
        ),
        (
            format!("{toy}/c"),
            25,
            "points to a schema that does not exist",
        ),
        (
            format!("{toy}/d"),
            26,
            "points to a schema that does not exist",
        ),
        (format!("{toy}/e"), 27, "malformed token \"label~2\""),
        (format!("{toy}/f"), 28, "malformed percent-encoding"),
        (
            "/paths/~1things/get/responses/200/content/application~1json/schema".to_string(),
            11,
            "points to a schema that does not exist",
        ),
    ];
    for (pointer, line, says) in &expected {
        assert_problem(problems, pointer, *line, says);
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    // `validate` says the same, each once.
    let validation = validate("deep.yaml", spec);
    for (pointer, line, says) in &expected {
        assert_problem(&validation.errors, pointer, *line, says);
    }
    assert_eq!(
        validation.errors.len(),
        expected.len(),
        "{:#?}",
        validation.errors
    );
}

#[test]
fn syntax_errors_show_their_line() {
    let text = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a: [unclosed\n";
    let Err(error) = generate_text("bad.yaml", text) else {
        panic!("not YAML");
    };
    let Error::Syntax { line, .. } = &error else {
        panic!("{error}");
    };
    assert!(line.is_some(), "{error:?}");
    let rendered = diagnostics::render_error(&error, Some(text), false);
    assert!(rendered.contains("bad.yaml:"), "{rendered}");
    assert!(rendered.contains("/a: [unclosed"), "{rendered}");
}

#[test]
fn the_hand_written_spec_validates_without_errors() {
    let text = std::fs::read_to_string(spec_path()).unwrap();
    let validation = validate("atlas-admin-v2.yaml", &text);
    assert!(validation.errors.is_empty(), "{:#?}", validation.errors);
}

#[test]
fn an_example_without_its_tag_is_checked_as_the_documented_default() {
    let spec = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Index:
      type: object
      properties:
        type: {type: string, description: Type of the index. The default type is search.}
      discriminator:
        propertyName: type
        mapping: {search: '#/components/schemas/Text', other: '#/components/schemas/Other'}
      oneOf:
        - $ref: '#/components/schemas/Text'
        - $ref: '#/components/schemas/Other'
      example: {name: plain}
    Text:
      type: object
      required: [name]
      properties:
        type: {type: string}
        name: {type: string}
      example: {type: search, name: n}
    Other:
      type: object
      required: [size]
      properties:
        type: {type: string}
        size: {type: integer}
    Shape:
      discriminator:
        propertyName: type
        mapping: {other: '#/components/schemas/Other'}
      oneOf:
        - $ref: '#/components/schemas/Other'
      example: {size: 1}
    Indexes:
      type: array
      items: {$ref: '#/components/schemas/Index'}
      example: [{name: a}, {size: 1}]
"#;
    let validation = validate("default.yaml", spec);
    // The default variant's rules apply: `name` is what a `search` needs.
    assert!(
        !validation
            .errors
            .iter()
            .any(|p| p.pointer.starts_with("/components/schemas/Index/")),
        "{:#?}",
        validation.errors
    );
    let second = at(&validation.errors, "/components/schemas/Indexes/example/1");
    assert!(second.message.contains("\"name\" is missing"), "{second}");
    // Without a documented default, the tag is still needed.
    let shape = at(&validation.errors, "/components/schemas/Shape/example");
    assert!(shape.message.contains("no string \"type\""), "{shape}");
}
