//! The fixture specs of `tests/fixtures`, each generated into `OUT_DIR` by `build.rs` and
//! included here as a module. Compiling this crate checks that the code generated for every
//! construct builds (warnings are errors); `tests/models.rs` checks how it behaves.
#![deny(warnings)]

macro_rules! fixture {
    ($name:ident) => {
        pub mod $name {
            include!(concat!(env!("OUT_DIR"), "/", stringify!($name), ".rs"));
        }
    };
}

fixture!(additional_properties);
fixture!(allof);
fixture!(bodies);
fixture!(circular);
fixture!(collisions);
fixture!(deprecation);
fixture!(discriminated);
fixture!(enums);
fixture!(formats);
fixture!(implicit);
fixture!(keywords);
fixture!(nullable);
fixture!(endpoints);
fixture!(open);
fixture!(recursive);
fixture!(required_optional);
fixture!(tolerance);
fixture!(untagged);
// Specs of `tests/specs/`, written by others.
fixture!(petstore);
fixture!(api_with_examples);
