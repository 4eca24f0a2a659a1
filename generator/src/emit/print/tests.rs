//! The printer against prettyplease, item by item, at each width where a layout changes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The item as prettyplease prints it alone in a file.
fn prettyplease(tokens: &TokenStream) -> String {
    prettyplease::unparse(&syn::parse2(tokens.clone()).expect("valid Rust"))
}

/// The item as the fast printer prints it, or `None` where it leaves it to prettyplease.
fn printed(tokens: &TokenStream) -> Option<String> {
    super::item(&super::tok::convert(tokens.clone()))
}

/// The fast printer prints the item (it does not leave it to prettyplease), as
/// prettyplease does.
fn assert_printed_alike(tokens: TokenStream) {
    let printed = printed(&tokens).unwrap_or_else(|| panic!("not printed: {tokens}"));
    assert_eq!(printed, prettyplease(&tokens));
}

fn name(width: usize) -> proc_macro2::Ident {
    format_ident!("{}", "x".repeat(width))
}

#[test]
fn a_match_arm_stays_whole_up_to_the_margin_without_its_comma() {
    // `"k" => reader.read_optional(&mut value.x…x),` at 12 columns: 89 wide without the
    // comma at 36 characters of name, broken into a block at 37.
    for width in [30, 36, 37, 40] {
        let field = name(width);
        assert_printed_alike(quote! {
            impl A {
                fn f() {
                    match k {
                        "k" => reader.read_optional(&mut value.#field),
                        _ => reader.skip_field(),
                    }
                }
            }
        });
    }
}

#[test]
fn a_struct_expression_breaks_past_34_columns_even_where_it_fits() {
    for width in [10, 23, 24, 30] {
        let field = name(width);
        assert_printed_alike(quote! {
            impl A {
                fn f() -> Result<Self, E> {
                    Ok(Self { #field, b })
                }
                fn g() -> Self {
                    Self { #field: None, b }
                }
            }
        });
    }
}

#[test]
fn a_signature_breaks_its_parameters_one_per_line_past_the_margin() {
    for width in [40, 56, 57, 60] {
        let parameter = name(width);
        assert_printed_alike(quote! {
            impl S {
                pub fn new(#parameter: impl Into<String>, b: Vec<String>) -> Self {
                    Self::default()
                }
            }
        });
    }
}

#[test]
fn items_of_models_print_alike() {
    assert_printed_alike(quote! {
        /// A doc line with "quotes", a \ and `code`.
        #[derive(Clone, Debug, Default, PartialEq)]
        #[cfg(any(feature = "a", feature = "b"))]
        pub struct A {
            #[deprecated]
            pub a: Option<std::collections::BTreeMap<String, Vec<&'static str>>>,
            pub r#type: (),
        }
    });
    assert_printed_alike(quote! {
        #[non_exhaustive]
        pub enum E {
            /// `A`
            A,
            Unknown(String),
        }
    });
    assert_printed_alike(quote! {
        impl std::str::FromStr for E {
            type Err = std::convert::Infallible;
            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                let Some(x) = x else {
                    return Err(reader.missing("x"));
                };
                while let Some(key) = object.next_key(reader)? {
                    reader.keep_field(key, &mut unknown);
                }
                let key = match &*value {
                    "a" => Self::A,
                    Ok(None) => break,
                    Self::Unknown(value) => {
                        return f.debug_tuple("Unknown").field(value).finish();
                    }
                    other => Self::Unknown(other.to_string()),
                };
                f.field("a", &self.a.as_ref().map(|_| codec::Redacted));
                Ok(Self::from(value))
            }
        }
    });
    assert_printed_alike(quote!(codec::impl_serde!(A);));
    assert_printed_alike(quote!(
        use super::{codec, A};
    ));
    assert_printed_alike(quote!(
        pub type A = Vec<B>;
    ));
}

#[test]
fn operations_print_alike() {
    for width in [10, 30, 31, 40] {
        let path = "x".repeat(width);
        let field = name(width);
        assert_printed_alike(quote! {
            impl A {
                #[inline]
                pub fn group_id(mut self, value: impl Into<String>) -> Self {
                    self.#field = Some(value.into());
                    self
                }
                fn prepare(&self) -> Result<(Client, request::Request), Error> {
                    let mut call = request::Draft::new(reqwest::Method::GET, #path, "id");
                    call.check_pattern("groupId", &self.#field, &validation::GROUP_ID, #path);
                    if let Some(value) = &self.#field {
                        call.query("includeCount", value);
                    } else if self.b {
                        call.path("/a");
                    } else {
                        call.path("/b");
                    }
                    if self.c {}
                    call.finish(&self.client)
                }
            }
        });
    }
}

#[test]
fn long_attributes_and_imports_print_alike() {
    for width in [5, 20, 27, 28, 40] {
        let feature = "f".repeat(width);
        assert_printed_alike(quote! {
            #[cfg(any(feature = "clusters", feature = #feature, feature = "serverless-instances"))]
            #[must_use = "a request does nothing until it is sent"]
            pub use a_rather_long_module_name_for_a_model::ARatherLongNameForAModelThatIsLong;
        });
    }
}

#[test]
fn a_method_call_too_wide_breaks_before_its_dot_then_its_arguments() {
    // `object.optional("someKey", &self.x…x);` at 8 columns: whole up to 46 characters of
    // name; broken before the `.` with the call whole on the next line (12 columns) up to 48;
    // past that its arguments one per line. `obj`, of four characters or fewer, stays whole
    // up to 49 and then breaks its arguments at once.
    for width in [40, 46, 47, 48, 49, 50, 66] {
        let field = name(width);
        assert_printed_alike(quote! {
            impl A {
                fn encode(&self, writer: &mut W) {
                    object.optional("someKey", &self.#field);
                    obj.optional("someKey", &self.#field);
                }
            }
        });
    }
}

#[test]
fn a_lazily_compiled_pattern_breaks_its_closure_and_chain() {
    // `Regex::new("…").expect("…")` in `LazyLock::new(|| { .. })`: the closure's block is
    // broken, the chain breaks before `.expect` (a call's receiver, however short), whose
    // argument breaks in turn once `.expect(..)` does not fit at 8 columns; a long name
    // leaves the head line to prettyplease.
    let message = "atlas-codegen compiled this pattern when it generated the crate";
    for (name, pattern) in [
        ("ID", "^a$"),
        ("GROUP_ID", "^([a-f0-9]{24})$"),
        ("FEDERATION_SETTINGS_ID", "^([a-f0-9]{24})$"),
        ("A", "x".repeat(60).as_str()),
    ] {
        let name = format_ident!("{}", name);
        assert_printed_alike(quote! {
            pub(crate) static #name: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(#pattern).expect(#message)
            });
        });
        let long_message = "m".repeat(80);
        assert_printed_alike(quote! {
            static #name: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(#pattern).expect(#long_message)
            });
        });
    }
    // Short enough for one line, or a receiver that does not fit its own: prettyplease's
    // layouts, so left to it.
    let short = quote! {
        static A: L<R> = L::new(|| { R::new("a").expect("b") });
    };
    assert_eq!(printed(&short), None);
    let pattern = "x".repeat(75);
    let wide = quote!(static A: L<R> = L::new(|| { Regex::new(#pattern).expect(#message) }););
    assert_eq!(printed(&wide), None);
}

#[test]
fn generic_parameters_print_in_the_signature() {
    // One line up to 26 characters of parameter name, then a parameter per line.
    for width in [10, 26, 27, 40] {
        let param = name(width);
        assert_printed_alike(quote! {
            pub fn f<T: codec::Encode + ?Sized, U>(#param: &T, u: U) -> Vec<u8> {
                codec::to_vec_with(#param, u)
            }
        });
    }
    assert_printed_alike(quote! {
        fn from_slice<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
            codec::from_slice(bytes)
        }
    });
}

#[test]
fn a_table_breaks_into_an_element_per_line_and_a_wide_tuple_into_its_fields() {
    // At 4 columns, `("…", "GET"),` fits up to 73 characters of its first string.
    for width in [10, 73, 74, 120] {
        let id = "i".repeat(width);
        assert_printed_alike(quote! {
            const OPERATIONS: &[(&str, &str)] = &[(#id, "GET"), ("b", "POST"), ("c", "PUT"),];
        });
        assert_printed_alike(quote! {
            const EXAMPLES: &[(&str, Check)] = &[(#id, round_trip::<ApiError>)];
        });
    }
}

#[test]
fn a_field_type_too_wide_breaks_its_generic_arguments() {
    // Whole up to 21 characters of field name, then broken.
    for width in [10, 21, 22, 50] {
        let field = name(width);
        assert_printed_alike(quote! {
            pub struct A {
                pub #field: Option<Vec<BTreeMap<String, SynonymMappingStatusDetail>>>,
                pub b: BTreeMap<String, Vec<SynonymMappingStatusDetail>>,
            }
        });
    }
}

#[test]
fn function_pointer_types_print_alike() {
    assert_printed_alike(quote!(
        type Check = fn(&str) -> Result<(), String>;
    ));
    assert_printed_alike(quote!(
        type Callback = fn();
    ));
    assert_eq!(
        printed(&quote!(
            type Named = fn(x: u8);
        )),
        None
    );
}

#[test]
fn a_method_chain_too_wide_puts_a_call_a_line() {
    let long = "x".repeat(40);
    for tokens in [
        // A short receiver keeps its first call; a longer one, or one after `let x = `, goes
        // on a line of its own; a path call is not broken before.
        quote! { impl A { fn fmt(&self) -> R { f.debug_struct("CloudDatabaseUser").field("aws_iam_type", &self.aws_iam_type).field("password", &self.password.as_ref().map(|_| codec::Redacted)).finish() } } },
        quote! { impl A { fn fmt(&self) -> R { object.debug_struct("CloudDatabaseUser").field("aws_iam_type", &self.aws_iam_type).field("password", &self.password.as_ref().map(|_| codec::Redacted)).finish() } } },
        quote! { impl A { fn fmt(&self) -> R { Regex::new("CloudDatabaseUser").field("aws_iam_type", &self.aws_iam_type).field("password", &self.password).finish() } } },
        quote! { impl A { fn fmt(&self) -> R { f.debug_struct("C").field(#long, &self.a).field(#long, &self.a).finish() } } },
        quote! { impl A { fn fmt(&self) { let x = f.debug_struct("C").field(#long, &self.a).field(#long, &self.a).finish(); } } },
        quote! { fn f() { a.bbbbbbbbbbbb().cccccccccccccc().ddddddddddddddd().eeeeeeeeeeeeeeeeeeeee().fffffffffffff() } },
        // Whole where it fits.
        quote! { impl A { fn fmt(&self) -> R { f.debug_struct("C").field("a", &self.a).finish() } } },
    ] {
        assert_printed_alike(tokens);
    }
}

#[test]
fn a_closure_building_a_wide_struct_breaks_its_fields_as_an_argument() {
    // The paging stream's call: closures as arguments, the last one building a struct
    // expression, whole up to 34 columns (a field name of 2) and broken past them.
    for width in [1, 2, 3, 30] {
        let field = name(width);
        assert_printed_alike(quote! {
            impl A {
                pub fn stream(self) -> Pages<models::TeamRole> {
                    Pages::new(
                        first_page,
                        page_size,
                        move |page| Ok(self.clone().page_num(page_number(page, "pageNum")?).send()),
                        |body: models::PaginatedTeamRoleView| Page { #field: body.results, total: t },
                    )
                }
            }
        });
    }
}

#[test]
fn what_it_does_not_know_is_left_to_prettyplease() {
    let long = "x".repeat(80);
    for tokens in [
        quote!(
            fn f() {
                if a { b } else { c }
            }
        ),
        quote!(
            fn f() {
                let v = vec![1, 2];
            }
        ),
        quote!(
            fn f<'a>(t: &'a str) {}
        ),
        quote!(
            fn f<T: Fn() -> u8>(t: T) {}
        ),
        quote!(
            fn f<T = u8>(t: T) {}
        ),
        quote!(
            trait T {}
        ),
        // A chain with a call too wide for its own line.
        quote!(
            fn f() {
                f.debug_struct("C").field(#long, &self.a).field("b", &self.b).finish()
            }
        ),
    ] {
        assert_eq!(printed(&tokens), None, "{tokens}");
    }
}

#[test]
fn string_values_are_unescaped_as_syn_does() {
    for value in [
        "plain",
        "a \"quote\"",
        "back\\slash",
        "tab\there",
        "zero\u{200b}width",
    ] {
        let literal = proc_macro2::Literal::string(value).to_string();
        assert_eq!(super::line::string_value(&literal).as_deref(), Some(value));
    }
    assert_eq!(
        super::line::string_value("r#\"raw \"x\"\"#").as_deref(),
        Some("raw \"x\"")
    );
}

/// Whatever the printer does not leave to prettyplease, it prints as prettyplease does.
fn assert_alike_or_left(tokens: TokenStream) {
    if let Some(printed) = printed(&tokens) {
        assert_eq!(printed, prettyplease(&tokens), "{tokens}");
    }
}

#[test]
fn near_misses_are_printed_alike_or_left_to_prettyplease() {
    let long = "x".repeat(60);
    for tokens in [
        quote!(
            use a::{b as c, d::*};
        ),
        quote!(
            use ::std::fmt;
        ),
        quote!(fn f() { return Err(Error::Invalid(#long, "a much longer message than fits")); }),
        quote!(fn f() { let x = y.z(#long, "a much longer message than fits on the line"); }),
        quote!(
            fn f(g: &dyn for<'a> Fn(&'a str) -> bool) {}
        ),
        quote!(
            fn f() -> fn(u8) -> u8 {
                g
            }
        ),
        quote!(
            fn f() {
                x = a < b;
                y = c > d;
                z = !e != f;
            }
        ),
        quote!(
            fn f() {
                match a {
                    Some(x) if x > 1 => x,
                    _ => 0,
                }
            }
        ),
        quote!(
            fn f() {
                Self {
                    a: 1,
                    ..Default::default()
                }
            }
        ),
        quote!(
            fn f() {
                (a,)
            }
        ),
        quote!(
            fn f() {
                if a { b } else { c }
            }
        ),
        quote!(
            struct A(u8);
        ),
        quote!(
            pub(crate) struct A;
        ),
        quote!(
            impl<T> A<T> {}
        ),
    ] {
        assert_alike_or_left(tokens);
    }
}

/// What goes to syn is rebuilt from the printer's tokens: every kind of literal, raw
/// identifiers, joint punctuation and nested groups come back as they were.
#[test]
fn tokens_rebuilt_for_syn_are_the_tokens_given() {
    let raw = proc_macro2::Ident::new_raw("type", proc_macro2::Span::call_site());
    let negative = proc_macro2::Literal::i64_suffixed(-7);
    let tokens = quote! {
        fn f<'a>(#raw: &'a str) -> Result<(), E> {
            let _ = (#negative, 1.5e3f64, b"b\x00", 'c', r#"raw "str""#, "esc\n\"q\"", 0x1F_u8);
            match x { a::B => {} _ => [1; 2] }
        }
    };
    let rebuilt = super::tok::to_stream(&super::tok::convert(tokens.clone()))
        .expect("every literal reads back");
    assert_eq!(rebuilt.to_string(), tokens.to_string());
}
